import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { signShopifyWebhook } from '../../libs/shopify/webhook-signature.js';
import type { ShopifyOrderSyncResult } from '../../libs/temporal/contracts/shopify.js';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { callApi } from '../support/http.js';
import { FULFILLED_LINE_MESSAGE, postShopifyWebhook, startShopifyStandIn, type ShopifyStandIn, type StandInOrder } from '../support/shopify-stand-in.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const PUBLIC_URL = 'https://inbox.example.test';
const WEBHOOK_SECRET = 'shopify-app-client-secret';

/**
 * A pass-through in front of the stand-in that can hold one chosen GraphQL request until the test decides:
 * forward it, or forward it and lose the answer (the shop applied it, the worker never hears back).
 */
interface HeldRequest {
  reached: Promise<void>;
  decide(mode: 'forward' | 'lose-answer'): void;
}

async function startProxy(target: string) {
  const holds: { match: string; arrived: () => void; mode: Promise<'forward' | 'lose-answer'> }[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const index = holds.findIndex((hold) => body.toString('utf8').includes(hold.match));
        let mode: 'forward' | 'lose-answer' = 'forward';
        if (index >= 0) {
          const [hold] = holds.splice(index, 1);
          hold!.arrived();
          mode = await hold!.mode;
        }
        const upstream = await fetch(`${target}${request.url}`, {
          method: request.method,
          headers: { 'content-type': 'application/json', 'x-shopify-access-token': String(request.headers['x-shopify-access-token'] ?? '') },
          body,
        });
        const text = await upstream.text();
        if (mode === 'lose-answer') {
          request.socket.destroy();
          return;
        }
        response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
        response.end(text);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Holds the next request whose GraphQL text contains `match` (e.g. "orderEditCommit("). */
    hold(match: string): HeldRequest {
      let arrived!: () => void;
      let decide!: (mode: 'forward' | 'lose-answer') => void;
      const reached = new Promise<void>((resolve) => (arrived = resolve));
      const mode = new Promise<'forward' | 'lose-answer'>((resolve) => (decide = resolve));
      holds.push({ match, arrived, mode });
      return { reached, decide };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Shopify's REST order JSON, as its orders/* webhooks carry it, for a stand-in order. */
function restOrderOf(order: StandInOrder, customer: { id: string; email: string | null }, overrides: Record<string, unknown> = {}) {
  const numeric = (gid: string) => Number(gid.slice(gid.lastIndexOf('/') + 1));
  return {
    id: numeric(order.id),
    admin_graphql_api_id: order.id,
    name: order.name,
    created_at: order.createdAt.toISOString(),
    updated_at: order.updatedAt.toISOString(),
    cancelled_at: order.cancelledAt?.toISOString() ?? null,
    financial_status: order.financialStatus.toLowerCase(),
    fulfillment_status: null,
    total_price: order.lineItems.reduce((sum, line) => sum + line.currentQuantity * Number(line.unitPrice), 0).toFixed(2),
    currency: order.currencyCode,
    email: customer.email,
    phone: null,
    customer: { id: numeric(customer.id), admin_graphql_api_id: customer.id, email: customer.email, phone: null, first_name: 'Ada', last_name: 'Buyer' },
    line_items: order.lineItems.map((line) => ({
      id: numeric(line.id),
      admin_graphql_api_id: line.id,
      title: line.title,
      sku: line.sku,
      quantity: line.quantity,
      current_quantity: line.currentQuantity,
      fulfillable_quantity: line.currentQuantity - line.fulfilledQuantity,
      price: line.unitPrice,
    })),
    ...overrides,
  };
}

describe('Shopify orders: settings, webhooks, backfill, edits and cancels (dev server + PostgreSQL + Shopify stand-in)', () => {
  let standIn: ShopifyStandIn;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let stack: TestStack;
  let brand: TestAccount;

  const call = (method: string, path: string, options: { token?: string; body?: unknown } = {}) =>
    callApi(stack.baseUrl, method, path, { token: options.token ?? brand.tokens.support, body: options.body });
  const rows = <T>(sql: string, params: unknown[]) => stack.orm.em.fork().execute<T[]>(sql, params);
  const webhookUrl = () => `${stack.baseUrl}/webhooks/shopify/${brand.accountId}`;
  const webhook = (topic: string, body: unknown, options: { webhookId?: string; secret?: string; hmac?: string | null; shopDomain?: string } = {}) =>
    postShopifyWebhook({ url: webhookUrl(), topic, shopDomain: options.shopDomain ?? standIn.shopDomain, body, secret: options.secret ?? WEBHOOK_SECRET, webhookId: options.webhookId, hmac: options.hmac });
  const orderPath = (orderId: string) => `/orders/${encodeURIComponent(orderId)}`;

  /** A customer who wrote in by email: their ticket and profile, and the same customer at the shop. */
  async function customerWithTicket() {
    const email = `buyer-${randomUUID().slice(0, 8)}@example.test`;
    const inbound = await callApi(stack.baseUrl, 'POST', '/integration/messages', {
      token: brand.integrationToken,
      body: { channel: 'email', externalId: `<m-${randomUUID()}@example.test>`, body: 'About my order', subject: 'Order', sender: { email }, threadKey: `<t-${randomUUID()}@example.test>` },
    });
    expect(inbound.status).toBe(202);
    const ticketId = inbound.body.ticketId as string;
    const profileId = await eventually(async () => (await rows<{ profile_id: string | null }>('SELECT profile_id FROM tickets WHERE id = ?', [ticketId]))[0]?.profile_id ?? undefined, 'the ticket projected with its profile');
    const customer = standIn.seedCustomer({ email });
    return { email, ticketId, profileId, customer };
  }

  async function syncProfile(profileId: string): Promise<ShopifyOrderSyncResult> {
    const started = await call('POST', `/profiles/${profileId}/orders/sync`);
    expect(started.status).toBe(202);
    return (await stack.temporal.workflow.getHandle(started.body.workflowId as string).result()) as ShopifyOrderSyncResult;
  }

  const ticketEvents = (ticketId: string, type: string) =>
    rows<{ actor_user_id: string | null; detail: Record<string, unknown> }>('SELECT actor_user_id, detail FROM ticket_events WHERE ticket_id = ? AND type = ?', [ticketId, type]);

  beforeAll(async () => {
    standIn = await startShopifyStandIn();
    proxy = await startProxy(standIn.apiBaseUrl);
    stack = await startTestStack({ SHOPIFY_API_BASE_URL: proxy.url, PUBLIC_URL });
    brand = await createAccountWithUsers(stack.orm);
    const connected = await call('PUT', '/settings/shopify', {
      token: brand.tokens.owner,
      body: { shopDomain: standIn.shopDomain, accessToken: standIn.accessToken, webhookSecret: WEBHOOK_SECRET },
    });
    expect(connected.status).toBe(200);
  });
  afterAll(async () => {
    await stack?.stop();
    await proxy?.close();
    await standIn?.close();
  });

  describe('settings', () => {
    it('connects a shop without ever answering its secrets, and stores them sealed', async () => {
      const expected = { connected: true, shopDomain: standIn.shopDomain, apiVersion: '2026-10', webhookUrl: `${PUBLIC_URL}/webhooks/shopify/${brand.accountId}` };
      const read = await call('GET', '/settings/shopify');
      expect(read).toMatchObject({ status: 200, body: expected });
      expect(JSON.stringify(read.body)).not.toContain(standIn.accessToken);
      expect(JSON.stringify(read.body)).not.toContain(WEBHOOK_SECRET);
      const [row] = await rows<Record<string, string>>('SELECT * FROM shopify_connections WHERE account_id = ?', [brand.accountId]);
      expect(JSON.stringify(row)).not.toContain(standIn.accessToken);
      expect(JSON.stringify(row)).not.toContain(WEBHOOK_SECRET);
      expect(row!.access_token_sealed).toMatch(/^v1:/);
    });

    it('refuses other roles than owner and admin, and a domain that is not <shop>.myshopify.com', async () => {
      const body = { shopDomain: 'another.myshopify.com', accessToken: 'shpat_x', webhookSecret: 'x' };
      for (const role of ['manager', 'support', 'analyst', 'content_creator'] as const) {
        expect((await call('PUT', '/settings/shopify', { token: brand.tokens[role], body })).status).toBe(403);
        expect((await call('DELETE', '/settings/shopify', { token: brand.tokens[role] })).status).toBe(403);
      }
      const bad = await call('PUT', '/settings/shopify', { token: brand.tokens.admin, body: { ...body, shopDomain: 'shop.example.com' } });
      expect(bad).toMatchObject({ status: 400, body: { field: 'shopDomain' } });
      const missing = await call('PUT', '/settings/shopify', { token: brand.tokens.admin, body: { shopDomain: 'a.myshopify.com', webhookSecret: 'x' } });
      expect(missing).toMatchObject({ status: 400, body: { field: 'accessToken' } });
      expect((await call('GET', '/settings/shopify')).body.shopDomain).toBe(standIn.shopDomain);
    });

    it('disconnects', async () => {
      const other = await createAccountWithUsers(stack.orm, { roles: ['owner', 'admin'] });
      const put = await callApi(stack.baseUrl, 'PUT', '/settings/shopify', { token: other.tokens.admin, body: { shopDomain: 'Other-Shop.myshopify.com', accessToken: 'shpat_y', webhookSecret: 'y', apiVersion: '2026-07' } });
      expect(put.body).toMatchObject({ connected: true, shopDomain: 'other-shop.myshopify.com', apiVersion: '2026-07' });
      expect((await callApi(stack.baseUrl, 'DELETE', '/settings/shopify', { token: other.tokens.owner })).body).toMatchObject({ connected: false, shopDomain: null });
      expect((await callApi(stack.baseUrl, 'GET', '/settings/shopify', { token: other.tokens.owner })).body).toMatchObject({ connected: false });
    });
  });

  describe('webhooks', () => {
    it('stores orders/create, then orders/updated, then orders/cancelled on the profile of the customer\'s email', async () => {
      const { profileId, customer } = await customerWithTicket();
      const order = standIn.seedOrder({ customerId: customer.id, lineItems: [{ title: 'Mug', quantity: 3, unitPrice: '10.00' }], createdAt: new Date('2026-03-01T10:00:00Z') });
      const created = restOrderOf(order, customer);
      expect(await webhook('orders/create', created)).toBe(200);

      const listed = await call('GET', `/profiles/${profileId}/orders`);
      expect(listed.status).toBe(200);
      expect(listed.body.orders).toEqual([
        expect.objectContaining({
          id: order.id,
          name: order.name,
          placedAt: '2026-03-01T10:00:00.000Z',
          cancelledAt: null,
          financialStatus: 'PAID',
          fulfillmentStatus: 'UNFULFILLED',
          total: { amount: '30.00', currency: 'USD' },
          lineItems: [expect.objectContaining({ id: order.lineItems[0]!.id, title: 'Mug', quantity: 3, currentQuantity: 3, unfulfilledQuantity: 3 })],
        }),
      ]);
      // The Shopify customer id is remembered on the profile.
      expect(await rows('SELECT 1 FROM profile_identifiers WHERE profile_id = ? AND kind = ? AND value = ?', [profileId, 'external_id', `shopify:${customer.id}`])).toHaveLength(1);

      const later = (minutes: number) => new Date(Date.parse('2026-03-01T10:00:00Z') + minutes * 60_000).toISOString();
      const updated = { ...created, updated_at: later(5), current_total_price: '20.00', line_items: [{ ...created.line_items[0], current_quantity: 2, fulfillable_quantity: 2 }] };
      expect(await webhook('orders/updated', updated)).toBe(200);
      expect((await call('GET', orderPath(order.id))).body).toMatchObject({ total: { amount: '20.00' }, lineItems: [{ currentQuantity: 2, unfulfilledQuantity: 2 }] });

      expect(await webhook('orders/cancelled', { ...updated, updated_at: later(10), cancelled_at: later(10), financial_status: 'voided' })).toBe(200);
      // The numeric id works as well as the (URL-encoded) gid.
      const numeric = order.id.slice(order.id.lastIndexOf('/') + 1);
      expect((await call('GET', `/orders/${numeric}`)).body).toMatchObject({ id: order.id, cancelledAt: later(10), financialStatus: 'VOIDED' });

      // A delivery older than the stored copy (out of order) changes nothing.
      expect(await webhook('orders/updated', { ...updated, updated_at: later(7), cancelled_at: null })).toBe(200);
      expect((await call('GET', orderPath(order.id))).body).toMatchObject({ cancelledAt: later(10), shopifyUpdatedAt: later(10) });

      // Other topics are acknowledged and ignored.
      expect(await webhook('customers/create', { id: 1 })).toBe(200);
    });

    it('refuses forged deliveries with 401 and stores nothing: wrong secret, tampered body, missing signature, another shop, unknown account', async () => {
      const { customer } = await customerWithTicket();
      const order = standIn.seedOrder({ customerId: customer.id, lineItems: [{ title: 'Lamp', quantity: 1, unitPrice: '30.00' }] });
      const body = restOrderOf(order, customer);
      const tampered = { ...body, total_price: '0.01' };
      expect(await webhook('orders/create', body, { secret: 'not-the-secret' })).toBe(401);
      expect(await webhook('orders/create', tampered, { hmac: signShopifyWebhook(Buffer.from(JSON.stringify(body)), WEBHOOK_SECRET) })).toBe(401);
      expect(await webhook('orders/create', body, { hmac: null })).toBe(401);
      expect(await webhook('orders/create', body, { shopDomain: 'someone-else.myshopify.com' })).toBe(401);
      const unknown = await postShopifyWebhook({ url: `${stack.baseUrl}/webhooks/shopify/${randomUUID()}`, topic: 'orders/create', shopDomain: standIn.shopDomain, body, secret: WEBHOOK_SECRET });
      expect(unknown).toBe(401);
      expect(await rows('SELECT 1 FROM shopify_orders WHERE id = ?', [order.id])).toHaveLength(0);
      expect(await rows('SELECT 1 FROM shopify_webhook_deliveries WHERE account_id = ?', [randomUUID()])).toHaveLength(0);
    });

    it('handles a webhook id once: a repeat answers 200 and changes nothing', async () => {
      const { customer } = await customerWithTicket();
      const order = standIn.seedOrder({ customerId: customer.id, lineItems: [{ title: 'Chair', quantity: 2, unitPrice: '50.00' }] });
      const body = restOrderOf(order, customer);
      const webhookId = randomUUID();
      expect(await webhook('orders/create', body, { webhookId })).toBe(200);
      const newer = { ...body, updated_at: new Date(order.updatedAt.getTime() + 60_000).toISOString(), name: '#changed' };
      expect(await webhook('orders/updated', newer, { webhookId })).toBe(200);
      expect((await call('GET', orderPath(order.id))).body.name).toBe(order.name);
      expect(await rows('SELECT 1 FROM shopify_webhook_deliveries WHERE account_id = ? AND webhook_id = ?', [brand.accountId, webhookId])).toHaveLength(1);
    });
  });

  describe('backfill', () => {
    it("pages through the customer's orders, paced by the cost bucket, through THROTTLED answers, and lists them newest first", async () => {
      const { profileId, customer } = await customerWithTicket();
      const seeded = Array.from({ length: 8 }, (_, index) =>
        standIn.seedOrder({ customerId: customer.id, lineItems: [{ title: `Item ${index}`, quantity: 1, unitPrice: '5.00' }], createdAt: new Date(Date.UTC(2026, 0, 1 + index)) }),
      );
      // A small bucket that is empty: a page (933 points requested) must wait for it to refill.
      standIn.setBucket({ maximumAvailable: 1000, restoreRate: 500, currentlyAvailable: 0 });
      const throttledBefore = standIn.throttled;
      try {
        const first = await call('POST', `/profiles/${profileId}/orders/sync`);
        // A second request while the backfill runs joins it.
        const second = await call('POST', `/profiles/${profileId}/orders/sync`);
        expect(first).toMatchObject({ status: 202, body: { workflowId: expect.stringContaining(profileId) } });
        expect(second.body.workflowId).toBe(first.body.workflowId);
        const result = await stack.temporal.workflow.getHandle(first.body.workflowId as string).result();
        expect(result).toMatchObject({ customerId: customer.id, ordersStored: 8, pages: 2 });
      } finally {
        standIn.setBucket({ maximumAvailable: 2000, restoreRate: 100, currentlyAvailable: 2000 });
      }
      expect(standIn.throttled - throttledBefore).toBeGreaterThan(0);

      const first = await call('GET', `/profiles/${profileId}/orders?limit=5`);
      expect(first.body.orders.map((order: { id: string }) => order.id)).toEqual(seeded.slice(3).reverse().map((order) => order.id));
      const second = await call('GET', `/profiles/${profileId}/orders?limit=5&cursor=${first.body.nextCursor as string}`);
      expect(second.body).toMatchObject({ nextCursor: null });
      expect(second.body.orders.map((order: { id: string }) => order.id)).toEqual(seeded.slice(0, 3).reverse().map((order) => order.id));
      expect((await call('GET', `/profiles/${profileId}/orders?cursor=junk`)).status).toBe(400);
    });
  });

  describe('edits and cancels', () => {
    it('edits a quantity from a ticket exactly once, although the worker is stopped between begin and commit and the commit\'s answer is lost', async () => {
      const { ticketId, profileId, customer } = await customerWithTicket();
      const order = standIn.seedOrder({ customerId: customer.id, lineItems: [{ title: 'Mug', quantity: 3, unitPrice: '10.00' }, { title: 'Book', quantity: 1, fulfilledQuantity: 1, unitPrice: '15.00' }] });
      await syncProfile(profileId);
      const [mug, book] = order.lineItems;

      // An edit of a shipped item is refused before Shopify is asked; so is a role outside the inbox.
      const shipped = await call('POST', `${orderPath(order.id)}/edits`, { body: { ticketId, lineItems: [{ lineItemId: book!.id, quantity: 0 }] } });
      expect(shipped).toMatchObject({ status: 400, body: { field: 'lineItems[0].lineItemId' } });
      expect((await call('POST', `${orderPath(order.id)}/edits`, { token: brand.tokens.analyst, body: { lineItems: [{ lineItemId: mug!.id, quantity: 1 }] } })).status).toBe(403);

      const commitsBefore = standIn.commits;
      const held = proxy.hold('orderEditCommit(');
      const editing = call('POST', `${orderPath(order.id)}/edits`, { body: { ticketId, lineItems: [{ lineItemId: mug!.id, quantity: 1 }], staffNote: 'one mug only' } });
      await held.reached;
      expect(standIn.order(order.id)!.lineItems[0]!.currentQuantity).toBe(3);
      const stopping = stack.stopWorker();
      // The shop applies the commit, but the worker (shutting down) never hears back.
      held.decide('lose-answer');
      await stopping;
      expect(standIn.commits - commitsBefore).toBe(1);
      await stack.startWorker();

      const answer = await editing;
      expect([200, 202]).toContain(answer.status);
      const operationId = (answer.body.operationId as string) ?? '';
      expect(operationId).toMatch(/^opr-/);
      const operation = await eventually(async () => {
        const read = await call('GET', `/order-operations/${operationId}`);
        return read.body.status === 'succeeded' ? read.body : undefined;
      }, 'the edit to succeed', 60_000);
      expect(operation).toMatchObject({ id: operationId, kind: 'edit', orderId: order.id, ticketId, request: { lineItems: [{ lineItemId: mug!.id, quantity: 1 }], notifyCustomer: true } });

      expect(standIn.commits - commitsBefore).toBe(1);
      expect(standIn.order(order.id)).toMatchObject({ editsCommitted: 1, lineItems: [expect.objectContaining({ currentQuantity: 1 }), expect.objectContaining({ currentQuantity: 1 })] });
      expect((await call('GET', orderPath(order.id))).body.lineItems[0]).toMatchObject({ currentQuantity: 1, unfulfilledQuantity: 1 });
      const [edited] = await eventually(async () => {
        const events = await ticketEvents(ticketId, 'order_edited');
        return events.length > 0 ? events : undefined;
      }, 'the ticket to record the edit');
      expect(edited).toMatchObject({ actor_user_id: brand.users.support.id, detail: { operationId, orderId: order.id, orderName: order.name, changes: ['Mug: 3 → 1'] } });
    });

    it('commits once when the worker stops after the edit was begun and staged, before the commit, and starts again', async () => {
      const { ticketId, profileId, customer } = await customerWithTicket();
      const order = standIn.seedOrder({ customerId: customer.id, lineItems: [{ title: 'Plate', quantity: 4, unitPrice: '8.00' }] });
      await syncProfile(profileId);
      const commitsBefore = standIn.commits;
      const editsBegunBefore = standIn.editsBegun;

      const held = proxy.hold('orderEditSetQuantity(');
      const editing = call('POST', `${orderPath(order.id)}/edits`, { body: { ticketId, lineItems: [{ lineItemId: order.lineItems[0]!.id, quantity: 0 }], notifyCustomer: false } });
      await held.reached;
      const stopping = stack.stopWorker();
      held.decide('forward');
      await stopping;
      expect(standIn.editsBegun - editsBegunBefore).toBe(1);
      expect(standIn.commits - commitsBefore).toBe(0);
      await stack.startWorker();

      const answer = await editing;
      const operationId = answer.body.operationId as string;
      await eventually(async () => ((await call('GET', `/order-operations/${operationId}`)).body.status === 'succeeded' ? true : undefined), 'the edit to succeed', 60_000);
      expect(standIn.commits - commitsBefore).toBe(1);
      expect(standIn.order(order.id)).toMatchObject({ editsCommitted: 1, lineItems: [expect.objectContaining({ currentQuantity: 0 })] });
      const [edited] = await eventually(async () => {
        const events = await ticketEvents(ticketId, 'order_edited');
        return events.length > 0 ? events : undefined;
      }, 'the ticket to record the edit');
      expect(edited!.detail.changes).toEqual(['Plate: removed']);
    });

    it("answers 422 with Shopify's message when Shopify refuses the edit", async () => {
      const { ticketId, customer } = await customerWithTicket();
      const order = standIn.seedOrder({ customerId: customer.id, lineItems: [{ title: 'Shipped lamp', quantity: 2, fulfilledQuantity: 2, unitPrice: '30.00' }] });
      // Our copy is stale: it says nothing has shipped yet, so the edit goes to Shopify, which knows better.
      const stale = restOrderOf(order, customer);
      stale.line_items[0]!.fulfillable_quantity = 2;
      expect(await webhook('orders/create', stale)).toBe(200);
      const refused = await call('POST', `${orderPath(order.id)}/edits`, { body: { ticketId, lineItems: [{ lineItemId: order.lineItems[0]!.id, quantity: 1 }] } });
      expect(refused).toMatchObject({ status: 422, body: { error: 'shopify_refused', message: expect.stringContaining(FULFILLED_LINE_MESSAGE) } });
      const failed = await eventually(async () => {
        const events = await ticketEvents(ticketId, 'order_operation_failed');
        return events.length > 0 ? events : undefined;
      }, 'the ticket to record the refusal');
      expect(failed[0]!.detail.result).toContain(FULFILLED_LINE_MESSAGE);
    });

    it('cancels an order once, polls its job to done, stores it cancelled and tells the ticket', async () => {
      const { ticketId, profileId, customer } = await customerWithTicket();
      const order = standIn.seedOrder({ customerId: customer.id, lineItems: [{ title: 'Sofa', quantity: 1, unitPrice: '800.00' }] });
      await syncProfile(profileId);
      standIn.setCancelJobPolls(2);
      const cancelsBefore = standIn.cancels;

      const accepted = await call('POST', `${orderPath(order.id)}/cancel`, {
        body: { ticketId, reason: 'CUSTOMER', restock: true, refundMethod: { originalPaymentMethodsRefund: true }, staffNote: 'changed their mind' },
      });
      expect(accepted.status).toBe(202);
      const operationId = accepted.body.operationId as string;
      const operation = await eventually(async () => {
        const read = await call('GET', `/order-operations/${operationId}`);
        return ['succeeded', 'failed'].includes(read.body.status as string) ? read.body : undefined;
      }, 'the cancel to finish', 60_000);
      expect(operation).toMatchObject({
        id: operationId,
        kind: 'cancel',
        status: 'succeeded',
        orderId: order.id,
        ticketId,
        request: { reason: 'CUSTOMER', restock: true, refundMethod: { originalPaymentMethodsRefund: true }, notifyCustomer: true, staffNote: 'changed their mind' },
        result: { message: 'cancelled' },
      });
      expect(standIn.cancels - cancelsBefore).toBe(1);
      expect(standIn.order(order.id)!.cancelledAt).not.toBeNull();
      expect((await call('GET', orderPath(order.id))).body.cancelledAt).not.toBeNull();
      const [cancelled] = await eventually(async () => {
        const events = await ticketEvents(ticketId, 'order_cancelled');
        return events.length > 0 ? events : undefined;
      }, 'the ticket to record the cancel');
      expect(cancelled).toMatchObject({ actor_user_id: brand.users.support.id, detail: { operationId, orderId: order.id } });

      // A cancelled order is not cancelled again.
      expect((await call('POST', `${orderPath(order.id)}/cancel`, { body: { reason: 'OTHER', restock: false } })).status).toBe(409);
      expect((await call('GET', `/order-operations/opr-${randomUUID()}`)).status).toBe(404);
      // Another account sees neither the operation nor the order.
      const other = await createAccountWithUsers(stack.orm, { roles: ['owner'] });
      expect((await callApi(stack.baseUrl, 'GET', `/order-operations/${operationId}`, { token: other.tokens.owner })).status).toBe(404);
      expect((await callApi(stack.baseUrl, 'GET', orderPath(order.id), { token: other.tokens.owner })).status).toBe(404);
    });
  });
});
