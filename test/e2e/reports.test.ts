import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { median, roundSeconds } from '../../libs/domain/reporting.js';
import { Ticket, TicketEventRecord } from '../../libs/persistence/entities/index.js';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { callApi } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 1000;

describe('reporting: GET /reports/summary (dev server + PostgreSQL)', () => {
  let stack: TestStack;
  let brand: TestAccount;
  let otherBrand: TestAccount;
  let sequence = 0;

  beforeAll(async () => {
    stack = await startTestStack();
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'manager', 'support', 'analyst'] });
    otherBrand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const call = (method: string, path: string, token: string, body?: unknown) => callApi(stack.baseUrl, method, path, { token, body });
  const report = (query: string, token = brand.tokens.support) => call('GET', `/reports/summary?${query}`, token);
  const period = (from: Date, to: Date) => `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;

  const inbound = async (message: Record<string, unknown>, account = brand) => {
    const response = await call('POST', '/integration/messages', account.integrationToken, { externalId: `ext-${++sequence}`, body: `message ${sequence}`, ...message });
    expect(response.status).toBe(202);
    return (response.body as { ticketId: string }).ticketId;
  };
  const email = (thread: string, account = brand) =>
    inbound({ channel: 'email', sender: { email: `${thread}@example.com` }, subject: thread, threadKey: `<${thread}@example.com>` }, account);
  /** Waits until the projection shows the ticket in this status. */
  const projected = (ticketId: string, status: string, account = brand) =>
    eventually(async () => {
      const { body } = await call('GET', `/tickets/${ticketId}`, account.tokens.support);
      return body?.ticket?.status === status ? body.ticket : undefined;
    }, `${ticketId} ${status}`);
  /** The version of each ticket's state after the last action on it: the projection catches up with it. */
  const versions = new Map<string, number>();
  const act = async (ticketId: string, action: string, token: string, body?: unknown, expected = 200) => {
    const response = await call('POST', `/tickets/${ticketId}/${action}`, token, body);
    expect(response.status).toBe(expected);
    const state = (response.body.ticket ?? response.body) as { version: number };
    versions.set(ticketId, Math.max(versions.get(ticketId) ?? 0, state.version));
    return response.body;
  };
  const reply = (ticketId: string, token: string) => act(ticketId, 'replies', token, { body: 'We are looking into it' }, 201);
  const ticketRows = async (ids: string[]) => {
    const rows = await stack.orm.em.fork().find(Ticket, { id: { $in: ids } });
    return new Map(rows.map((row) => [row.id, row]));
  };

  it('reports volume, first response, resolution (last close), reopens, per agent and per tag, filtered by period, channel and account', async () => {
    const { support, manager, owner } = { support: brand.tokens.support, manager: brand.tokens.manager, owner: brand.tokens.owner };

    // Before the period: answered and closed by support, tagged billing; none of it may count.
    const early = await email('early');
    await projected(early, 'open');
    await reply(early, support);
    await act(early, 'tags', support, { add: ['Billing'] });
    await act(early, 'close', support);
    const earlyCreatedAt = (await ticketRows([early])).get(early)!.createdAt;
    const from = new Date(Math.max(Date.now(), earlyCreatedAt.getTime() + 1));
    await sleep(20);

    // A: support answers and closes, the customer writes again (reopen), the manager closes again.
    const a = await email('a');
    // B: the manager answers; stays open. C: support answers and closes. E: nobody answers.
    const b = await email('b');
    const c = await email('c');
    const e = await email('e');
    // D (SMS): closed by the owner, reopened by the manager; open again, never answered.
    const d = await inbound({ channel: 'sms', sender: { phone: '+14155550123' } });
    // Another account's ticket in the same period, answered and closed.
    const foreign = await email('foreign', otherBrand);
    for (const ticketId of [a, b, c, e, d]) await projected(ticketId, 'open');
    await projected(foreign, 'open', otherBrand);

    await reply(a, support);
    await act(a, 'tags', support, { add: ['Billing'] });
    await act(a, 'close', support);
    await projected(a, 'closed');
    await sleep(50);
    expect(await email('a')).toBe(a);
    await projected(a, 'open');
    await sleep(50);
    await act(a, 'close', manager);

    await reply(b, manager);
    await act(b, 'tags', manager, { add: ['billing', 'VIP'] });

    await reply(c, support);
    await act(c, 'close', support);

    await act(d, 'close', owner);
    await act(d, 'reopen', manager);

    await reply(foreign, otherBrand.tokens.support);
    await act(foreign, 'close', otherBrand.tokens.support);

    // Everything projected: each ticket row at least at the version its last action returned.
    const ids = [a, b, c, d, e];
    await eventually(async () => {
      const found = await ticketRows([...versions.keys()]);
      return [...versions].every(([id, version]) => (found.get(id)?.version ?? -1) >= version) ? true : undefined;
    }, 'the projections');
    const rows = await ticketRows(ids);
    const row = (id: string) => rows.get(id)!;
    const to = new Date(Date.now() + 60_000);

    const { status, body } = await report(period(from, to));
    expect(status).toBe(200);

    // Volume and first response, checked against the projections.
    const firstResponses = [a, b, c].map((id) => seconds(row(id).createdAt, row(id).firstAgentReplyAt!));
    expect(body.period).toEqual({ from: from.toISOString(), to: to.toISOString() });
    expect(body.channels).toEqual(['web_chat', 'email', 'sms']);
    expect(body.ticketVolume).toBe(5);
    expect(body.firstResponse).toMatchObject({ answered: 3, unanswered: 2 });
    expect(body.firstResponse.medianSeconds).toBeCloseTo(roundSeconds(median(firstResponses))!, 2);
    expect(body.firstResponse.medianSeconds).toBeGreaterThanOrEqual(Math.min(...firstResponses) - 0.001);
    expect(body.firstResponse.medianSeconds).toBeLessThanOrEqual(Math.max(...firstResponses) + 0.001);
    expect(body.firstResponse.averageSeconds).toBeCloseTo(firstResponses.reduce((sum, value) => sum + value, 0) / 3, 2);

    // Resolution: A by its last close, C; B, D (reopened) and E are unresolved.
    const closes = await stack.orm.em.fork().find(TicketEventRecord, { ticketId: a, type: 'closed' }, { orderBy: { occurredAt: 'asc' } });
    expect(closes).toHaveLength(2);
    expect(row(a).closedAt!.getTime()).toBe(closes[1]!.occurredAt.getTime());
    expect(closes[1]!.actorUserId).toBe(brand.users.manager.id);
    const resolutionA = seconds(row(a).createdAt, closes[1]!.occurredAt);
    const firstCloseA = seconds(row(a).createdAt, closes[0]!.occurredAt);
    const resolutionC = seconds(row(c).createdAt, row(c).closedAt!);
    expect(resolutionA).toBeGreaterThan(firstCloseA + 0.05);
    expect(body.resolution).toMatchObject({ resolved: 2, unresolved: 3 });
    expect(body.resolution.medianSeconds).toBeCloseTo((resolutionA + resolutionC) / 2, 2);
    expect(body.resolution.averageSeconds).toBeCloseTo((resolutionA + resolutionC) / 2, 2);

    expect(body.reopens).toEqual({ total: 2, byReason: { inbound_message: 1, agent: 1 } });

    // Per agent: first reply's author, last close's author; the owner's close of D was undone by the reopen.
    expect(body.byAgent).toHaveLength(2);
    const agent = (userId: string) => body.byAgent.find((entry: { userId: string }) => entry.userId === userId);
    expect(agent(brand.users.owner.id)).toBeUndefined();
    const supportFirstResponses = [a, c].map((id) => seconds(row(id).createdAt, row(id).firstAgentReplyAt!));
    expect(agent(brand.users.support.id)).toMatchObject({
      name: brand.users.support.name,
      firstResponse: { answered: 2 },
      resolution: { resolved: 1 },
    });
    expect(agent(brand.users.support.id).firstResponse.medianSeconds).toBeCloseTo(roundSeconds(median(supportFirstResponses))!, 2);
    expect(agent(brand.users.support.id).resolution.medianSeconds).toBeCloseTo(resolutionC, 2);
    expect(agent(brand.users.manager.id)).toMatchObject({
      name: brand.users.manager.name,
      firstResponse: { answered: 1 },
      resolution: { resolved: 1 },
    });
    expect(agent(brand.users.manager.id).firstResponse.medianSeconds).toBeCloseTo(seconds(row(b).createdAt, row(b).firstAgentReplyAt!), 2);
    expect(agent(brand.users.manager.id).resolution.medianSeconds).toBeCloseTo(resolutionA, 2);
    expect(agent(brand.users.manager.id).resolution.medianSeconds).toBeGreaterThan(firstCloseA);

    // Per tag, by the tickets' current tags (the early billing ticket is outside the period).
    expect(body.byTag.map((entry: { tag: string }) => entry.tag)).toEqual(['billing', 'vip']);
    expect(body.byTag[0]).toMatchObject({
      tag: 'billing',
      ticketVolume: 2,
      firstResponse: { answered: 2, unanswered: 0 },
      resolution: { resolved: 1, unresolved: 1 },
      reopens: { total: 1, byReason: { inbound_message: 1, agent: 0 } },
    });
    expect(body.byTag[0].resolution.medianSeconds).toBeCloseTo(resolutionA, 2);
    expect(body.byTag[1]).toMatchObject({
      tag: 'vip',
      ticketVolume: 1,
      firstResponse: { answered: 1, unanswered: 0 },
      resolution: { resolved: 0, unresolved: 1, medianSeconds: null, averageSeconds: null },
      reopens: { total: 0, byReason: { inbound_message: 0, agent: 0 } },
    });

    // Channel filter.
    const sms = (await report(`${period(from, to)}&channel=sms`)).body;
    expect(sms).toMatchObject({
      channels: ['sms'],
      ticketVolume: 1,
      firstResponse: { answered: 0, unanswered: 1, medianSeconds: null, averageSeconds: null },
      resolution: { resolved: 0, unresolved: 1, medianSeconds: null },
      reopens: { total: 1, byReason: { inbound_message: 0, agent: 1 } },
      byAgent: [],
      byTag: [],
    });
    const emails = (await report(`${period(from, to)}&channel=email`)).body;
    expect(emails).toMatchObject({
      channels: ['email'],
      ticketVolume: 4,
      firstResponse: { answered: 3, unanswered: 1 },
      resolution: { resolved: 2, unresolved: 2 },
      reopens: { total: 1, byReason: { inbound_message: 1, agent: 0 } },
    });
    expect((await report(`${period(from, to)}&channel=email,sms`)).body.ticketVolume).toBe(5);
    expect((await report(`${period(from, to)}&channel=web_chat`)).body).toMatchObject({ ticketVolume: 0, firstResponse: { answered: 0, unanswered: 0, medianSeconds: null } });

    // A period that ends where the first one starts holds only the early ticket.
    const before = (await report(period(new Date(earlyCreatedAt.getTime() - 60_000), from))).body;
    expect(before).toMatchObject({ ticketVolume: 1, firstResponse: { answered: 1 }, resolution: { resolved: 1 }, reopens: { total: 0 } });
    expect(before.byAgent).toEqual([expect.objectContaining({ userId: brand.users.support.id, firstResponse: expect.objectContaining({ answered: 1 }) })]);
    expect(before.byTag).toEqual([expect.objectContaining({ tag: 'billing', ticketVolume: 1 })]);

    // The other account sees its own ticket only.
    const foreignReport = (await report(period(from, to), otherBrand.tokens.support)).body;
    expect(foreignReport).toMatchObject({ ticketVolume: 1, firstResponse: { answered: 1, unanswered: 0 }, resolution: { resolved: 1, unresolved: 0 }, reopens: { total: 0 } });
    expect(foreignReport.byAgent.map((entry: { userId: string }) => entry.userId)).toEqual([otherBrand.users.support.id]);
  });

  it('answers bad periods and channels with a 400 naming the field', async () => {
    const to = new Date();
    const from = new Date(to.getTime() - 24 * 3600 * 1000);
    const field = async (query: string) => {
      const response = await report(query);
      expect(response.status).toBe(400);
      expect(response.body.error).toBe('validation_failed');
      return response.body.field;
    };
    expect(await field(`from=${new Date(to.getTime() + 3600 * 1000).toISOString()}`)).toBe('to');
    expect(await field(`from=yesterday&to=${to.toISOString()}`)).toBe('from');
    expect(await field(`from=${from.toISOString()}&to=soon`)).toBe('to');
    expect(await field(period(to, from))).toBe('to');
    expect(await field(period(from, from))).toBe('to');
    expect(await field(period(new Date(to.getTime() - 367 * 24 * 3600 * 1000), to))).toBe('to');
    expect(await field(`${period(from, to)}&channel=email,fax`)).toBe('channel');
    expect((await report(period(new Date(to.getTime() - 366 * 24 * 3600 * 1000), to))).status).toBe(200);
  });

  it('reports the last 30 days up to now when the period is omitted', async () => {
    const before = Date.now();
    const response = await report('');
    expect(response.status).toBe(200);
    const { from, to } = response.body.period as { from: string; to: string };
    expect(Date.parse(to)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(to)).toBeLessThanOrEqual(Date.now() + 1000);
    expect(Date.parse(to) - Date.parse(from)).toBe(30 * 24 * 3600 * 1000);
    const onlyTo = await report(`to=${encodeURIComponent('2026-02-01T00:00:00.000Z')}`);
    expect(onlyTo.status).toBe(200);
    expect(onlyTo.body.period).toEqual({ from: '2026-01-02T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' });
  });

  it('is for agents of the account only', async () => {
    const to = new Date();
    const query = period(new Date(to.getTime() - 3600 * 1000), to);
    expect((await callApi(stack.baseUrl, 'GET', `/reports/summary?${query}`)).status).toBe(401);
    expect((await report(query, brand.tokens.analyst)).status).toBe(403);
    expect((await report(query, brand.integrationToken)).status).toBe(403);
    expect((await report(query, brand.tokens.manager)).status).toBe(200);
  });
  describe('GET /reports/timeseries', () => {
    /** An account of its own, whose ticket projections are written directly with controlled times (no workflow). */
    let series: TestAccount;
    beforeAll(async () => {
      series = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support', 'analyst'] });
    });

    const HOUR = 3600 * 1000;
    const timeSeries = (query: string, token = series.tokens.support) => call('GET', `/reports/timeseries?${query}`, token);
    const summaryOf = (query: string) => call('GET', `/reports/summary?${query}`, series.tokens.support);
    /** A ticket row as the projection holds it: created at `created`, answered and closed that many seconds later. */
    const seed = async (
      created: string,
      { channel = 'email', repliedAfter, closedAfter, status, account = series }: { channel?: string; repliedAfter?: number; closedAfter?: number; status?: string; account?: TestAccount } = {},
    ) => {
      const createdAt = new Date(created);
      const later = (after: number | undefined) => (after === undefined ? null : new Date(createdAt.getTime() + after * 1000).toISOString());
      await stack.orm.em.fork().execute(
        `INSERT INTO tickets (id, account_id, channel, status, tags, first_agent_reply_at, message_count, created_at, updated_at, closed_at, version)
         VALUES (?, ?, ?, ?, '{}', ?::timestamptz, 1, ?::timestamptz, ?::timestamptz, ?::timestamptz, 1)`,
        [`series-${randomUUID()}`, account.accountId, channel, status ?? (closedAfter === undefined ? 'open' : 'closed'), later(repliedAfter), createdAt.toISOString(), createdAt.toISOString(), later(closedAfter)],
      );
    };
    type Bucket = {
      start: string;
      end: string;
      ticketsCreated: number;
      firstResponseCount: number;
      firstResponseMedianSeconds: number | null;
      resolutionCount: number;
      resolutionMedianSeconds: number | null;
    };
    const sum = (buckets: Bucket[], key: 'ticketsCreated' | 'firstResponseCount' | 'resolutionCount') => buckets.reduce((total, bucket) => total + bucket[key], 0);
    const hours = (bucket: Bucket) => (Date.parse(bucket.end) - Date.parse(bucket.start)) / HOUR;
    /** The time series agrees with the summary of the same period and channels. */
    const expectSumsEqualSummary = async (query: string) => {
      // The summary takes the period and channels only.
      const summaryQuery = query.split('&').filter((part) => !/^(interval|timeZone)=/.test(part)).join('&');
      const [{ body: seriesBody }, { status, body: summary }] = await Promise.all([timeSeries(query), summaryOf(summaryQuery)]);
      expect(status).toBe(200);
      expect(seriesBody.period).toEqual(summary.period);
      expect(seriesBody.channels).toEqual(summary.channels);
      expect(sum(seriesBody.buckets, 'ticketsCreated')).toBe(summary.ticketVolume);
      expect(sum(seriesBody.buckets, 'firstResponseCount')).toBe(summary.firstResponse.answered);
      expect(sum(seriesBody.buckets, 'resolutionCount')).toBe(summary.resolution.resolved);
      return { buckets: seriesBody.buckets as Bucket[], summary };
    };

    it('has every bucket of the period, empty ones included, and agrees with the summary', async () => {
      // The week of Monday 2025-01-06 (UTC), plus tickets just outside it and another account's.
      await seed('2025-01-05T23:59:59.999Z', { repliedAfter: 10, closedAfter: 20 });
      await seed('2025-01-06T10:00:00.000Z', { repliedAfter: 60, closedAfter: 3600 });
      await seed('2025-01-06T11:00:00.000Z', { repliedAfter: 120 });
      await seed('2025-01-06T23:59:59.999Z', { channel: 'sms', repliedAfter: 30, closedAfter: 7200 });
      await seed('2025-01-07T12:00:00.000Z', { account: otherBrand, repliedAfter: 5, closedAfter: 5 });
      await seed('2025-01-08T00:00:00.000Z', { closedAfter: 600 }); // resolved without a reply
      await seed('2025-01-08T12:00:00.000Z', { channel: 'web_chat' });
      await seed('2025-01-12T23:00:00.000Z', { repliedAfter: 300, closedAfter: 900, status: 'open' }); // closed, then reopened: unresolved
      await seed('2025-01-13T00:00:00.000Z', { repliedAfter: 1, closedAfter: 1 }); // at `to`: outside
      const week = period(new Date('2025-01-06T00:00:00Z'), new Date('2025-01-13T00:00:00Z'));

      const { status, body } = await timeSeries(week);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        period: { from: '2025-01-06T00:00:00.000Z', to: '2025-01-13T00:00:00.000Z' },
        channels: ['web_chat', 'email', 'sms'],
        interval: 'day',
        timeZone: 'UTC',
      });
      const buckets = body.buckets as Bucket[];
      expect(buckets.map((bucket) => bucket.start)).toEqual([6, 7, 8, 9, 10, 11, 12].map((day) => `2025-01-${String(day).padStart(2, '0')}T00:00:00.000Z`));
      expect(buckets.every((bucket) => hours(bucket) === 24)).toBe(true);
      expect(buckets.map((bucket) => bucket.ticketsCreated)).toEqual([3, 0, 2, 0, 0, 0, 1]);
      expect(buckets[0]).toEqual({
        start: '2025-01-06T00:00:00.000Z',
        end: '2025-01-07T00:00:00.000Z',
        ticketsCreated: 3,
        firstResponseCount: 3,
        firstResponseMedianSeconds: 60,
        resolutionCount: 2,
        resolutionMedianSeconds: 5400,
      });
      const empty = { ticketsCreated: 0, firstResponseCount: 0, firstResponseMedianSeconds: null, resolutionCount: 0, resolutionMedianSeconds: null };
      expect(buckets[1]).toEqual({ start: '2025-01-07T00:00:00.000Z', end: '2025-01-08T00:00:00.000Z', ...empty });
      expect(buckets[2]).toMatchObject({ ticketsCreated: 2, firstResponseCount: 0, firstResponseMedianSeconds: null, resolutionCount: 1, resolutionMedianSeconds: 600 });
      expect(buckets[6]).toMatchObject({ ticketsCreated: 1, firstResponseCount: 1, firstResponseMedianSeconds: 300, resolutionCount: 0, resolutionMedianSeconds: null });

      // Sums equal the summary: whole week, by channel, a period that does not start or end at midnight, another zone.
      expect((await expectSumsEqualSummary(week)).summary.ticketVolume).toBe(6);
      await expectSumsEqualSummary(`${week}&channel=email`);
      await expectSumsEqualSummary(`${week}&channel=sms,web_chat`);
      const ragged = await expectSumsEqualSummary(period(new Date('2025-01-06T10:30:00Z'), new Date('2025-01-08T06:00:00Z')));
      expect(ragged.buckets.map((bucket) => [bucket.start, bucket.ticketsCreated])).toEqual([
        ['2025-01-06T00:00:00.000Z', 2],
        ['2025-01-07T00:00:00.000Z', 0],
        ['2025-01-08T00:00:00.000Z', 1],
      ]);
      const newYork = await expectSumsEqualSummary(`${week}&timeZone=America/New_York`);
      // Local midnights (UTC−5) from the day holding `from` (Sunday the 5th, 19:00 there) to the one holding `to`.
      expect(newYork.buckets).toHaveLength(8);
      expect(newYork.buckets[0]!.start).toBe('2025-01-05T05:00:00.000Z');
      expect(newYork.buckets.map((bucket) => bucket.ticketsCreated)).toEqual([0, 3, 1, 1, 0, 0, 0, 1]);
      const weekly = await expectSumsEqualSummary(`${period(new Date('2025-01-01T00:00:00Z'), new Date('2025-01-20T00:00:00Z'))}&interval=week`);
      expect(weekly.buckets.map((bucket) => [bucket.start, bucket.end, bucket.ticketsCreated])).toEqual([
        ['2024-12-30T00:00:00.000Z', '2025-01-06T00:00:00.000Z', 1],
        ['2025-01-06T00:00:00.000Z', '2025-01-13T00:00:00.000Z', 6],
        ['2025-01-13T00:00:00.000Z', '2025-01-20T00:00:00.000Z', 1],
      ]);

      // A period of one bucket: the same medians as the summary.
      for (const query of [
        period(new Date('2025-01-06T00:00:00Z'), new Date('2025-01-07T00:00:00Z')),
        `${week}&interval=week`,
        `${period(new Date('2025-01-06T00:00:00Z'), new Date('2025-01-07T00:00:00Z'))}&channel=email`,
      ]) {
        const { buckets: [only, ...rest], summary } = await expectSumsEqualSummary(query);
        expect(rest).toEqual([]);
        expect(only!.firstResponseMedianSeconds).toBe(summary.firstResponse.medianSeconds);
        expect(only!.resolutionMedianSeconds).toBe(summary.resolution.medianSeconds);
        expect(only!.firstResponseMedianSeconds).not.toBeNull();
      }
      expect((await summaryOf(`${week}&interval=week`)).status).toBe(400); // the summary has no interval

      // The other account sees its own ticket only.
      const foreign = (await timeSeries(week, otherBrand.tokens.support)).body.buckets as Bucket[];
      expect(foreign.map((bucket) => bucket.ticketsCreated)).toEqual([0, 1, 0, 0, 0, 0, 0]);
    });

    it('starts buckets at local midnight in the time zone: 23 h and 25 h days across DST changes', async () => {
      // Europe/Paris: clocks go forward on 2026-03-29 (02:00 → 03:00) and back on 2026-10-25 (03:00 → 02:00).
      await seed('2026-03-28T23:30:00.000Z', { repliedAfter: 100 }); // 00:30 on the 29th in Paris
      await seed('2026-03-29T21:30:00.000Z', { repliedAfter: 200, closedAfter: 400 }); // 23:30 on the 29th in Paris
      await seed('2026-03-29T22:10:00.000Z'); // 00:10 on the 30th in Paris
      const spring = period(new Date('2026-03-28T00:00:00+01:00'), new Date('2026-03-31T00:00:00+02:00'));
      const { status, body } = await timeSeries(`${spring}&timeZone=Europe/Paris`);
      expect(status).toBe(200);
      expect(body.timeZone).toBe('Europe/Paris');
      const buckets = body.buckets as Bucket[];
      expect(buckets.map((bucket) => [bucket.start, bucket.end, hours(bucket), bucket.ticketsCreated])).toEqual([
        ['2026-03-27T23:00:00.000Z', '2026-03-28T23:00:00.000Z', 24, 0],
        ['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z', 23, 2],
        ['2026-03-29T22:00:00.000Z', '2026-03-30T22:00:00.000Z', 24, 1],
      ]);
      expect(buckets[1]).toMatchObject({ firstResponseCount: 2, firstResponseMedianSeconds: 150, resolutionCount: 1, resolutionMedianSeconds: 400 });
      await expectSumsEqualSummary(`${spring}&timeZone=Europe/Paris`);
      // The same period in UTC cuts at UTC midnights.
      const utc = (await timeSeries(spring)).body.buckets as Bucket[];
      expect(utc.map((bucket) => [bucket.start, bucket.ticketsCreated])).toEqual([
        ['2026-03-27T00:00:00.000Z', 0],
        ['2026-03-28T00:00:00.000Z', 1],
        ['2026-03-29T00:00:00.000Z', 2],
        ['2026-03-30T00:00:00.000Z', 0],
      ]);

      const autumn = await timeSeries(`${period(new Date('2026-10-25T00:00:00+02:00'), new Date('2026-10-26T00:00:00+01:00'))}&timeZone=Europe/Paris`);
      expect(autumn.body.buckets.map((bucket: Bucket) => [bucket.start, bucket.end, hours(bucket)])).toEqual([['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z', 25]]);

      // Weeks start on Monday at local midnight; the week of the change is 167 h.
      const week = await timeSeries(`${period(new Date('2026-03-25T12:00:00+01:00'), new Date('2026-04-01T00:00:00+02:00'))}&timeZone=Europe/Paris&interval=week`);
      expect(week.body.interval).toBe('week');
      expect(week.body.buckets.map((bucket: Bucket) => [bucket.start, bucket.end, hours(bucket), bucket.ticketsCreated])).toEqual([
        ['2026-03-22T23:00:00.000Z', '2026-03-29T22:00:00.000Z', 167, 2],
        ['2026-03-29T22:00:00.000Z', '2026-04-05T22:00:00.000Z', 168, 1],
      ]);

      // America/Santiago skips its midnight (2026-09-06 00:00 → 01:00): that day starts at 01:00, and the buckets stay contiguous.
      await seed('2026-09-06T04:30:00.000Z', { repliedAfter: 50 }); // 01:30 on the 6th in Santiago
      const santiago = await expectSumsEqualSummary(`${period(new Date('2026-09-04T12:00:00Z'), new Date('2026-09-08T12:00:00Z'))}&timeZone=America/Santiago`);
      expect(santiago.buckets.map((bucket) => [bucket.start, hours(bucket), bucket.ticketsCreated])).toEqual([
        ['2026-09-04T04:00:00.000Z', 24, 0],
        ['2026-09-05T04:00:00.000Z', 24, 0],
        ['2026-09-06T04:00:00.000Z', 23, 1],
        ['2026-09-07T03:00:00.000Z', 24, 0],
        ['2026-09-08T03:00:00.000Z', 24, 0],
      ]);

      // Zone names are taken in any case and answered canonically.
      expect((await timeSeries(`${spring}&timeZone=europe/paris`)).body.timeZone).toBe('Europe/Paris');
      const link = await timeSeries(`${spring}&timeZone=asia/kolkata`); // PostgreSQL matches names case-insensitively too
      expect(link.status).toBe(200);
      expect(link.body.buckets[0].start).toBe('2026-03-27T18:30:00.000Z');
    });

    it('defaults to the last 30 days by day in UTC and takes up to 366 days', async () => {
      const { status, body } = await timeSeries('');
      expect(status).toBe(200);
      expect(body).toMatchObject({ interval: 'day', timeZone: 'UTC' });
      expect(Date.parse(body.period.to) - Date.parse(body.period.from)).toBe(30 * 24 * HOUR);
      expect(body.buckets.length).toBeGreaterThanOrEqual(30);
      expect(body.buckets.length).toBeLessThanOrEqual(31);
      const year = await timeSeries(`${period(new Date('2025-01-01T00:00:00Z'), new Date('2026-01-02T00:00:00Z'))}&timeZone=Europe/Paris`);
      expect(year.status).toBe(200);
      expect(year.body.buckets).toHaveLength(367);
      expect(year.body.buckets.map((bucket: Bucket) => hours(bucket)).filter((length: number) => length !== 24).sort()).toEqual([23, 25]);
    });

    it('answers a bad period, channel, interval or time zone with a 400 naming the field, and is for agents only', async () => {
      const to = new Date('2025-02-01T00:00:00Z');
      const from = new Date('2025-01-01T00:00:00Z');
      const field = async (query: string) => {
        const response = await timeSeries(query);
        expect(response.status).toBe(400);
        expect(response.body.error).toBe('validation_failed');
        return response.body.field;
      };
      for (const zone of ['Mars/Olympus', 'Europe/Pariss', '+02:00', 'UTC+2', 'CET', 'EST5EDT', '', 'Europe/Paris;DROP']) {
        expect(await field(`${period(from, to)}&timeZone=${encodeURIComponent(zone)}`)).toBe('timeZone');
      }
      expect(await field(`${period(from, to)}&timeZone=a&timeZone=b`)).toBe('timeZone');
      for (const interval of ['month', 'hour', 'Day', '']) expect(await field(`${period(from, to)}&interval=${interval}`)).toBe('interval');
      expect(await field(`from=yesterday&to=${to.toISOString()}`)).toBe('from');
      expect(await field(period(to, from))).toBe('to');
      expect(await field(period(new Date(to.getTime() - 367 * 24 * HOUR), to))).toBe('to');
      expect(await field(`${period(from, to)}&channel=email,fax`)).toBe('channel');
      expect((await timeSeries(`${period(from, to)}&timeZone=Etc/GMT%2B5&interval=week`)).status).toBe(200);

      expect((await callApi(stack.baseUrl, 'GET', `/reports/timeseries?${period(from, to)}`)).status).toBe(401);
      expect((await timeSeries(period(from, to), series.tokens.analyst)).status).toBe(403);
      expect((await timeSeries(period(from, to), series.integrationToken)).status).toBe(403);
    });
  });
});
