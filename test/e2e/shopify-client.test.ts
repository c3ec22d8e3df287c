import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ShopifyRequestFailed,
  ShopifyThrottled,
  ShopifyUnauthorized,
  ShopifyUnavailable,
  ShopifyUserErrors,
} from '../../libs/shopify/errors.js';
import { SHOPIFY_DEFAULT_API_VERSION, SHOPIFY_ORDERS_PAGE_LIMIT, ShopifyAdmin } from '../../libs/shopify/shopify-admin.js';
import { verifyShopifyWebhook } from '../../libs/shopify/webhook-signature.js';
import {
  ALREADY_CANCELLED_MESSAGE,
  ALREADY_COMMITTED_MESSAGE,
  FULFILLED_LINE_MESSAGE,
  INVALID_TOKEN_MESSAGE,
  postShopifyWebhook,
  startShopifyStandIn,
  type ShopifyStandIn,
} from '../support/shopify-stand-in.js';

/** What a call threw, for asserting on its class and fields. */
async function failureOf(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('Shopify Admin GraphQL client (against a local Shopify stand-in)', () => {
  let standIn: ShopifyStandIn;
  let admin: ShopifyAdmin;
  // The stand-in's clock: the bucket refills only when a test moves it.
  let now = Date.parse('2026-03-02T09:00:00Z');
  const advance = (ms: number) => {
    now += ms;
  };

  beforeAll(async () => {
    standIn = await startShopifyStandIn({ now: () => now, cancelJobPolls: 2 });
    admin = new ShopifyAdmin({ shopDomain: standIn.shopDomain, accessToken: standIn.accessToken, apiBaseUrl: standIn.apiBaseUrl });
  });
  afterAll(async () => {
    await standIn?.close();
  });
  beforeEach(() => {
    standIn.setBucket({ maximumAvailable: 2000, restoreRate: 100, currentlyAvailable: 2000 });
    standIn.throttleNext(0);
  });

  function seedCustomerWithOrder(lines: { title: string; quantity: number; fulfilledQuantity?: number; unitPrice: string }[]) {
    const customer = standIn.seedCustomer({ email: `buyer-${standIn.orders().length}@example.test` });
    return { customer, order: standIn.seedOrder({ customerId: customer.id, lineItems: lines }) };
  }

  it('finds a customer by email (case-insensitively) and by phone, and null for nobody; requests go to apiBaseUrl', async () => {
    const customer = standIn.seedCustomer({ email: 'ada@example.test', phone: '+14155550101' });
    const before = standIn.requests.length;

    expect((await admin.findCustomer({ email: 'Ada@Example.test' })).data).toBe(customer.id);
    expect((await admin.findCustomer({ phone: '+14155550101' })).data).toBe(customer.id);
    expect((await admin.findCustomer({ email: 'nobody@example.test' })).data).toBeNull();
    await expect(admin.findCustomer({})).rejects.toThrow(TypeError);

    const sent = standIn.requests.slice(before);
    expect(sent.map((request) => request.path)).toEqual(Array(3).fill(`/admin/api/${SHOPIFY_DEFAULT_API_VERSION}/graphql.json`));
    expect(sent.map((request) => request.rootFields)).toEqual([['customerByIdentifier'], ['customerByIdentifier'], ['customerByIdentifier']]);
    expect(sent[0]!.variables).toEqual({ identifier: { emailAddress: 'Ada@Example.test' } });
    expect(sent[1]!.variables).toEqual({ identifier: { phoneNumber: '+14155550101' } });
  });

  it("pages through a customer's orders newest first with cursors, in Shopify's order shape", async () => {
    const customer = standIn.seedCustomer({ email: 'pager@example.test' });
    const seeded = [0, 1, 2, 3, 4].map((day) =>
      standIn.seedOrder({
        customerId: customer.id,
        createdAt: new Date(Date.parse('2026-01-01T12:00:00Z') + day * 86_400_000),
        lineItems: [
          { title: 'Mug', quantity: 2, unitPrice: '12.50' },
          { title: 'Tea', quantity: 1, fulfilledQuantity: 1, unitPrice: '4.00' },
        ],
      }),
    );

    const pages: string[][] = [];
    let after: string | undefined;
    for (;;) {
      const { data } = await admin.customerOrders(customer.id, { first: 2, after });
      expect(data).not.toBeNull();
      pages.push(data!.orders.map((order) => order.name));
      if (!data!.pageInfo.hasNextPage) break;
      after = data!.pageInfo.endCursor!;
    }
    expect(pages).toEqual([
      [seeded[4]!.name, seeded[3]!.name],
      [seeded[2]!.name, seeded[1]!.name],
      [seeded[0]!.name],
    ]);

    const { data: first } = await admin.customerOrders(customer.id, { first: 1 });
    const newest = first!.orders[0]!;
    expect(newest).toEqual({
      id: seeded[4]!.id,
      name: seeded[4]!.name,
      createdAt: '2026-01-05T12:00:00.000Z',
      updatedAt: '2026-01-05T12:00:00.000Z',
      cancelledAt: null,
      displayFinancialStatus: 'PAID',
      displayFulfillmentStatus: 'PARTIALLY_FULFILLED',
      currentTotalPrice: { amount: '29.00', currencyCode: 'USD' },
      lineItems: [
        { id: seeded[4]!.lineItems[0]!.id, title: 'Mug', quantity: 2, currentQuantity: 2, unfulfilledQuantity: 2, sku: null, originalUnitPrice: { amount: '12.50', currencyCode: 'USD' } },
        { id: seeded[4]!.lineItems[1]!.id, title: 'Tea', quantity: 1, currentQuantity: 1, unfulfilledQuantity: 0, sku: null, originalUnitPrice: { amount: '4.00', currencyCode: 'USD' } },
      ],
    });
    expect((await admin.customerOrders('gid://shopify/Customer/999999', { first: 2 })).data).toBeNull();
  });

  it("keeps a page of orders under Shopify's single-query cost limit, which the next size up exceeds", async () => {
    const { customer } = seedCustomerWithOrder([{ title: 'Lamp', quantity: 1, unitPrice: '30.00' }]);
    const { data, cost } = await admin.customerOrders(customer.id, { first: SHOPIFY_ORDERS_PAGE_LIMIT });
    expect(data!.orders).toHaveLength(1);
    expect(cost.requestedQueryCost).toBeLessThanOrEqual(1000);

    const tooBig = await failureOf(admin.customerOrders(customer.id, { first: SHOPIFY_ORDERS_PAGE_LIMIT + 1 }));
    expect(tooBig).toBeInstanceOf(ShopifyRequestFailed);
    expect((tooBig as ShopifyRequestFailed).graphQLErrors[0]!.extensions?.code).toBe('MAX_COST_EXCEEDED');
    expect((tooBig as ShopifyRequestFailed).retryable).toBe(false);
  });

  it('reads one order, and null for an unknown one', async () => {
    const { order } = seedCustomerWithOrder([{ title: 'Kettle', quantity: 1, unitPrice: '40.00' }]);
    const { data } = await admin.order(order.id);
    expect(data).toMatchObject({ id: order.id, name: order.name, displayFulfillmentStatus: 'UNFULFILLED', currentTotalPrice: { amount: '40.00', currencyCode: 'USD' } });
    expect((await admin.order('gid://shopify/Order/1')).data).toBeNull();
  });

  it("edits a quantity (begin, set, commit) and changes the stand-in's order exactly once", async () => {
    const { order } = seedCustomerWithOrder([
      { title: 'Mug', quantity: 3, unitPrice: '10.00' },
      { title: 'Spoon', quantity: 1, unitPrice: '2.00' },
    ]);
    const mug = order.lineItems[0]!;
    const commitsBefore = standIn.commits;

    const { data: edit } = await admin.beginOrderEdit(order.id);
    expect(edit.calculatedOrderId).toMatch(/^gid:\/\/shopify\/CalculatedOrder\/\d+$/);
    const calculatedMug = edit.lineItems.find((line) => line.lineItemId === mug.id)!;
    expect(calculatedMug).toMatchObject({ title: 'Mug', quantity: 3, editableQuantity: 3 });
    expect(calculatedMug.id).toMatch(/^gid:\/\/shopify\/CalculatedLineItem\/\d+$/);
    // Beginning an edit changes nothing yet.
    expect(standIn.order(order.id)!.lineItems[0]!.currentQuantity).toBe(3);

    // The order's LineItem id is mapped to the edit's CalculatedLineItem id.
    const { data: staged } = await admin.setOrderEditQuantity(edit.calculatedOrderId, mug.id, 1);
    expect(staged).toMatchObject({ id: calculatedMug.id, lineItemId: mug.id, quantity: 1 });
    expect(standIn.requests.at(-1)!.variables.lineItemId).toBe(calculatedMug.id);
    expect(standIn.order(order.id)!.lineItems[0]!.currentQuantity).toBe(3);

    advance(60_000);
    const { data: committed } = await admin.commitOrderEdit(edit.calculatedOrderId, { notifyCustomer: false, staffNote: 'customer asked for one mug' });
    expect(committed.orderId).toBe(order.id);
    expect(Date.parse(committed.updatedAt)).toBeGreaterThan(order.updatedAt.getTime());

    const again = await failureOf(admin.commitOrderEdit(edit.calculatedOrderId, { notifyCustomer: false }));
    expect(again).toBeInstanceOf(ShopifyUserErrors);
    expect((again as ShopifyUserErrors).userErrors).toEqual([{ field: ['id'], message: ALREADY_COMMITTED_MESSAGE }]);

    const after = standIn.order(order.id)!;
    expect(after.editsCommitted).toBe(1);
    expect(after.lineItems.map((line) => line.currentQuantity)).toEqual([1, 1]);
    expect(after.updatedAt.toISOString()).toBe(committed.updatedAt);
    expect(standIn.commits - commitsBefore).toBe(2);
    const { data: reread } = await admin.order(order.id);
    expect(reread!.lineItems[0]).toMatchObject({ quantity: 3, currentQuantity: 1, unfulfilledQuantity: 1 });
    expect(reread!.currentTotalPrice.amount).toBe('12.00');
  });

  it("refuses a quantity change on a fulfilled line with ShopifyUserErrors carrying Shopify's message", async () => {
    const { order } = seedCustomerWithOrder([{ title: 'Shipped book', quantity: 2, fulfilledQuantity: 2, unitPrice: '15.00' }]);
    const { data: edit } = await admin.beginOrderEdit(order.id);
    expect(edit.lineItems[0]!.editableQuantity).toBe(0);

    const refused = await failureOf(admin.setOrderEditQuantity(edit.calculatedOrderId, order.lineItems[0]!.id, 1));
    expect(refused).toBeInstanceOf(ShopifyUserErrors);
    expect(refused).toMatchObject({ mutation: 'orderEditSetQuantity', retryable: false, userErrors: [{ field: ['lineItemId'], message: FULFILLED_LINE_MESSAGE }] });
    expect((refused as Error).message).toContain(FULFILLED_LINE_MESSAGE);
    expect(standIn.order(order.id)!.lineItems[0]!.currentQuantity).toBe(2);
  });

  it('cancels an order and polls its job until done; a second cancel is a userError', async () => {
    const { order } = seedCustomerWithOrder([{ title: 'Chair', quantity: 1, unitPrice: '80.00' }]);
    const cancelsBefore = standIn.cancels;

    const { data: job } = await admin.cancelOrder(order.id, {
      reason: 'CUSTOMER',
      restock: true,
      refundMethod: { originalPaymentMethodsRefund: true },
      notifyCustomer: true,
      staffNote: 'changed their mind',
    });
    expect(job).toEqual({ id: expect.stringMatching(/^gid:\/\/shopify\/Job\//), done: false });
    expect(standIn.requests.at(-1)!.variables).toMatchObject({ reason: 'CUSTOMER', restock: true, refundMethod: { originalPaymentMethodsRefund: true } });

    const polls: boolean[] = [];
    for (let poll = 0; poll < 10 && !polls.at(-1); poll++) polls.push((await admin.job(job.id)).data!.done);
    expect(polls).toEqual([false, true]);
    expect(standIn.order(order.id)!.cancelledAt).not.toBeNull();
    expect((await admin.order(order.id)).data!.cancelledAt).not.toBeNull();

    const again = await failureOf(admin.cancelOrder(order.id, { reason: 'CUSTOMER', restock: true, notifyCustomer: false }));
    expect(again).toBeInstanceOf(ShopifyUserErrors);
    expect((again as ShopifyUserErrors).userErrors).toEqual([{ field: ['orderId'], message: ALREADY_CANCELLED_MESSAGE, code: 'INVALID' }]);
    expect(standIn.cancels - cancelsBefore).toBe(2);
    expect((await admin.job('gid://shopify/Job/unknown')).data).toBeNull();
  });

  it('reports THROTTLED as ShopifyThrottled with the wait until the bucket holds the cost, and succeeds after it', async () => {
    standIn.seedCustomer({ email: 'slow@example.test' });
    standIn.setBucket({ maximumAvailable: 50, restoreRate: 2, currentlyAvailable: 0 });

    const throttled = await failureOf(admin.findCustomer({ email: 'slow@example.test' }));
    expect(throttled).toBeInstanceOf(ShopifyThrottled);
    const error = throttled as ShopifyThrottled;
    expect(error.retryable).toBe(true);
    expect(error.throttleStatus).toEqual({ maximumAvailable: 50, currentlyAvailable: 0, restoreRate: 2 });
    expect(error.requestedQueryCost).toBe(1);
    // 1 point at 2 points a second.
    expect(error.retryAfterMs).toBe(500);

    advance(error.retryAfterMs - 1);
    expect(await failureOf(admin.findCustomer({ email: 'slow@example.test' }))).toBeInstanceOf(ShopifyThrottled);
    advance(1);
    expect((await admin.findCustomer({ email: 'slow@example.test' })).data).toMatch(/^gid:\/\/shopify\/Customer\//);
  });

  it('treats a THROTTLED answer the bucket did not explain as a short retryable wait', async () => {
    standIn.throttleNext(1);
    const throttled = await failureOf(admin.findCustomer({ email: 'anyone@example.test' }));
    expect(throttled).toBeInstanceOf(ShopifyThrottled);
    expect((throttled as ShopifyThrottled).retryAfterMs).toBeGreaterThanOrEqual(1);
    expect((await admin.findCustomer({ email: 'anyone@example.test' })).data).toBeNull();
  });

  it('parses the query cost and throttle status of every answer', async () => {
    const { order } = seedCustomerWithOrder([
      { title: 'A', quantity: 1, unitPrice: '1.00' },
      { title: 'B', quantity: 1, unitPrice: '1.00' },
    ]);
    const { cost } = await admin.order(order.id);
    // order 1 + currentTotalPriceSet 2 + lineItems (2 + 50 × 3) requested; charged for the 2 lines returned.
    expect(cost.requestedQueryCost).toBe(155);
    expect(cost.actualQueryCost).toBe(1 + 2 + 2 + 2 * 3);
    expect(cost.throttleStatus).toEqual({ maximumAvailable: 2000, currentlyAvailable: 2000 - 11, restoreRate: 100 });
    expect(standIn.bucket().currentlyAvailable).toBe(1989);

    const { cost: mutationCost } = await admin.beginOrderEdit(order.id);
    expect(mutationCost).toMatchObject({ requestedQueryCost: 10, actualQueryCost: 10, throttleStatus: { currentlyAvailable: 1979 } });
  });

  it('gives ShopifyUnauthorized, with Shopify\'s explanation, for a wrong access token', async () => {
    const wrong = new ShopifyAdmin({ shopDomain: standIn.shopDomain, accessToken: 'shpat_wrong', apiBaseUrl: standIn.apiBaseUrl });
    const refused = await failureOf(wrong.findCustomer({ email: 'ada@example.test' }));
    expect(refused).toBeInstanceOf(ShopifyUnauthorized);
    expect(refused).toMatchObject({ status: 401, retryable: false });
    expect((refused as Error).message).toContain(INVALID_TOKEN_MESSAGE);
  });

  it('gives the retryable ShopifyUnavailable for a 5xx and for a shop that cannot be reached', async () => {
    standIn.failNext(1, 502);
    const outage = await failureOf(admin.findCustomer({ email: 'ada@example.test' }));
    expect(outage).toBeInstanceOf(ShopifyUnavailable);
    expect(outage).toMatchObject({ status: 502, retryable: true });
    expect((await admin.findCustomer({ email: 'ada@example.test' })).data).toMatch(/^gid:/);

    // A port nobody listens on: bind one, then free it.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = new ShopifyAdmin({ shopDomain: standIn.shopDomain, accessToken: standIn.accessToken, apiBaseUrl: `http://127.0.0.1:${port}` });
    const down = await failureOf(unreachable.findCustomer({ email: 'ada@example.test' }));
    expect(down).toBeInstanceOf(ShopifyUnavailable);
    expect(down).toMatchObject({ status: null, retryable: true });
  });

  it('stand-in: answers on the wire as Shopify does (unknown fields refused, a LineItem id is not a CalculatedLineItem id)', async () => {
    const graphql = async (query: string, variables: Record<string, unknown> = {}) => {
      const response = await fetch(`${standIn.apiBaseUrl}/admin/api/${SHOPIFY_DEFAULT_API_VERSION}/graphql.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-shopify-access-token': standIn.accessToken },
        body: JSON.stringify({ query, variables }),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as { data?: Record<string, unknown>; errors?: { message: string; extensions?: { code?: string } }[] };
    };
    const { order } = seedCustomerWithOrder([{ title: 'Pen', quantity: 2, unitPrice: '1.00' }]);

    const unknownField = await graphql('query($id: ID!) { order(id: $id) { id totalPrice } }', { id: order.id });
    expect(unknownField.data).toBeUndefined();
    expect(unknownField.errors).toEqual([{ message: "Field 'totalPrice' doesn't exist on type 'Order'", extensions: { code: 'undefinedField' } }]);

    const asked = await graphql('query($id: ID!) { order(id: $id) { name shown: displayFulfillmentStatus } }', { id: order.id });
    expect(asked.data).toEqual({ order: { name: order.name, shown: 'UNFULFILLED' } });

    const begun = await graphql('mutation($id: ID!) { orderEditBegin(id: $id) { calculatedOrder { id } userErrors { field message } } }', { id: order.id });
    const calculatedOrderId = (begun.data!.orderEditBegin as { calculatedOrder: { id: string } }).calculatedOrder.id;
    const rawLineId = await graphql(
      'mutation($id: ID!, $line: ID!) { orderEditSetQuantity(id: $id, lineItemId: $line, quantity: 1) { calculatedLineItem { id } userErrors { field message } } }',
      { id: calculatedOrderId, line: order.lineItems[0]!.id },
    );
    expect(rawLineId.data).toEqual({ orderEditSetQuantity: { calculatedLineItem: null, userErrors: [{ field: ['lineItemId'], message: 'The line item does not exist.' }] } });
  });

  it('refuses a shop domain that is not <shop>.myshopify.com, so the token never goes elsewhere', () => {
    expect(() => new ShopifyAdmin({ shopDomain: 'evil.example.com', accessToken: 'shpat_x' })).toThrow(TypeError);
    expect(() => new ShopifyAdmin({ shopDomain: 'shop.myshopify.com.evil.test', accessToken: 'shpat_x' })).toThrow(TypeError);
  });

  it('delivers a webhook signed and headed the way Shopify sends it', async () => {
    const secret = 'app-client-secret';
    const received: { headers: http.IncomingHttpHeaders; valid: boolean }[] = [];
    const receiver = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const header = request.headers['x-shopify-hmac-sha256'];
        const valid = verifyShopifyWebhook(Buffer.concat(chunks), typeof header === 'string' ? header : undefined, secret);
        received.push({ headers: request.headers, valid });
        response.writeHead(valid ? 200 : 401).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/shopify`;
    try {
      const delivery = { url, topic: 'orders/updated', shopDomain: standIn.shopDomain, body: { id: 820982911946154500, name: '#1001' }, secret, webhookId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043' };
      expect(await postShopifyWebhook(delivery)).toBe(200);
      expect(await postShopifyWebhook({ ...delivery, secret: 'another-secret' })).toBe(401);
      expect(await postShopifyWebhook({ ...delivery, hmac: null })).toBe(401);

      expect(received.map((delivered) => delivered.valid)).toEqual([true, false, false]);
      expect(received[0]!.headers).toMatchObject({
        'content-type': 'application/json',
        'x-shopify-topic': 'orders/updated',
        'x-shopify-shop-domain': standIn.shopDomain,
        'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
        'x-shopify-api-version': SHOPIFY_DEFAULT_API_VERSION,
      });
      expect(Number.isNaN(Date.parse(String(received[0]!.headers['x-shopify-triggered-at'])))).toBe(false);
      expect(received[2]!.headers['x-shopify-hmac-sha256']).toBeUndefined();
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});
