import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { callApi } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * Predictive analytics end to end: "Placed Order" events of the CDNOW sample (Fader & Hardie), turned back
 * into dated orders, are fitted by the refit workflow; the stored parameters match the published fit.
 */
const DAY_MS = 86_400_000;
/** Tolerance of the end-to-end fit against the published one: the orders are rebuilt from a weekly summary, and grouped by day. */
const PARAMETER_TOLERANCE = 0.05;
const REFERENCE = { r: 0.243, alphaWeeks: 4.414, a: 0.793, b: 2.426 };

interface CdnowCustomer {
  x: number;
  tx: number;
  T: number;
  zbar: number;
}

const cdnow: CdnowCustomer[] = readFileSync(new URL('../fixtures/cdnow-summary.csv', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line && !line.startsWith('#') && !line.startsWith('x,'))
  .map((line) => {
    const [x, tx, T, zbar] = line.split(',').map(Number);
    return { x: x!, tx: tx!, T: T!, zbar: zbar! };
  });

/** A customer's purchases: the first at the start of their history, the last at its recency, the others evenly between. */
function ordersOf(customer: CdnowCustomer, now: number): { time: string; value: number }[] {
  const first = now - customer.T * 7 * DAY_MS;
  const value = customer.x > 0 ? customer.zbar : 20;
  const orders = [{ time: new Date(first).toISOString(), value }];
  for (let k = 1; k <= customer.x; k++) orders.push({ time: new Date(first + (customer.tx * 7 * DAY_MS * k) / customer.x).toISOString(), value });
  return orders;
}

describe('predictive analytics, fitted by the refit workflow (dev server + PostgreSQL)', () => {
  let stack: TestStack;
  let brand: TestAccount;
  let small: TestAccount;

  beforeAll(async () => {
    stack = await startTestStack({ WORKFLOW_UPDATE_TIMEOUT_MS: '60000' });
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
    small = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const postEvents = async (account: TestAccount, events: unknown[]) => {
    for (let start = 0; start < events.length; start += 1000) {
      const response = await callApi(stack.baseUrl, 'POST', '/integration/events', { token: account.integrationToken, body: { events: events.slice(start, start + 1000) } });
      expect(response.body.refused).toBe(0);
    }
  };

  it('says why an account does not qualify yet, in the overview too', async () => {
    const email = `few-${randomUUID().slice(0, 8)}@example.test`;
    await postEvents(small, [
      { uniqueId: 'o1', metric: 'Placed Order', profile: { email }, time: new Date(Date.now() - 10 * DAY_MS).toISOString(), value: 30 },
      { uniqueId: 'o2', metric: 'Placed Order', profile: { email }, time: new Date(Date.now() - 2 * DAY_MS).toISOString(), value: 50 },
    ]);
    expect((await callApi(stack.baseUrl, 'GET', '/predictive-analytics', { token: small.tokens.support })).body).toMatchObject({ status: 'not_fitted' });
    expect((await callApi(stack.baseUrl, 'POST', '/predictive-analytics/refit', { token: small.tokens.support })).status).toBe(403);

    const refit = await callApi(stack.baseUrl, 'POST', '/predictive-analytics/refit', { token: small.tokens.owner });
    expect(refit).toMatchObject({ status: 200, body: { status: 'finished', report: { qualifies: false, customers: 1, orders: 2, profiles: 0 } } });
    const model = (await callApi(stack.baseUrl, 'GET', '/predictive-analytics', { token: small.tokens.support })).body;
    expect(model.status).toBe('does_not_qualify');
    expect(model.reasons).toEqual(expect.arrayContaining([expect.stringContaining('1 customer has placed an order; at least 500 are needed'), expect.stringContaining('180 days')]));

    const ticket = await callApi(stack.baseUrl, 'POST', '/integration/messages', {
      token: small.integrationToken,
      body: { channel: 'email', externalId: `m-${randomUUID()}`, body: 'Where is my order?', subject: 'Order', sender: { email } },
    });
    const overview = await eventually(async () => {
      const response = await callApi(stack.baseUrl, 'GET', `/tickets/${ticket.body.ticketId}/overview`, { token: small.tokens.support });
      return response.status === 200 && response.body.profile ? response.body : undefined;
    }, 'the ticket overview with its profile');
    expect(overview).toMatchObject({
      ticket: { id: ticket.body.ticketId, channel: 'email' },
      profile: { emails: [email], ticketCount: 1 },
      predictions: { model: { status: 'does_not_qualify' }, figures: null },
      orders: { count: 0, recent: [] },
      events: { count: 2 },
      tickets: { count: 1 },
    });
  });

  it('fits the CDNOW sample to the published BG/NBD parameters and gives each customer figures', async () => {
    const now = Date.now();
    const events = cdnow.flatMap((customer, index) =>
      ordersOf(customer, now).map((order, k) => ({ uniqueId: `c${index}-o${k}`, metric: 'Placed Order', profile: { externalId: `cdnow-${index}` }, time: order.time, value: order.value })),
    );
    await postEvents(brand, events);
    const refit = await callApi(stack.baseUrl, 'POST', '/predictive-analytics/refit', { token: brand.tokens.owner });
    expect(refit.body).toMatchObject({ status: 'finished', report: { qualifies: true, customers: cdnow.length, profiles: cdnow.length } });

    const model = (await callApi(stack.baseUrl, 'GET', '/predictive-analytics', { token: brand.tokens.support })).body;
    expect(model.status).toBe('qualifies');
    const { r, alpha, a, b } = model.parameters.bgNbd as { r: number; alpha: number; a: number; b: number };
    const relative = (fitted: number, reference: number) => Math.abs(fitted - reference) / reference;
    const deviations = { r: relative(r, REFERENCE.r), alpha: relative(alpha / 7, REFERENCE.alphaWeeks), a: relative(a, REFERENCE.a), b: relative(b, REFERENCE.b) };
    for (const deviation of Object.values(deviations)) expect(deviation).toBeLessThan(PARAMETER_TOLERANCE);

    // The paper's example customer (x = 2, t_x = 30.43, T = 38.86 weeks) is the fixture's first row.
    const [profile] = (await callApi(stack.baseUrl, 'GET', '/profiles?q=cdnow-0', { token: brand.tokens.support })).body.profiles as { id: string }[];
    const { figures } = (await callApi(stack.baseUrl, 'GET', `/profiles/${profile!.id}/predictions`, { token: brand.tokens.support })).body;
    expect(figures).toMatchObject({ historicOrderCount: 3, historicClv: expect.closeTo(3 * 22.35, 2) });
    expect(figures.churnProbability).toBeGreaterThan(0);
    expect(figures.churnProbability).toBeLessThan(0.5);
    expect(figures.predictedClv).toBeCloseTo(figures.predictedOrderCount * figures.expectedOrderValue, 6);
    expect(Date.parse(figures.expectedNextOrderAt)).toBeGreaterThan(now);
  }, 120_000);
});
