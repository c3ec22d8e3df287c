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
});
