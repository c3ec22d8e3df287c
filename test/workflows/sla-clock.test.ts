import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import type { AgentAction, TicketState } from '../../libs/domain/ticket.js';
import { agentActionUpdate, ticketStateQuery } from '../../libs/temporal/contracts/ticket.js';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { callApi } from '../support/http.js';
import { serveApi, startTimeSkippingStack, type TimeSkippingStack } from '../support/time-skipping.js';

const PARIS = 'Europe/Paris';
const MINUTE = 60_000;
const MON_FRI_9_18 = [1, 2, 3, 4, 5].map((day) => ({ day, windows: [{ opens: '09:00', closes: '18:00' }] }));

type Event = { type: string; occurred_at: Date; detail: Record<string, unknown> };

/**
 * The SLA clock on the time-skipping server (issue 14's "done when"): the real worker and activities, the API for
 * calendars and policies, days skipped in milliseconds. Time only moves forward and is shared by the tests, so
 * each test skips to its own future date, in the order written; each uses its own account, so policies do not mix.
 */
describe('SLA clock on the time-skipping server', () => {
  let stack: TimeSkippingStack;
  let api: { baseUrl: string; close(): Promise<void> };
  let phone = 14155550300;

  beforeAll(async () => {
    stack = await startTimeSkippingStack();
    api = await serveApi(stack);
  });
  afterAll(async () => {
    await api?.close();
    await stack?.stop();
  });

  const call = (brand: TestAccount, method: string, path: string, body?: unknown) => callApi(api.baseUrl, method, path, { token: brand.tokens.owner, body });
  const nowMs = () => stack.env.currentTimeMs();
  /** Skips to a local time in Paris, given as 'yyyy-MM-dd HH:mm:ss'. */
  const skipTo = async (local: string) => {
    const target = DateTime.fromFormat(local, 'yyyy-MM-dd HH:mm:ss', { zone: PARIS }).toMillis();
    const wait = target - (await nowMs());
    if (wait < 0) throw new Error(`the test server is already past ${local}: the tests must run in order`);
    await stack.env.sleep(wait);
  };
  const paris = (instant: string | Date | null | undefined) => (instant ? DateTime.fromJSDate(new Date(instant), { zone: PARIS }).toFormat('ccc yyyy-MM-dd HH:mm') : null);
  const state = (ticketId: string) => stack.env.client.workflow.getHandle(ticketId).query(ticketStateQuery);
  const act = (ticketId: string, action: AgentAction) => stack.env.client.workflow.getHandle(ticketId).executeUpdate(agentActionUpdate, { args: [{ action, actorUserId: 'agent-1' }] });
  const events = (ticketId: string, prefix = 'sla_') =>
    stack.orm.em.fork().execute<Event[]>(`SELECT type, occurred_at, detail FROM ticket_events WHERE ticket_id = ? AND type LIKE ? ORDER BY occurred_at, id`, [ticketId, `${prefix}%`]);
  const eventOf = (ticketId: string, type: string, clockId: string) =>
    eventually(async () => (await events(ticketId)).find((event) => event.type === type && event.detail.clockId === clockId), `${type} of ${clockId} in ${ticketId}`);
  const clock = async (ticketId: string, clockId: string) => (await state(ticketId)).sla?.clocks.find((candidate) => candidate.id === clockId);

  async function accountWith(policy: Record<string, unknown>, calendar?: Record<string, unknown>): Promise<{ brand: TestAccount; policyId: string; calendarId: string | null }> {
    const brand = await createAccountWithUsers(stack.orm, { roles: ['owner'] });
    let calendarId: string | null = null;
    if (calendar) {
      const created = await call(brand, 'POST', '/business-calendars', { name: 'Paris office', timeZone: PARIS, weekly: MON_FRI_9_18, holidays: [], ...calendar });
      expect(created.status).toBe(201);
      calendarId = (created.body as { id: string }).id;
    }
    const withCalendar = JSON.parse(JSON.stringify(policy).replaceAll('"CALENDAR"', JSON.stringify(calendarId)));
    const created = await call(brand, 'POST', '/sla-policies', { name: 'Standard', ...withCalendar });
    expect(created.status).toBe(201);
    return { brand, policyId: (created.body as { id: string }).id, calendarId };
  }

  /** A new SMS ticket, once its workflow has timed the clocks. */
  async function newTicket(brand: TestAccount): Promise<{ ticketId: string; ticket: TicketState }> {
    const { ticketId } = await stack.ingestion.ingest({ accountId: brand.accountId, channel: 'sms', externalId: `SM${++phone}`, body: 'Where is my order?', sender: { phone: `+${phone}` } });
    const ticket = await eventually(async () => {
      const current = await state(ticketId).catch(() => undefined);
      return current?.sla?.policy ? current : undefined;
    }, 'the SLA policy to apply');
    return { ticketId, ticket };
  }

  const firstResponseInParis = { targets: { first_response: { minutes: 60, calendarId: 'CALENDAR' } }, warnAtPercent: 80 };

  it('a ticket of Friday 17:55 under Mon–Fri 9–18 in Paris with a 1-hour first response warns Monday 9:43 and breaches at 9:55', async () => {
    const { brand, policyId } = await accountWith(firstResponseInParis, {});
    await skipTo('2026-12-11 17:55:00');
    const { ticketId, ticket } = await newTicket(brand);
    const first = ticket.sla!.clocks.find((candidate) => candidate.target === 'first_response')!;
    expect([paris(first.warnAt), paris(first.dueAt)]).toEqual(['Mon 2026-12-14 09:43', 'Mon 2026-12-14 09:55']);
    const applied = (await events(ticketId)).find((event) => event.type === 'sla_applied')!;
    expect(applied.detail).toMatchObject({ reason: 'created', policyId, policyName: 'Standard' });

    await skipTo('2026-12-14 09:42:00');
    expect((await events(ticketId)).map((event) => event.type)).toEqual(['sla_applied']);
    await skipTo('2026-12-14 09:44:00');
    const warning = await eventOf(ticketId, 'sla_warning', first.id);
    expect(paris(warning.occurred_at)).toBe('Mon 2026-12-14 09:43');
    await skipTo('2026-12-14 09:56:00');
    const breach = await eventOf(ticketId, 'sla_breached', first.id);
    expect(paris(breach.occurred_at)).toBe('Mon 2026-12-14 09:55');
    expect(breach.detail).toMatchObject({ policyId, policyName: 'Standard', target: 'first_response', minutes: 60 });
    const [projected] = await stack.orm.em.fork().execute<{ sla_breached_at: Date; outcome: string }[]>(
      `SELECT t.sla_breached_at, c.outcome FROM tickets t JOIN ticket_sla_clocks c ON c.ticket_id = t.id AND c.clock_id = ? WHERE t.id = ?`,
      [first.id, ticketId],
    );
    expect(paris(projected!.sla_breached_at)).toBe('Mon 2026-12-14 09:55');
    expect(projected!.outcome).toBe('running');
  });

  it('pauses while snoozed when the policy says so, and keeps counting when it does not', async () => {
    const pausing = await accountWith({ ...firstResponseInParis, pauseWhileSnoozed: true }, {});
    const counting = await accountWith({ ...firstResponseInParis, pauseWhileSnoozed: false }, {});
    await skipTo('2026-12-15 10:00:00');
    const paused = await newTicket(pausing.brand);
    const running = await newTicket(counting.brand);
    await skipTo('2026-12-15 10:20:00');
    const until = DateTime.fromISO('2026-12-15T15:00:00', { zone: PARIS }).toUTC().toISO()!;
    for (const { ticketId } of [paused, running]) await act(ticketId, { type: 'snooze', until });
    expect((await clock(paused.ticketId, 'first_response:1'))?.dueAt).toBeNull();
    await skipTo('2026-12-15 15:01:00');
    // 20 minutes counted before the snooze, 40 after it ended at 15:00.
    const resumed = await eventually(async () => {
      const current = await clock(paused.ticketId, 'first_response:1');
      return current?.dueAt ? current : undefined;
    }, 'new deadlines after the snooze');
    expect([paris(resumed.warnAt), paris(resumed.dueAt)]).toEqual(['Tue 2026-12-15 15:28', 'Tue 2026-12-15 15:40']);
    expect(paris((await eventOf(running.ticketId, 'sla_breached', 'first_response:1')).occurred_at)).toBe('Tue 2026-12-15 11:00');
    await skipTo('2026-12-15 15:41:00');
    expect(paris((await eventOf(paused.ticketId, 'sla_breached', 'first_response:1')).occurred_at)).toBe('Tue 2026-12-15 15:40');
  });

  it('a policy change moves the deadlines of open tickets; a reply before the deadline leaves no breach', async () => {
    const { brand, policyId } = await accountWith({ targets: { first_response: { minutes: 60, calendarId: null } } });
    await skipTo('2026-12-16 10:00:00');
    const moved = await newTicket(brand);
    const answered = await newTicket(brand);
    expect(paris((await clock(moved.ticketId, 'first_response:1'))?.dueAt)).toBe('Wed 2026-12-16 11:00');

    const changed = await call(brand, 'PUT', `/sla-policies/${policyId}`, { name: 'Standard', targets: { first_response: { minutes: 30, calendarId: null } } });
    expect(changed.status).toBe(200);
    for (const { ticketId } of [moved, answered]) {
      const applied = await eventually(async () => (await events(ticketId)).find((event) => event.type === 'sla_applied' && event.detail.reason === 'policies_changed'), 'the fan-out to move the deadline');
      expect(applied.detail.deadlines).toEqual([`first_response:1 due ${(await clock(ticketId, 'first_response:1'))!.dueAt}`]);
      expect(paris((await clock(ticketId, 'first_response:1'))?.dueAt)).toBe('Wed 2026-12-16 10:30');
    }

    await skipTo('2026-12-16 10:20:00');
    await act(answered.ticketId, { type: 'reply', messageId: 'reply-before-deadline', body: 'On its way!' });
    await skipTo('2026-12-16 11:30:00');
    expect(paris((await eventOf(moved.ticketId, 'sla_breached', 'first_response:1')).occurred_at)).toBe('Wed 2026-12-16 10:30');
    const met = await eventOf(answered.ticketId, 'sla_met', 'first_response:1');
    expect(met.detail).toMatchObject({ breachedAt: null, reason: 'agent_replied' });
    expect((await events(answered.ticketId)).map((event) => event.type)).not.toContain('sla_breached');
    const [row] = await stack.orm.em.fork().execute<{ outcome: string; breached_at: Date | null; ended_by_user_id: string }[]>(
      'SELECT outcome, breached_at, ended_by_user_id FROM ticket_sla_clocks WHERE ticket_id = ? AND clock_id = ?',
      [answered.ticketId, 'first_response:1'],
    );
    expect(row).toEqual({ outcome: 'met', breached_at: null, ended_by_user_id: 'agent-1' });
  });

  it('across a holiday: Monday closed, so Tuesday 9:43 and 9:55', async () => {
    const { brand } = await accountWith(firstResponseInParis, { holidays: [{ date: '2026-12-21', name: 'Closed for inventory', closed: true }] });
    await skipTo('2026-12-18 17:55:00');
    const { ticket } = await newTicket(brand);
    const first = ticket.sla!.clocks.find((candidate) => candidate.target === 'first_response')!;
    expect([paris(first.warnAt), paris(first.dueAt)]).toEqual(['Tue 2026-12-22 09:43', 'Tue 2026-12-22 09:55']);
  });

  it('across the change to summer time: Friday 26 March 2027 17:55 warns Monday 9:43 and breaches at 9:55 (07:55Z)', async () => {
    const { brand } = await accountWith(firstResponseInParis, {});
    await skipTo('2027-03-26 17:55:00');
    const { ticketId, ticket } = await newTicket(brand);
    const first = ticket.sla!.clocks.find((candidate) => candidate.target === 'first_response')!;
    expect([paris(first.warnAt), paris(first.dueAt)]).toEqual(['Mon 2027-03-29 09:43', 'Mon 2027-03-29 09:55']);
    expect(first.dueAt!.slice(0, 16)).toBe('2027-03-29T07:55');
    await skipTo('2027-03-29 09:56:00');
    expect(paris((await eventOf(ticketId, 'sla_breached', first.id)).occurred_at)).toBe('Mon 2027-03-29 09:55');
  });

  it('views: filters at risk and breached, sorts by the nearest deadline, and GET /tickets/:id/sla lists the targets', async () => {
    const { brand } = await accountWith({ targets: { first_response: { minutes: 60, calendarId: null } }, warnAtPercent: 50 });
    await skipTo('2027-03-30 10:00:00');
    const late = await newTicket(brand);
    await skipTo('2027-03-30 10:20:00');
    const atRisk = await newTicket(brand);
    await skipTo('2027-03-30 10:40:00');
    const fresh = await newTicket(brand);
    await skipTo('2027-03-30 11:05:00');
    await eventOf(late.ticketId, 'sla_breached', 'first_response:1');
    await eventOf(atRisk.ticketId, 'sla_warning', 'first_response:1');

    const ids = async (query: string) => {
      const response = await call(brand, 'GET', `/tickets?${query}`);
      expect(response.status).toBe(200);
      return (response.body as { tickets: { id: string }[] }).tickets.map((ticket) => ticket.id);
    };
    expect(await ids('sla=breached')).toEqual([late.ticketId]);
    expect(await ids('sla=at_risk')).toEqual([atRisk.ticketId]);
    expect((await ids('sla=at_risk,breached')).sort()).toEqual([late.ticketId, atRisk.ticketId].sort());
    // The nearest deadline first; the breached ticket has none left, so it comes last.
    expect(await ids('sort=slaDue')).toEqual([atRisk.ticketId, fresh.ticketId, late.ticketId]);
    const [first, ...rest] = [atRisk.ticketId, fresh.ticketId, late.ticketId];
    const page = await call(brand, 'GET', '/tickets?sort=slaDue&limit=1');
    expect((page.body as { tickets: { id: string }[] }).tickets.map((ticket) => ticket.id)).toEqual([first]);
    const next = await call(brand, 'GET', `/tickets?sort=slaDue&limit=5&cursor=${(page.body as { nextCursor: string }).nextCursor}`);
    expect((next.body as { tickets: { id: string }[] }).tickets.map((ticket) => ticket.id)).toEqual(rest);
    expect((await call(brand, 'GET', '/tickets?sla=late')).body).toMatchObject({ field: 'sla' });

    const summary = (await call(brand, 'GET', `/tickets/${atRisk.ticketId}`)).body as { ticket: { sla: { dueAt: string; atRiskFrom: string; breachedAt: string | null } } };
    expect([paris(summary.ticket.sla.atRiskFrom), paris(summary.ticket.sla.dueAt), summary.ticket.sla.breachedAt]).toEqual(['Tue 2027-03-30 10:50', 'Tue 2027-03-30 11:20', null]);
    await act(late.ticketId, { type: 'reply', messageId: 'late-reply', body: 'Sorry for the wait' });
    const targets = await eventually(async () => {
      const response = await call(brand, 'GET', `/tickets/${late.ticketId}/sla`);
      const body = response.body as { targets: { clockId: string; outcome: string; breachedAt: string | null; endedByUserId: string | null }[] };
      return body.targets[0]?.outcome === 'met' ? body.targets : undefined;
    }, 'the late reply to meet the target');
    expect(targets).toEqual([expect.objectContaining({ clockId: 'first_response:1', target: 'first_response', outcome: 'met', endedByUserId: 'agent-1' })]);
    expect(paris(targets[0]!.breachedAt)).toBe('Tue 2027-03-30 11:00');
  });

  it('escalates a breach: raises the priority, reassigns, tags, and notifies the assignee and a lead in the app and by email', async () => {
    const brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support', 'admin'] });
    const lead = brand.users.admin.id;
    const agent = brand.users.support.id;
    const created = await call(brand, 'POST', '/sla-policies', {
      name: 'Urgent escalation',
      targets: { first_response: { minutes: 30, calendarId: null } },
      onWarning: [{ type: 'notify', assignee: true, userIds: [], channels: ['in_app'] }],
      onBreach: [
        { type: 'raise_priority', to: 'urgent' },
        { type: 'add_tag', tag: 'SLA missed' },
        { type: 'notify', assignee: true, userIds: [lead], channels: ['in_app', 'email'] },
        { type: 'reassign', userId: lead },
      ],
    });
    expect(created.status).toBe(201);
    await skipTo('2027-03-31 10:00:00');
    const { ticketId } = await newTicket(brand);
    await act(ticketId, { type: 'assign', assigneeId: agent });
    await skipTo('2027-03-31 10:31:00');
    const escalated = await eventually(async () => {
      const current = await state(ticketId);
      return current.priority === 'urgent' && current.assigneeId === lead ? current : undefined;
    }, 'the breach escalations');
    expect(escalated.tags).toEqual(['sla missed']);
    const changes = await events(ticketId, '');
    const byEscalation = changes.filter((event) => event.detail.escalation === 'sla_breach').map((event) => [event.type, event.detail.clockId]);
    expect(byEscalation).toEqual([
      ['priority_changed', 'first_response:1'],
      ['tags_changed', 'first_response:1'],
      ['assigned', 'first_response:1'],
    ]);
    const notifications = await eventually(async () => {
      const rows = await stack.orm.em.fork().execute<{ user_id: string; type: string }[]>('SELECT user_id, type FROM notifications WHERE ticket_id = ? ORDER BY type, user_id', [ticketId]);
      return rows.length === 3 ? rows : undefined;
    }, 'three in-app notifications');
    // The warning went to the assignee at the time; the breach to the assignee then (before the reassign ran) and the lead.
    expect(notifications).toEqual([...[agent, lead].sort().map((user_id) => ({ user_id, type: 'sla_breached' })), { user_id: agent, type: 'sla_warning' }]);
    const mails = await eventually(async () => {
      const rows = await stack.orm.em.fork().execute<{ id: string }[]>('SELECT id FROM sent_notification_emails WHERE id LIKE ?', [`${ticketId}:%`]);
      return rows.length === 2 ? rows : undefined;
    }, 'two alert emails');
    expect(mails.map((row) => row.id).sort()).toEqual([`${ticketId}:first_response:1:breach:${agent}`, `${ticketId}:first_response:1:breach:${lead}`].sort());
  });

  it('a policy that matches on the customer profile applies once the message has found the profile', async () => {
    const { brand } = await accountWith({ targets: { first_response: { minutes: 60, calendarId: null } } });
    const loyal = await call(brand, 'POST', '/sla-policies', { name: 'Loyal customers', conditions: { profile: { minOrders: 2 } }, targets: { first_response: { minutes: 10, calendarId: null } } });
    expect(loyal.status).toBe(201);
    const order = await call(brand, 'PUT', '/sla-policies/order', { ids: [(loyal.body as { id: string }).id, ...((await call(brand, 'GET', '/sla-policies')).body as { policies: { id: string }[] }).policies.map((policy) => policy.id).filter((id) => id !== (loyal.body as { id: string }).id)] });
    expect(order.status).toBe(200);
    const customer = `+${++phone}`;
    const em = stack.orm.em.fork();
    await em.execute(`INSERT INTO profiles (id, account_id, name) VALUES ('profile-loyal', ?, 'Loyal Lou')`, [brand.accountId]);
    await em.execute(`INSERT INTO profile_identifiers (account_id, kind, value, profile_id) VALUES (?, 'phone', ?, 'profile-loyal')`, [brand.accountId, customer]);
    for (const n of [1, 2, 3]) {
      await em.execute(
        `INSERT INTO shopify_orders (id, account_id, profile_id, name, placed_at, total_amount, currency, shopify_updated_at) VALUES (?, ?, 'profile-loyal', ?, now(), 40, 'EUR', now())`,
        [`order-loyal-${n}`, brand.accountId, `#100${n}`],
      );
    }
    const match = await call(brand, 'GET', '/sla-policies/match?channel=sms&profileId=profile-loyal');
    expect(match.body).toMatchObject({ policy: { name: 'Loyal customers' }, ticket: { profile: { orders: 3, lifetimeValue: 120 } } });

    await skipTo('2027-04-01 10:00:00');
    const { ticketId } = await stack.ingestion.ingest({ accountId: brand.accountId, channel: 'sms', externalId: `SM${phone}`, body: 'Hello again', sender: { phone: customer } });
    const applied = await eventually(async () => (await events(ticketId)).find((event) => event.type === 'sla_applied' && event.detail.reason === 'profile_matched'), 'the profile to re-time the clock');
    expect(applied.detail).toMatchObject({ policyName: 'Loyal customers', previousPolicyId: expect.any(String) });
    expect(paris((await clock(ticketId, 'first_response:1'))?.dueAt)).toBe('Thu 2027-04-01 10:10');
  });
});
