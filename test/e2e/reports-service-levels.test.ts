import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { smsTicketId } from '../../libs/temporal/workflow-ids.js';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { callApi } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { incomingSmsParams, postTwilioWebhook, startTwilioStandIn, type TwilioStandIn } from '../support/twilio-stand-in.js';

/** Twilio is configured with the public URL; the API sits behind a proxy that forwards to it. */
const PUBLIC_URL = 'https://inbox.example.test';

/**
 * The worked examples of docs/metrics.md ("Service levels and business hours"), seeded as the projections hold them:
 * the week of Monday 2 March 2026 in Paris (UTC+1, no DST change), a Paris Mon–Fri 09:00–18:00 calendar.
 */
const PERIOD = { from: '2026-03-01T23:00:00.000Z', to: '2026-03-08T23:00:00.000Z' };
/** A Paris wall time of 2026 (UTC+1 until 29 March) as an ISO instant: paris('02 17:00') is Monday 2 March, 17:00; paris('02-27 10:00') 27 February. */
const paris = (dayAndTime: string) => {
  const [day, time] = dayAndTime.split(' ');
  return new Date(`2026-${day!.includes('-') ? day : `03-${day}`}T${time}:00+01:00`).toISOString();
};
const HOUR = 3600;

describe('reporting: SLA achievement, CSAT, business hours and reopen measurements (dev server + PostgreSQL)', () => {
  let stack: TestStack;
  let standIn: TwilioStandIn;
  let brand: TestAccount;
  let otherBrand: TestAccount;
  let calendarId: string;
  /** Alice is the support agent, Bob the manager. */
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    standIn = await startTwilioStandIn();
    stack = await startTestStack({ TWILIO_API_BASE_URL: standIn.apiBaseUrl, PUBLIC_URL });
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'manager', 'support'] });
    otherBrand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
    alice = brand.users.support.id;
    bob = brand.users.manager.id;
    const em = stack.orm.em.fork();
    await em.execute('UPDATE users SET name = ? WHERE id = ?', ['Alice', alice]);
    await em.execute('UPDATE users SET name = ? WHERE id = ?', ['Bob', bob]);
    const calendar = await call('POST', '/business-calendars', brand.tokens.owner, {
      name: 'Paris office',
      timeZone: 'Europe/Paris',
      weekly: [1, 2, 3, 4, 5].map((day) => ({ day, windows: [{ opens: '09:00', closes: '18:00' }] })),
      holidays: [],
    });
    expect(calendar.status).toBe(201);
    calendarId = calendar.body.id;
    await seedWorkedExamples();
  });
  afterAll(async () => {
    await stack?.stop();
    await standIn?.close();
  });

  const call = (method: string, path: string, token: string, body?: unknown) => callApi(stack.baseUrl, method, path, { token, body });
  const summary = async (extra = '', token = brand.tokens.support) => {
    const response = await call('GET', `/reports/summary?from=${encodeURIComponent(PERIOD.from)}&to=${encodeURIComponent(PERIOD.to)}${extra}`, token);
    expect(response.status).toBe(200);
    return response.body;
  };

  interface SeededTicket {
    id: string;
    channel?: string;
    tags?: string[];
    assignee?: string;
    created: string;
    /** The ticket's events after `created`, in order: [type, actor, at, detail]. */
    events?: [string, string | null, string, Record<string, unknown>?][];
    status: 'open' | 'closed';
    account?: TestAccount;
  }
  /** A ticket row and its events as the ticket workflow's activities write them; ids `<ticket>:<version>:0`. */
  const seedTicket = async ({ id, channel = 'email', tags = [], assignee, created, events = [], status, account = brand }: SeededTicket) => {
    const firstReply = events.find(([type]) => type === 'replied')?.[2] ?? null;
    const lastClose = events.filter(([type]) => type === 'closed').at(-1)?.[2] ?? null;
    const em = stack.orm.em.fork();
    await em.execute(
      `INSERT INTO tickets (id, account_id, channel, status, assignee_id, tags, first_agent_reply_at, message_count, created_at, updated_at, closed_at, version)
       VALUES (?, ?, ?, ?, ?, ?::text[], ?::timestamptz, 1, ?::timestamptz, ?::timestamptz, ?::timestamptz, ?)`,
      [id, account.accountId, channel, status, assignee ?? null, `{${tags.join(',')}}`, firstReply, created, created, lastClose, events.length + 1],
    );
    const all: [string, string | null, string, Record<string, unknown>?][] = [['created', null, created], ...events];
    for (const [index, [type, actor, at, detail]] of all.entries()) {
      await em.execute(`INSERT INTO ticket_events (id, ticket_id, account_id, type, actor_user_id, detail, occurred_at) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::timestamptz)`, [
        `${id}:${index + 1}:0`,
        id,
        account.accountId,
        type,
        actor,
        JSON.stringify(detail ?? {}),
        at,
      ]);
    }
  };

  interface SeededClock {
    ticket: string;
    clock: string;
    policy: 'standard' | 'priority';
    started: string;
    due: string;
    breached?: string;
    ended?: string;
    outcome: 'running' | 'paused' | 'met' | 'cancelled';
    endedBy?: string;
    account?: TestAccount;
  }
  const POLICIES = { standard: { id: 'policy-standard', name: 'Standard' }, priority: { id: 'policy-priority', name: 'Priority' } };
  const seedClock = async ({ ticket, clock, policy, started, due, breached, ended, outcome, endedBy, account = brand }: SeededClock) => {
    const target = clock.split(':')[0]!;
    await stack.orm.em.fork().execute(
      `INSERT INTO ticket_sla_clocks (ticket_id, clock_id, account_id, policy_id, policy_name, target, minutes, calendar_id, started_at, due_at, breached_at, ended_at, outcome, ended_by_user_id, version)
       VALUES (?, ?, ?, ?, ?, ?, 60, ?, ?::timestamptz, ?::timestamptz, ?::timestamptz, ?::timestamptz, ?, ?, 1)`,
      [ticket, clock, account.accountId, POLICIES[policy].id, POLICIES[policy].name, target, calendarId, started, due, breached ?? null, ended ?? null, outcome, endedBy ?? null],
    );
  };

  const seedSurvey = async (id: string, ticket: string, channel: string, closedBy: string | null, sent: string, score: number | null, account = brand) => {
    await stack.orm.em.fork().execute(
      `INSERT INTO csat_surveys (id, account_id, ticket_id, channel, token_hash, closed_by_user_id, sent_at, score, answered_at)
       VALUES (?, ?, ?, ?, ?, ?, ?::timestamptz, ?, ?::timestamptz)`,
      [id, account.accountId, ticket, channel, `hash-${id}`, closedBy, sent, score, score === null ? null : sent],
    );
  };

  /** docs/metrics.md, the tickets T0–T4, their SLA clocks and their CSAT surveys. */
  async function seedWorkedExamples() {
    // T0: created the Friday before the period, closed in it by Alice.
    await seedTicket({ id: 'T0', created: paris('02-27 10:00'), status: 'closed', events: [['closed', alice, paris('02 09:30')]] });
    // T1 (billing): Alice answers Tuesday and closes; the customer reopens Wednesday evening; Bob answers and closes Thursday.
    await seedTicket({
      id: 'T1',
      tags: ['billing'],
      assignee: bob,
      created: paris('02 17:00'),
      status: 'closed',
      events: [
        ['replied', alice, paris('03 10:00')],
        ['closed', alice, paris('03 12:00')],
        ['reopened', null, paris('04 17:30'), { reason: 'inbound_message' }],
        ['replied', bob, paris('05 09:15')],
        ['closed', bob, paris('05 10:00')],
      ],
    });
    // T2 (billing): Friday afternoon, Bob answers on Monday after the period; still open.
    await seedTicket({ id: 'T2', tags: ['billing'], assignee: bob, created: paris('06 16:00'), status: 'open', events: [['replied', bob, paris('09 10:00')]] });
    // T3 (SMS): the auto-responder answers at once (a message and an auto_response event, never a `replied` one); Alice answers, Bob closes.
    await seedTicket({
      id: 'T3',
      channel: 'sms',
      assignee: bob,
      created: paris('04 10:00'),
      status: 'closed',
      events: [
        ['auto_response', null, paris('04 10:00'), { sent: true, reason: 'sent', messageId: 'auto-T3-1' }],
        ['replied', alice, paris('04 10:30')],
        ['closed', bob, paris('04 14:00')],
      ],
    });
    await stack.orm.em.fork().execute(
      `INSERT INTO messages (id, ticket_id, account_id, direction, author_user_id, body, delivery_status, recorded_at_version, created_at)
       VALUES ('auto-T3-1', 'T3', ?, 'outbound', NULL, 'Thanks, we will get back to you', 'delivered', 2, ?::timestamptz)`,
      [brand.accountId, paris('04 10:00')],
    );
    // T4: Saturday, Alice's, never answered.
    await seedTicket({ id: 'T4', assignee: alice, created: paris('07 11:00'), status: 'open' });
    // Another account's answered ticket in the same week.
    await seedTicket({ id: 'X1', account: otherBrand, created: paris('03 10:00'), status: 'open', events: [['replied', otherBrand.users.support.id, paris('03 10:05')]] });

    await seedClock({ ticket: 'T0', clock: 'first_response:1', policy: 'standard', started: paris('02-27 10:00'), due: paris('02-27 11:00'), outcome: 'cancelled', ended: paris('02 09:30') });
    await seedClock({ ticket: 'T1', clock: 'first_response:1', policy: 'standard', started: paris('02 17:00'), due: paris('02 18:00'), breached: paris('02 18:00'), outcome: 'met', ended: paris('03 10:00'), endedBy: alice });
    await seedClock({ ticket: 'T1', clock: 'resolution:2', policy: 'standard', started: paris('02 17:00'), due: paris('03 16:00'), outcome: 'met', ended: paris('03 12:00'), endedBy: alice });
    await seedClock({ ticket: 'T1', clock: 'next_response:3', policy: 'standard', started: paris('04 17:30'), due: paris('05 09:30'), outcome: 'met', ended: paris('05 09:15'), endedBy: bob });
    await seedClock({ ticket: 'T1', clock: 'resolution:4', policy: 'standard', started: paris('04 17:30'), due: paris('05 16:30'), outcome: 'met', ended: paris('05 10:00'), endedBy: bob });
    await seedClock({ ticket: 'T2', clock: 'first_response:1', policy: 'standard', started: paris('06 16:00'), due: paris('06 17:00'), breached: paris('06 17:00'), outcome: 'met', ended: paris('09 10:00'), endedBy: bob });
    await seedClock({ ticket: 'T2', clock: 'resolution:2', policy: 'standard', started: paris('06 16:00'), due: paris('09 15:00'), outcome: 'running' });
    await seedClock({ ticket: 'T3', clock: 'first_response:1', policy: 'priority', started: paris('04 10:00'), due: paris('04 10:30'), outcome: 'met', ended: paris('04 10:30'), endedBy: alice });
    await seedClock({ ticket: 'T3', clock: 'resolution:2', policy: 'priority', started: paris('04 10:00'), due: paris('04 12:00'), breached: paris('04 12:00'), outcome: 'met', ended: paris('04 14:00'), endedBy: bob });
    await seedClock({ ticket: 'T3', clock: 'next_response:3', policy: 'priority', started: paris('04 10:40'), due: paris('04 14:40'), outcome: 'cancelled', ended: paris('04 14:00'), endedBy: bob });
    await seedClock({ ticket: 'T4', clock: 'first_response:1', policy: 'standard', started: paris('07 11:00'), due: paris('09 10:00'), breached: paris('09 10:00'), outcome: 'running' });
    await seedClock({ ticket: 'X1', clock: 'first_response:1', policy: 'standard', started: paris('03 10:00'), due: paris('03 11:00'), outcome: 'met', ended: paris('03 10:05'), account: otherBrand });

    await seedSurvey('S0', 'T0', 'email', alice, paris('02 09:30'), 3);
    await seedSurvey('S1', 'T1', 'email', alice, paris('03 12:00'), 5);
    await seedSurvey('S2', 'T3', 'sms', bob, paris('04 14:00'), null);
    await seedSurvey('S3', 'T1', 'email', bob, paris('05 10:00'), 4);
    await seedSurvey('S-before', 'T0', 'email', alice, paris('02-27 12:00'), 1);
    await seedSurvey('S-other', 'X1', 'email', otherBrand.users.support.id, paris('03 11:00'), 1, otherBrand);
  }

  const agent = (rows: any[], userId: string) => rows.find((row) => row.userId === userId);

  it('gives first response and resolution in clock time, and in business hours of the Paris calendar (docs/metrics.md)', async () => {
    const clock = await summary();
    expect(clock).toMatchObject({ ticketVolume: 4, businessCalendar: null, firstResponseAfterReopen: false });
    // T1 17 h, T2 66 h, T3 30 min; T4 unanswered. T1 65 h (its last close), T3 4 h.
    expect(clock.firstResponse).toEqual({ answered: 3, unanswered: 1, medianSeconds: 17 * HOUR, averageSeconds: 100_200, businessMedianSeconds: null, businessAverageSeconds: null });
    expect(clock.resolution).toEqual({ resolved: 2, unresolved: 2, medianSeconds: 124_200, averageSeconds: 124_200, businessMedianSeconds: null, businessAverageSeconds: null });

    const business = await summary(`&calendarId=${calendarId}`);
    expect(business.businessCalendar).toEqual({ id: calendarId, name: 'Paris office', timeZone: 'Europe/Paris' });
    // Clock figures stay; business hours: T1 2 h, T2 3 h, T3 30 min; resolutions T1 20 h, T3 4 h.
    expect(business.firstResponse).toEqual({ ...clock.firstResponse, businessMedianSeconds: 2 * HOUR, businessAverageSeconds: 6600 });
    expect(business.resolution).toEqual({ ...clock.resolution, businessMedianSeconds: 12 * HOUR, businessAverageSeconds: 12 * HOUR });

    expect(business.byAgent.map((row: { name: string }) => row.name)).toEqual(['Alice', 'Bob']);
    expect(agent(business.byAgent, alice)).toMatchObject({
      firstResponse: { answered: 2, medianSeconds: 31_500, averageSeconds: 31_500, businessMedianSeconds: 4500, businessAverageSeconds: 4500 },
      resolution: { resolved: 0, medianSeconds: null, businessMedianSeconds: null, businessAverageSeconds: null },
    });
    expect(agent(business.byAgent, bob)).toMatchObject({
      firstResponse: { answered: 1, medianSeconds: 66 * HOUR, businessMedianSeconds: 3 * HOUR, businessAverageSeconds: 3 * HOUR },
      resolution: { resolved: 2, medianSeconds: 124_200, averageSeconds: 124_200, businessMedianSeconds: 12 * HOUR, businessAverageSeconds: 12 * HOUR },
    });
    expect(business.byTag).toEqual([
      {
        tag: 'billing',
        ticketVolume: 2,
        firstResponse: { answered: 2, unanswered: 0, medianSeconds: 149_400, averageSeconds: 149_400, businessMedianSeconds: 9000, businessAverageSeconds: 9000 },
        resolution: { resolved: 1, unresolved: 1, medianSeconds: 65 * HOUR, averageSeconds: 65 * HOUR, businessMedianSeconds: 20 * HOUR, businessAverageSeconds: 20 * HOUR },
        reopens: { total: 1, byReason: { inbound_message: 1, agent: 0 } },
      },
    ]);
    // The channel filter applies to the business figures too: SMS holds T3 alone.
    const sms = await summary(`&calendarId=${calendarId}&channel=sms`);
    expect(sms.firstResponse).toMatchObject({ answered: 1, medianSeconds: 1800, businessMedianSeconds: 1800 });
    expect(sms.resolution).toMatchObject({ resolved: 1, medianSeconds: 4 * HOUR, businessMedianSeconds: 4 * HOUR });
  });

  it('counts the first reply after each reopen as a first response of its own when firstResponseAfterReopen=true', async () => {
    const body = await summary(`&firstResponseAfterReopen=true&calendarId=${calendarId}`);
    expect(body.firstResponseAfterReopen).toBe(true);
    // T1's reopen (Wed 17:30) answered by Bob Thu 09:15: 15 h 45 min, 45 min in business hours.
    expect(body.firstResponse).toEqual({ answered: 4, unanswered: 1, medianSeconds: 58_950, averageSeconds: 89_325, businessMedianSeconds: 4950, businessAverageSeconds: 5625 });
    expect(body.resolution).toEqual((await summary(`&calendarId=${calendarId}`)).resolution);
    expect(agent(body.byAgent, bob).firstResponse).toEqual({ answered: 2, medianSeconds: 147_150, averageSeconds: 147_150, businessMedianSeconds: 6750, businessAverageSeconds: 6750 });
    expect(agent(body.byAgent, alice).firstResponse).toMatchObject({ answered: 2, medianSeconds: 31_500 });
    expect(body.byTag[0].firstResponse).toEqual({ answered: 3, unanswered: 0, medianSeconds: 61_200, averageSeconds: 118_500, businessMedianSeconds: 7200, businessAverageSeconds: 6900 });
    // Off by default and with false.
    expect((await summary('&firstResponseAfterReopen=false')).firstResponse).toMatchObject({ answered: 3, unanswered: 1, medianSeconds: 17 * HOUR });
  });

  it('gives SLA achievement overall, per target, policy, agent, tag and channel (docs/metrics.md)', async () => {
    const { sla } = await summary();
    const counts = (hit: number, missed: number, pending: number) => ({ hit, missed, pending, achievementRate: hit + missed === 0 ? null : hit / (hit + missed) });
    expect(sla.overall).toEqual(counts(4, 4, 1));
    expect(sla.byTarget).toEqual([
      { target: 'first_response', ...counts(1, 3, 0) },
      { target: 'next_response', ...counts(1, 0, 0) },
      { target: 'resolution', ...counts(2, 1, 1) },
    ]);
    expect(sla.byPolicy).toEqual([
      { policyId: 'policy-priority', policyName: 'Priority', ...counts(1, 1, 0) },
      { policyId: 'policy-standard', policyName: 'Standard', ...counts(3, 3, 1) },
    ]);
    expect(sla.byAgent).toEqual([
      { userId: alice, name: 'Alice', ...counts(2, 2, 0) },
      { userId: bob, name: 'Bob', ...counts(2, 2, 1) },
    ]);
    expect(sla.byTag).toEqual([{ tag: 'billing', ...counts(3, 2, 1) }]);
    expect(sla.byChannel).toEqual([
      { channel: 'web_chat', ...counts(0, 0, 0) },
      { channel: 'email', ...counts(3, 3, 1) },
      { channel: 'sms', ...counts(1, 1, 0) },
    ]);
    expect(sla.byTarget[2].achievementRate).toBeCloseTo(2 / 3, 12);

    const sms = (await summary('&channel=sms')).sla;
    expect(sms.overall).toEqual(counts(1, 1, 0));
    expect(sms.byChannel).toEqual([{ channel: 'sms', ...counts(1, 1, 0) }]);
    // The other account has its own clock only.
    expect((await summary('', otherBrand.tokens.support)).sla.overall).toEqual(counts(1, 0, 0));
  });

  it('gives CSAT over the surveys sent in the period, per agent and per channel (docs/metrics.md)', async () => {
    const { csat } = await summary();
    expect(csat).toMatchObject({ sent: 4, answered: 3, responseRate: 0.75, averageScore: 4, distribution: { 1: 0, 2: 0, 3: 1, 4: 1, 5: 1 } });
    expect(csat.byAgent).toEqual([
      { userId: alice, name: 'Alice', sent: 2, answered: 2, responseRate: 1, averageScore: 4, distribution: { 1: 0, 2: 0, 3: 1, 4: 0, 5: 1 } },
      { userId: bob, name: 'Bob', sent: 2, answered: 1, responseRate: 0.5, averageScore: 4, distribution: { 1: 0, 2: 0, 3: 0, 4: 1, 5: 0 } },
    ]);
    expect(csat.byChannel).toEqual([
      { channel: 'web_chat', sent: 0, answered: 0, responseRate: null, averageScore: null, distribution: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 } },
      { channel: 'email', sent: 3, answered: 3, responseRate: 1, averageScore: 4, distribution: { 1: 0, 2: 0, 3: 1, 4: 1, 5: 1 } },
      { channel: 'sms', sent: 1, answered: 0, responseRate: 0, averageScore: null, distribution: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 } },
    ]);
    expect((await summary('&channel=web_chat')).csat).toMatchObject({ sent: 0, answered: 0, responseRate: null, averageScore: null, byAgent: [] });
    expect((await summary('', otherBrand.tokens.support)).csat).toMatchObject({ sent: 1, answered: 1, averageScore: 1 });
  });

  it('refuses a calendar of another account, bad calendar ids and bad booleans with a 400 naming the field', async () => {
    const field = async (extra: string) => {
      const response = await call('GET', `/reports/summary?from=${encodeURIComponent(PERIOD.from)}&to=${encodeURIComponent(PERIOD.to)}${extra}`, brand.tokens.support);
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('validation_failed');
      return response.body.field;
    };
    expect(await field(`&calendarId=${calendarId}`.replace(calendarId, 'no-such-calendar'))).toBe('calendarId');
    expect(await field('&calendarId=')).toBe('calendarId');
    expect(await field(`&calendarId=${calendarId}&calendarId=${calendarId}`)).toBe('calendarId');
    expect(await field(`&calendarId=${'x'.repeat(201)}`)).toBe('calendarId');
    for (const value of ['yes', '1', 'TRUE', '']) expect(await field(`&firstResponseAfterReopen=${value}`)).toBe('firstResponseAfterReopen');
    const foreign = await call('GET', `/reports/summary?calendarId=${calendarId}`, otherBrand.tokens.support);
    expect(foreign).toMatchObject({ status: 400, body: { field: 'calendarId' } });
    // The time series takes neither.
    expect((await call('GET', `/reports/timeseries?calendarId=${calendarId}`, brand.tokens.support)).body.field).toBe('calendarId');
  });

  it('does not take an SMS auto-response for the first response: the agent\'s later reply is (real workflow)', async () => {
    const account = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
    const credentials = standIn.newAccount();
    const inboxNumber = '+14155559000';
    expect((await call('PUT', '/settings/sms/twilio', account.tokens.owner, { ...credentials, inboxNumber })).status).toBe(200);
    const configured = await call('PATCH', '/settings/sms', account.tokens.owner, {
      autoResponder: { enabled: true, audience: 'everyone', template: '{{organization_prefix}}: thanks, an agent will answer soon. {{email}}' },
      organizationPrefix: 'Acme',
      contactEmail: 'help@acme.test',
    });
    expect(configured.status).toBe(200);
    const customer = '+14155559001';
    expect((await call('PUT', '/integration/sms/consent', account.integrationToken, { phone: customer, consent: 'transactional' })).status).toBe(200);
    const from = new Date();
    await postTwilioWebhook({
      publicUrl: `${PUBLIC_URL}/webhooks/twilio/sms/${account.accountId}`,
      deliverTo: stack.baseUrl,
      authToken: credentials.authToken,
      params: incomingSmsParams({ accountSid: credentials.accountSid, from: customer, to: inboxNumber, body: 'Where is my parcel?' }),
    });
    const ticketId = smsTicketId(account.accountId, customer, stack.config.ticketIdSecret!);
    type Message = { id: string; direction: string; authorUserId: string | null; createdAt: string };
    const messages = async () => ((await call('GET', `/tickets/${ticketId}`, account.tokens.support)).body?.messages ?? []) as Message[];
    const autoResponse = await eventually(async () => (await messages()).find((message) => message.direction === 'outbound'), 'the auto-response');
    expect(autoResponse.authorUserId).toBeNull();

    // Nothing answered yet as far as reports go, though the auto-response is in the thread.
    const to = () => new Date(Date.now() + 60_000).toISOString();
    const report = async () =>
      (await call('GET', `/reports/summary?from=${encodeURIComponent(new Date(from.getTime() - 60_000).toISOString())}&to=${encodeURIComponent(to())}`, account.tokens.support)).body;
    expect((await report()).firstResponse).toMatchObject({ answered: 0, unanswered: 1, medianSeconds: null });

    expect((await call('POST', `/tickets/${ticketId}/replies`, account.tokens.support, { body: 'It ships today' })).status).toBe(201);
    const ticket = await eventually(async () => {
      const [row] = await stack.orm.em.fork().execute<{ created_at: Date; first_agent_reply_at: Date | null }[]>('SELECT created_at, first_agent_reply_at FROM tickets WHERE id = ?', [ticketId]);
      return row?.first_agent_reply_at ? row : undefined;
    }, 'the agent reply projected');
    const agentReply = (await messages()).find((message) => message.direction === 'outbound' && message.id !== autoResponse.id)!;
    expect(Date.parse(autoResponse.createdAt)).toBeLessThan(Date.parse(agentReply.createdAt));
    expect(new Date(ticket.first_agent_reply_at!).getTime()).toBe(Date.parse(agentReply.createdAt));

    const body = await report();
    expect(body.firstResponse).toMatchObject({ answered: 1, unanswered: 0 });
    expect(body.firstResponse.medianSeconds).toBeCloseTo((Date.parse(agentReply.createdAt) - new Date(ticket.created_at).getTime()) / 1000, 3);
    expect(body.firstResponse.medianSeconds).toBeGreaterThan((Date.parse(autoResponse.createdAt) - new Date(ticket.created_at).getTime()) / 1000);
    expect(body.byAgent).toEqual([expect.objectContaining({ userId: account.users.support.id, firstResponse: expect.objectContaining({ answered: 1 }) })]);
    const events = (await call('GET', `/tickets/${ticketId}/events`, account.tokens.support)).body.events as { type: string; actorUserId: string | null }[];
    expect(events.filter((event) => event.type === 'replied')).toEqual([expect.objectContaining({ actorUserId: account.users.support.id })]);
    expect(events.some((event) => event.type === 'auto_response')).toBe(true);
  });
});
