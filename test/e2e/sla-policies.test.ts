import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AccountsService } from '../../libs/accounts/accounts.service.js';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { callApi } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/stack.js';

type Policy = { id: string; position: number; name: string; enabled: boolean; conditions: Record<string, unknown>; targets: Record<string, unknown>; warnAtPercent: number; pauseWhileSnoozed: boolean; onWarning: unknown[]; onBreach: unknown[] };
type Match = { ticket: { channel: string; priority: string; tags: string[] }; policy: Policy | null; verdicts: { policyId: string; name: string; position: number; matched: boolean; reasons: string[] }[] };

describe('SLA policies over HTTP (service levels, SPEC §12): CRUD, order, match, references, roles, isolation', () => {
  let stack: TestStack;
  let brand: TestAccount;
  let other: TestAccount;

  beforeAll(async () => {
    stack = await startTestStack();
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
    other = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const as = (account: TestAccount, role: 'owner' | 'support') => (method: string, path: string, body?: unknown) => callApi(stack.baseUrl, method, path, { token: account.tokens[role], body });
  const owner = (method: string, path: string, body?: unknown) => as(brand, 'owner')(method, path, body);
  const support = (method: string, path: string, body?: unknown) => as(brand, 'support')(method, path, body);
  const unique = (name: string) => `${name} ${randomUUID().slice(0, 6)}`;
  const body = (overrides: Record<string, unknown> = {}) => ({ name: unique('Policy'), targets: { first_response: { minutes: 60, calendarId: null } }, ...overrides });
  const create = async (overrides: Record<string, unknown> = {}, account = brand) => {
    const response = await as(account, 'owner')('POST', '/sla-policies', body(overrides));
    expect(response.status).toBe(201);
    return response.body as Policy;
  };
  const list = async (account = brand) => {
    const response = await as(account, 'support')('GET', '/sla-policies');
    expect(response.status).toBe(200);
    return (response.body as { policies: Policy[] }).policies;
  };
  const clear = async () => {
    for (const policy of await list()) expect((await owner('DELETE', `/sla-policies/${policy.id}`)).status).toBe(204);
  };
  const match = async (query: string) => {
    const response = await support('GET', `/sla-policies/match?${query}`);
    expect(response.status).toBe(200);
    return response.body as Match;
  };
  /** A business-hours calendar of the account: through its API when it answers, else straight into its table. */
  const newCalendar = async (account: TestAccount) => {
    const name = unique('Paris');
    const weekly = [1, 2, 3, 4, 5].map((day) => ({ day, windows: [{ opens: '09:00', closes: '18:00' }] }));
    const viaApi = await as(account, 'owner')('POST', '/business-calendars', { name, timeZone: 'Europe/Paris', weekly, holidays: [] });
    if (viaApi.status === 201) return (viaApi.body as { id: string }).id;
    const id = randomUUID();
    await stack.orm.em.fork().execute(
      `INSERT INTO business_calendars (id, account_id, name, time_zone, weekly, holidays) VALUES (?, ?, ?, 'Europe/Paris', ?::jsonb, '[]'::jsonb)`,
      [id, account.accountId, name, JSON.stringify(weekly)],
    );
    return id;
  };

  it('creates with defaults, reads, replaces and deletes a policy; every write is in the audit log', async () => {
    await clear();
    const created = await create({
      name: '  VIP email  ',
      conditions: { channels: ['email'], tagsAll: [' VIP '] },
      targets: { first_response: { minutes: 30, calendarId: null }, resolution: { minutes: 1440, calendarId: null } },
      onBreach: [{ type: 'add_tag', tag: 'SLA Breached' }, { type: 'raise_priority', to: 'urgent' }],
    });
    expect(created).toMatchObject({
      name: 'VIP email',
      position: 0,
      enabled: true,
      conditions: { channels: ['email'], tagsAll: ['vip'] },
      targets: { first_response: { minutes: 30, calendarId: null }, resolution: { minutes: 1440, calendarId: null } },
      pauseWhileSnoozed: false,
      warnAtPercent: 80,
      onWarning: [],
      onBreach: [{ type: 'add_tag', tag: 'sla breached' }, { type: 'raise_priority', to: 'urgent' }],
    });
    expect((await support('GET', `/sla-policies/${created.id}`)).body).toEqual(created);

    const replaced = await owner('PUT', `/sla-policies/${created.id}`, {
      name: 'VIP',
      enabled: false,
      targets: { next_response: { minutes: 15, calendarId: null } },
      pauseWhileSnoozed: true,
      warnAtPercent: 50,
      onWarning: [{ type: 'notify', assignee: true, userIds: [brand.users.owner.id], channels: ['in_app', 'email'] }],
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      id: created.id,
      position: 0,
      name: 'VIP',
      enabled: false,
      conditions: {},
      targets: { next_response: { minutes: 15, calendarId: null } },
      pauseWhileSnoozed: true,
      warnAtPercent: 50,
      onWarning: [{ type: 'notify', assignee: true, userIds: [brand.users.owner.id], channels: ['in_app', 'email'] }],
      onBreach: [],
    });
    expect((replaced.body as Policy).targets).not.toHaveProperty('first_response');

    expect((await owner('DELETE', `/sla-policies/${created.id}`)).status).toBe(204);
    expect((await support('GET', `/sla-policies/${created.id}`)).status).toBe(404);
    expect((await owner('DELETE', `/sla-policies/${created.id}`)).status).toBe(404);
    expect((await owner('PUT', `/sla-policies/${created.id}`, body())).status).toBe(404);

    const audit = await owner('GET', '/audit-log?action=settings.changed&limit=50');
    expect(audit.status).toBe(200);
    const entries = (audit.body as { entries: { target: string; actorUserId: string; details: { section: string; changes: Record<string, { old: unknown; new: unknown }> } }[] }).entries.filter(
      (entry) => entry.target === `settings:slaPolicy:${created.id}`,
    );
    expect(entries).toHaveLength(3);
    const [deleted, updated, added] = entries;
    expect(added!.details.changes).toMatchObject({ name: { old: null, new: 'VIP email' }, warnAtPercent: { old: null, new: 80 } });
    // Field by field, old and new.
    expect(updated!.details.changes).toMatchObject({ name: { old: 'VIP email', new: 'VIP' }, enabled: { old: true, new: false }, warnAtPercent: { old: 80, new: 50 } });
    expect(deleted!.details.changes).toMatchObject({ name: { old: 'VIP', new: null } });
    expect(added!.actorUserId).toBe(brand.users.owner.id);
  });

  it('appends new policies last; the first enabled policy that matches applies, reordering changes the answer, a disabled one is skipped', async () => {
    await clear();
    const urgent = await create({ name: unique('Urgent'), conditions: { priorities: ['urgent'] } });
    const smsVip = await create({ name: unique('SMS VIP'), conditions: { channels: ['sms'], tagsAny: ['vip', 'gold'] } });
    const fallback = await create({ name: unique('Everyone') });
    expect((await list()).map((policy) => [policy.id, policy.position])).toEqual([
      [urgent.id, 0],
      [smsVip.id, 1],
      [fallback.id, 2],
    ]);

    const urgentSms = await match('channel=sms&priority=urgent&tags=VIP');
    expect(urgentSms.ticket).toEqual({ channel: 'sms', priority: 'urgent', tags: ['vip'] });
    expect(urgentSms.policy?.id).toBe(urgent.id);
    expect(urgentSms.verdicts).toEqual([{ policyId: urgent.id, name: urgent.name, position: 0, matched: true, reasons: [] }]);

    const normalSms = await match('channel=sms&tags=Gold,other');
    expect(normalSms.policy?.id).toBe(smsVip.id);
    expect(normalSms.verdicts.map((verdict) => [verdict.policyId, verdict.matched, verdict.reasons])).toEqual([
      [urgent.id, false, ['priority normal is not among urgent']],
      [smsVip.id, true, []],
    ]);

    const email = await match('channel=email&priority=high');
    expect(email.policy?.id).toBe(fallback.id);
    expect(email.verdicts[1]!.reasons).toEqual(['channel email is not among sms', 'the ticket has none of the tags vip, gold']);

    const reordered = await owner('PUT', '/sla-policies/order', { ids: [smsVip.id, fallback.id, urgent.id] });
    expect(reordered.status).toBe(200);
    expect((reordered.body as { policies: Policy[] }).policies.map((policy) => [policy.id, policy.position])).toEqual([
      [smsVip.id, 0],
      [fallback.id, 1],
      [urgent.id, 2],
    ]);
    const orderAudit = (await owner('GET', '/audit-log?action=settings.changed&limit=5')).body as { entries: { target: string; details: { changes: Record<string, unknown> } }[] };
    expect(orderAudit.entries[0]).toMatchObject({ target: 'settings:slaPolicies', details: { changes: { order: { old: [urgent.id, smsVip.id, fallback.id], new: [smsVip.id, fallback.id, urgent.id] } } } });
    expect((await match('channel=sms&priority=urgent&tags=vip')).policy?.id).toBe(smsVip.id);
    expect((await match('channel=email&priority=urgent')).policy?.id).toBe(fallback.id);

    // Disabled: skipped, and said so.
    expect((await owner('PUT', `/sla-policies/${fallback.id}`, { ...body({ name: fallback.name }), enabled: false })).status).toBe(200);
    const skipped = await match('channel=email&priority=urgent');
    expect(skipped.policy?.id).toBe(urgent.id);
    expect(skipped.verdicts.map((verdict) => verdict.reasons)).toEqual([['channel email is not among sms', 'the ticket has none of the tags vip, gold'], ['disabled'], []]);
    const none = await match('channel=email&priority=low');
    expect(none.policy).toBeNull();
    expect(none.verdicts).toHaveLength(3);

    // Deleting one closes the gap.
    expect((await owner('DELETE', `/sla-policies/${smsVip.id}`)).status).toBe(204);
    expect((await list()).map((policy) => [policy.id, policy.position])).toEqual([
      [fallback.id, 0],
      [urgent.id, 1],
    ]);
    const appended = await create();
    expect(appended.position).toBe(2);
  });

  it('refuses an order that does not list exactly the account\'s policies (field ids)', async () => {
    await clear();
    const [a, b] = [await create(), await create()];
    const foreign = await create({}, other);
    for (const ids of [[a.id], [a.id, b.id, a.id], [a.id, b.id, foreign.id], [a.id, b.id, 'nope'], []]) {
      const refused = await owner('PUT', '/sla-policies/order', { ids });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: 'validation_failed', field: 'ids' });
    }
    expect((await owner('PUT', '/sla-policies/order', { ids: 'a' })).body).toMatchObject({ field: 'ids' });
    expect((await list()).map((policy) => policy.id)).toEqual([a.id, b.id]);
  });

  it('names the field at fault when a policy breaks a rule', async () => {
    const refusals: [Record<string, unknown>, string][] = [
      [{ targets: {} }, 'targets'],
      [{ targets: undefined }, 'targets'],
      [{ targets: { first_response: { minutes: 0, calendarId: null } } }, 'targets.first_response.minutes'],
      [{ targets: { resolution: { minutes: 525601, calendarId: null } } }, 'targets.resolution.minutes'],
      [{ targets: { next_response: { minutes: 10 } } }, 'targets.next_response.calendarId'],
      [{ targets: { first_reply: { minutes: 10, calendarId: null } } }, 'targets.first_reply'],
      [{ name: '   ' }, 'name'],
      [{ warnAtPercent: 100 }, 'warnAtPercent'],
      [{ conditions: { channels: ['fax'] } }, 'conditions.channels'],
      [{ conditions: { tagsAny: [] } }, 'conditions.tagsAny'],
      [{ conditions: { tagsAll: ['ok', '  '] } }, 'conditions.tagsAll[1]'],
      [{ onBreach: [{ type: 'raise_priority', to: 'critical' }] }, 'onBreach[0].to'],
      [{ onBreach: [{ type: 'add_tag', tag: 'late' }, { type: 'raise_priority' }] }, 'onBreach[1].to'],
      [{ onWarning: [{ type: 'notify', assignee: false, userIds: [], channels: ['email'] }] }, 'onWarning[0].userIds'],
      [{ onWarning: [{ type: 'notify', assignee: true, userIds: [], channels: ['sms'] }] }, 'onWarning[0].channels[0]'],
      [{ onBreach: [{ type: 'add_tag', tag: 'Late' }, { type: 'add_tag', tag: 'late' }] }, 'onBreach[1].tag'],
      [{ onBreach: [{ type: 'raise_priority', to: 'high' }, { type: 'raise_priority', to: 'urgent' }] }, 'onBreach[1].type'],
      [{ onBreach: [{ type: 'add_tag', tag: 'late', userId: 'x' }] }, 'onBreach[0].userId'],
      [{ onBreach: [{ type: 'page' }] }, 'onBreach[0].type'],
    ];
    for (const [overrides, field] of refusals) {
      const refused = await owner('POST', '/sla-policies', body(overrides));
      expect({ overrides, status: refused.status, body: refused.body }).toMatchObject({ status: 400, body: { error: 'validation_failed', field } });
    }
  });

  it('takes only calendars and active inbox users of the account', async () => {
    const calendarId = await newCalendar(brand);
    const foreignCalendar = await newCalendar(other);
    const withCalendar = await create({ targets: { first_response: { minutes: 60, calendarId }, resolution: { minutes: 600, calendarId: null } } });
    expect(withCalendar.targets).toEqual({ first_response: { minutes: 60, calendarId }, resolution: { minutes: 600, calendarId: null } });
    // A calendar a policy counts in cannot go away under it; once no policy names it, it can.
    const inUse = await owner('DELETE', `/business-calendars/${calendarId}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body).toMatchObject({ error: 'calendar_in_use' });
    expect((inUse.body as { message: string }).message).toContain(`"${withCalendar.name}"`);
    const spare = await newCalendar(brand);
    const onSpare = await create({ targets: { resolution: { minutes: 600, calendarId: spare } } });
    expect((await owner('DELETE', `/business-calendars/${spare}`)).status).toBe(409);
    expect((await owner('DELETE', `/sla-policies/${onSpare.id}`)).status).toBe(204);
    expect((await owner('DELETE', `/business-calendars/${spare}`)).status).toBe(204);
    for (const [kind, id] of [['first_response', foreignCalendar], ['resolution', 'no-such-calendar']] as const) {
      const refused = await owner('POST', '/sla-policies', body({ targets: { first_response: { minutes: 60, calendarId }, [kind]: { minutes: 60, calendarId: id } } }));
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ field: `targets.${kind}.calendarId` });
    }

    const accounts = new AccountsService(stack.orm);
    const suffix = randomUUID().slice(0, 6);
    const { user: leaver } = await accounts.createUserWithToken(brand.accountId, { email: `leaver-${suffix}@example.test`, name: 'Leaver', role: 'support' });
    const { user: analyst } = await accounts.createUserWithToken(brand.accountId, { email: `analyst-${suffix}@example.test`, name: 'Analyst', role: 'analyst' });
    expect((await owner('POST', `/users/${leaver.id}/deactivate`)).status).toBeLessThan(300);

    const reassigned = await create({ onBreach: [{ type: 'reassign', userId: brand.users.support.id }, { type: 'notify', assignee: false, userIds: [brand.users.owner.id], channels: ['email'] }] });
    expect(reassigned.onBreach).toHaveLength(2);
    const refusals: [unknown[], string][] = [
      [[{ type: 'reassign', userId: other.users.support.id }], 'onBreach[0].userId'],
      [[{ type: 'reassign', userId: leaver.id }], 'onBreach[0].userId'],
      [[{ type: 'add_tag', tag: 'x' }, { type: 'reassign', userId: analyst.id }], 'onBreach[1].userId'],
      [[{ type: 'notify', assignee: true, userIds: [brand.users.owner.id, other.users.owner.id], channels: ['in_app'] }], 'onBreach[0].userIds[1]'],
    ];
    for (const [onBreach, field] of refusals) {
      const refused = await owner('POST', '/sla-policies', body({ onBreach }));
      expect({ field, status: refused.status, body: refused.body }).toMatchObject({ status: 400, body: { error: 'validation_failed', field } });
    }
  });

  it('lets every inbox role read and only owners and admins write (403)', async () => {
    const policy = await create();
    expect((await support('GET', '/sla-policies')).status).toBe(200);
    expect((await support('GET', `/sla-policies/${policy.id}`)).status).toBe(200);
    expect((await support('GET', '/sla-policies/match?channel=email')).status).toBe(200);
    const writes: [string, string, unknown?][] = [
      ['POST', '/sla-policies', body()],
      ['PUT', `/sla-policies/${policy.id}`, body()],
      ['DELETE', `/sla-policies/${policy.id}`],
      ['PUT', '/sla-policies/order', { ids: (await list()).map((stored) => stored.id) }],
    ];
    for (const [method, path, payload] of writes) {
      const refused = await support(method, path, payload);
      expect({ method, path, status: refused.status, error: (refused.body as { error: string }).error }).toEqual({ method, path, status: 403, error: 'forbidden' });
    }
    expect((await support('GET', `/sla-policies/${policy.id}`)).body).toEqual(policy);
    const badMatch = await support('GET', '/sla-policies/match?channel=fax');
    expect(badMatch.status).toBe(400);
    expect(badMatch.body).toMatchObject({ field: 'channel' });
    expect((await support('GET', '/sla-policies/match?channel=email&priority=critical')).body).toMatchObject({ field: 'priority' });
  });

  it('keeps accounts apart, and refuses a name already taken (409 name_taken, regardless of case)', async () => {
    const name = unique('Gold');
    const mine = await create({ name });
    const theirs = await create({ name }, other);
    expect(theirs.name).toBe(name);
    expect((await list(other)).map((policy) => policy.id)).not.toContain(mine.id);
    expect((await as(other, 'owner')('GET', `/sla-policies/${mine.id}`)).status).toBe(404);
    expect((await as(other, 'owner')('PUT', `/sla-policies/${mine.id}`, body())).status).toBe(404);
    expect((await as(other, 'owner')('DELETE', `/sla-policies/${mine.id}`)).status).toBe(404);
    expect((await match('channel=email')).verdicts.map((verdict) => verdict.policyId)).not.toContain(theirs.id);

    const taken = await owner('POST', '/sla-policies', body({ name: name.toUpperCase() }));
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ error: 'name_taken' });
    const second = await create();
    const renamed = await owner('PUT', `/sla-policies/${second.id}`, body({ name: ` ${name} ` }));
    expect(renamed.status).toBe(409);
    expect(renamed.body).toMatchObject({ error: 'name_taken' });
    expect((await owner('PUT', `/sla-policies/${mine.id}`, body({ name }))).status).toBe(200);
  });
});
