import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTeamActivities } from '../../activities/teams.activities.js';
import type { ActivityDependencies } from '../../activities/dependencies.js';
import { InboundIngestion } from '../../libs/ingestion/inbound-ingestion.js';
import { signalTicketNeedsAssignee } from '../../libs/teams/assigner-signals.js';
import type { Role } from '../../libs/domain/access.js';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { callApi } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/stack.js';

type Team = { id: string; name: string; assignmentMode: string; autoAssign: boolean; memberIds: string[] };

describe('teams over HTTP (issue 15 §3): CRUD, members, routing rules, availability, capacity, queue, roles, isolation', () => {
  let stack: TestStack;
  let brand: TestAccount;
  let other: TestAccount;

  beforeAll(async () => {
    stack = await startTestStack();
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'admin', 'manager', 'support', 'analyst'] });
    other = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const as = (role: Role, account = brand) => (method: string, path: string, body?: unknown) => callApi(stack.baseUrl, method, path, { token: account.tokens[role], body });
  const unique = (name: string) => `${name} ${randomUUID().slice(0, 6)}`;
  const createTeam = async (body: Record<string, unknown> = {}, role: Role = 'manager') => {
    const response = await as(role)('POST', '/teams', { name: unique('Team'), ...body });
    expect(response.status).toBe(201);
    return response.body as Team;
  };

  it('creates, reads, renames and deletes teams; names are unique per account regardless of case', async () => {
    const name = unique('Billing');
    const team = await createTeam({ name, assignmentMode: 'balanced', memberIds: [brand.users.support.id, brand.users.manager.id] });
    expect(team).toMatchObject({ name, assignmentMode: 'balanced', autoAssign: true, memberIds: [brand.users.support.id, brand.users.manager.id] });
    expect((await as('support')('GET', `/teams/${team.id}`)).body).toMatchObject({ id: team.id, name });
    expect(((await as('support')('GET', '/teams')).body as { teams: Team[] }).teams.map((listed) => listed.id)).toContain(team.id);

    const taken = await as('manager')('POST', '/teams', { name: name.toUpperCase() });
    expect(taken).toMatchObject({ status: 409, body: { error: 'name_taken', field: 'name' } });
    // Another account may use the same name.
    expect((await as('owner', other)('POST', '/teams', { name })).status).toBe(201);

    const renamed = await as('admin')('PATCH', `/teams/${team.id}`, { name: `${name} EU`, autoAssign: false });
    expect(renamed).toMatchObject({ status: 200, body: { name: `${name} EU`, autoAssign: false, assignmentMode: 'balanced' } });
    expect((await as('owner')('DELETE', `/teams/${team.id}`)).status).toBe(204);
    expect((await as('owner')('GET', `/teams/${team.id}`)).status).toBe(404);
  });

  it('refuses bad input naming the field, never with a 500', async () => {
    const team = await createTeam();
    const cases: [string, string, unknown, string][] = [
      ['POST', '/teams', { name: '  ' }, 'name'],
      ['POST', '/teams', { name: 'x'.repeat(101) }, 'name'],
      ['POST', '/teams', { name: unique('T'), assignmentMode: 'random' }, 'assignmentMode'],
      ['POST', '/teams', { name: unique('T'), autoAssign: 'yes' }, 'autoAssign'],
      ['POST', '/teams', { name: unique('T'), memberIds: ['nobody'] }, 'memberIds[0]'],
      ['PUT', `/teams/${team.id}/members`, { userIds: [brand.users.support.id, brand.users.support.id] }, 'userIds[1]'],
      ['PUT', `/teams/${team.id}/members`, { userIds: [brand.users.analyst.id] }, 'userIds[0]'],
      ['PUT', `/teams/${team.id}/members`, { userIds: 'all' }, 'userIds'],
      ['PUT', '/team-routing-rules', { rules: [{ teamId: 'nope' }] }, 'rules[0].teamId'],
      ['PUT', '/team-routing-rules', { rules: [{ teamId: team.id, conditions: { channels: ['fax'] } }] }, 'rules.0.conditions.channels'],
      ['PUT', '/team-routing-rules', { rules: {} }, 'rules'],
      ['PATCH', '/me/availability', { availability: 'busy' }, 'availability'],
      ['PATCH', `/users/${brand.users.support.id}/capacity`, { capacity: -1 }, 'capacity'],
      ['PATCH', `/users/${brand.users.support.id}/capacity`, { capacity: 2.5 }, 'capacity'],
      ['POST', '/teams', { name: 'Nul\u0000team' }, 'name'],
      ['PUT', `/teams/${team.id}/members`, { userIds: ['nul\u0000id'] }, 'userIds[0]'],
    ];
    for (const [method, path, body, field] of cases) {
      const response = await as('owner')(method, path, body);
      expect({ path, body, status: response.status, field: response.body?.field }).toEqual({ path, body, status: 400, field });
    }
    expect((await as('owner')('GET', '/teams/%00')).status).toBeLessThan(500);
  });

  it('lets owners, admins and managers change teams; support reads only; analysts not at all', async () => {
    const team = await createTeam({}, 'owner');
    for (const [method, path, body] of [
      ['POST', '/teams', { name: unique('T') }],
      ['PATCH', `/teams/${team.id}`, { name: unique('T') }],
      ['DELETE', `/teams/${team.id}`, undefined],
      ['PUT', `/teams/${team.id}/members`, { userIds: [] }],
      ['PUT', '/team-routing-rules', { rules: [] }],
      ['PATCH', `/users/${brand.users.support.id}/capacity`, { capacity: 3 }],
    ] as const) {
      expect({ path, method, status: (await as('support')(method, path, body)).status }).toEqual({ path, method, status: 403 });
    }
    expect((await as('support')('GET', `/teams/${team.id}/queue`)).status).toBe(200);
    expect((await as('analyst')('GET', '/teams')).status).toBe(403);
    expect((await as('manager')('PATCH', `/users/${brand.users.support.id}/capacity`, { capacity: 3 })).body).toEqual({ userId: brand.users.support.id, availability: 'online', capacity: 3 });
  });

  it('keeps accounts apart', async () => {
    const team = await createTeam();
    for (const [method, path, body] of [
      ['GET', `/teams/${team.id}`, undefined],
      ['PATCH', `/teams/${team.id}`, { name: unique('T') }],
      ['DELETE', `/teams/${team.id}`, undefined],
      ['PUT', `/teams/${team.id}/members`, { userIds: [] }],
      ['GET', `/teams/${team.id}/queue`, undefined],
      ['PATCH', `/users/${brand.users.support.id}/capacity`, { capacity: 1 }],
    ] as const) {
      expect({ path, method, status: (await as('owner', other)(method, path, body)).status }).toEqual({ path, method, status: 404 });
    }
    expect((await as('owner', other)('POST', '/teams', { name: unique('T'), memberIds: [brand.users.support.id] })).body).toMatchObject({ field: 'memberIds[0]' });
    expect((await as('owner', other)('PUT', '/team-routing-rules', { rules: [{ teamId: team.id }] })).body).toMatchObject({ field: 'rules[0].teamId' });
    expect(((await as('owner', other)('GET', '/teams')).body as { teams: Team[] }).teams.map((listed) => listed.id)).not.toContain(team.id);
  });

  it('replaces the ordered routing rules', async () => {
    const vip = await createTeam();
    const billing = await createTeam();
    const rules = [
      { teamId: vip.id, conditions: { tagsAny: ['vip'] } },
      { teamId: billing.id, conditions: { channels: ['email'], supportAddresses: ['billing@brand.test'] } },
      { teamId: vip.id },
    ];
    const replaced = await as('manager')('PUT', '/team-routing-rules', { rules });
    expect(replaced.status).toBe(200);
    const expected = [rules[0], rules[1], { teamId: vip.id, conditions: {} }];
    expect((replaced.body as { rules: unknown[] }).rules).toEqual(expected.map((rule) => ({ id: expect.any(String), ...rule })));
    expect(((await as('support')('GET', '/team-routing-rules')).body as { rules: unknown[] }).rules).toEqual((replaced.body as { rules: unknown[] }).rules);
    expect(((await as('owner', other)('GET', '/team-routing-rules')).body as { rules: unknown[] }).rules).toEqual([]);
  });

  it('routes a new ticket to the team of the first rule that matches, with the reason', async () => {
    const vip = await createTeam();
    const billing = await createTeam();
    await as('manager')('PUT', '/team-routing-rules', {
      rules: [
        { teamId: vip.id, conditions: { tagsAny: ['VIP'] } },
        { teamId: billing.id, conditions: { channels: ['email'], supportAddresses: ['Billing@brand.test'] } },
      ],
    });
    const ingestion = new InboundIngestion({ config: stack.config, orm: stack.orm, temporal: stack.temporal });
    const { routeTicketToTeam } = createTeamActivities({ config: stack.config, orm: stack.orm, ingestion } as ActivityDependencies);
    const messageId = `msg-${randomUUID()}`;
    await stack.orm.em.fork().execute(
      `INSERT INTO email_messages (message_id, account_id, ticket_id, thread_key, direction, rfc_message_id, support_address, created_at)
       VALUES (?, ?, 'ticket-email-x', 'thread', 'inbound', ?, 'billing@brand.test', now())`,
      [messageId, brand.accountId, `<${messageId}@example.test>`],
    );
    const facts = { accountId: brand.accountId, ticketId: 'ticket-email-x', channel: 'email' as const, messageId };
    expect(await routeTicketToTeam({ ...facts, tags: [] })).toEqual({ teamId: billing.id, ruleId: expect.any(String), reason: 'rule 2 matched: channel email, support address billing@brand.test' });
    expect(await routeTicketToTeam({ ...facts, tags: ['vip'] })).toMatchObject({ teamId: vip.id, reason: 'rule 1 matched: tag vip' });
    expect(await routeTicketToTeam({ ...facts, channel: 'sms', tags: [] })).toEqual({ teamId: null, ruleId: null, reason: 'no routing rule matched' });
    expect(await routeTicketToTeam({ ...facts, accountId: other.accountId, tags: ['vip'] })).toEqual({ teamId: null, ruleId: null, reason: 'the account has no routing rules' });
  });

  it('assigns only online agents within capacity, and a change of availability assigns the waiting ticket', async () => {
    const manager = brand.users.manager.id;
    const support = brand.users.support.id;
    const team = await createTeam({ memberIds: [manager, support] });
    expect((await as('manager')('PATCH', '/me/availability', { availability: 'away' })).body).toMatchObject({ userId: manager, availability: 'away' });
    expect((await as('manager')('GET', '/me/availability')).body).toEqual({ userId: manager, availability: 'away', capacity: 5 });
    expect((await as('owner')('PATCH', `/users/${support}/capacity`, { capacity: 1 })).status).toBe(200);

    const ingestion = new InboundIngestion({ config: stack.config, orm: stack.orm, temporal: stack.temporal });
    const newTicket = async (n: number) => {
      const { ticketId } = await ingestion.ingest({ accountId: brand.accountId, channel: 'sms', externalId: `SM-${randomUUID()}`, body: 'hello', sender: { phone: `+1415555081${n}` } });
      const since = await eventually(async () => (await stack.orm.em.fork().execute<{ created_at: Date }[]>('SELECT created_at FROM tickets WHERE id = ?', [ticketId]))[0]?.created_at, 'the ticket');
      await signalTicketNeedsAssignee(stack.temporal, stack.config, brand.accountId, team.id, { ticketId, since: new Date(since).toISOString() });
      return ticketId;
    };
    const assigneeOf = (ticketId: string) => async () => (await stack.orm.em.fork().execute<{ assignee_id: string | null }[]>('SELECT assignee_id FROM tickets WHERE id = ?', [ticketId]))[0]?.assignee_id ?? undefined;

    const first = await newTicket(1);
    expect(await eventually(assigneeOf(first), 'the first assignment')).toBe(support);
    const second = await newTicket(2);
    const queued = await eventually(async () => {
      const response = await as('support')('GET', `/teams/${team.id}/queue`);
      return (response.body as { waiting: { ticketId: string }[] }).waiting.length === 1 ? response.body : undefined;
    }, 'the second ticket waiting');
    expect(queued).toEqual({ waiting: [{ ticketId: second, since: expect.any(String) }] });

    expect((await as('manager')('PATCH', '/me/availability', { availability: 'online' })).status).toBe(200);
    expect(await eventually(assigneeOf(second), 'the second assignment')).toBe(manager);
    // The ticket shows its assignee before the assigner has heard back from it.
    await eventually(async () => (((await as('support')('GET', `/teams/${team.id}/queue`)).body as { waiting: unknown[] }).waiting.length === 0 ? true : undefined), 'an empty queue');
  }, 60_000);
});
