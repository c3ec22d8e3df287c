import { describe, expect, it } from '@jest/globals';
import {
  customerIdentifiers,
  describeEdit,
  editProblem,
  isOrderWebhookTopic,
  orderFromAdmin,
  orderFromWebhook,
  orderIdFromPath,
  quantitiesMatch,
  ShopifyPayloadError,
  type StoredLineItem,
} from '../../libs/shopify/orders.js';

/** Shopify's REST order JSON as an orders/* webhook carries it (trimmed to the fields the product reads, plus some it ignores). */
function restOrder(overrides: Record<string, unknown> = {}) {
  return {
    id: 820982911946154500,
    admin_graphql_api_id: 'gid://shopify/Order/820982911946154500',
    name: '#1001',
    order_number: 1001,
    created_at: '2026-03-01T10:00:00-05:00',
    updated_at: '2026-03-01T10:05:00-05:00',
    cancelled_at: null,
    financial_status: 'partially_refunded',
    fulfillment_status: 'partial',
    total_price: '25.00',
    current_total_price: '20.00',
    currency: 'EUR',
    email: 'order-email@example.test',
    phone: null,
    tags: 'vip',
    customer: { id: 115310627314723950, admin_graphql_api_id: 'gid://shopify/Customer/115310627314723950', email: 'Ada@Example.Test', phone: '(415) 555-0101', first_name: 'Ada', last_name: 'Lovelace' },
    line_items: [
      { id: 466157049, admin_graphql_api_id: 'gid://shopify/LineItem/466157049', title: 'Mug', sku: 'MUG-1', quantity: 3, current_quantity: 2, fulfillable_quantity: 2, price: '10.00' },
      { id: 518995019, title: 'Tea', sku: '', quantity: 1, current_quantity: 1, fulfillable_quantity: 0, price: '5.00' },
    ],
    ...overrides,
  };
}

describe('orderFromWebhook (REST order JSON → shopify_orders row)', () => {
  it('maps ids to GraphQL gids, statuses to the GraphQL names, times to UTC ISO and keeps the current total', () => {
    const { order, customer } = orderFromWebhook(restOrder());
    expect(order).toEqual({
      id: 'gid://shopify/Order/820982911946154500',
      name: '#1001',
      customerId: 'gid://shopify/Customer/115310627314723950',
      placedAt: '2026-03-01T15:00:00.000Z',
      cancelledAt: null,
      financialStatus: 'PARTIALLY_REFUNDED',
      fulfillmentStatus: 'PARTIALLY_FULFILLED',
      totalAmount: '20.00',
      currency: 'EUR',
      lineItems: [
        { id: 'gid://shopify/LineItem/466157049', title: 'Mug', sku: 'MUG-1', quantity: 3, currentQuantity: 2, unfulfilledQuantity: 2, unitPrice: '10.00' },
        // No admin_graphql_api_id: built from the numeric id; an empty sku is none.
        { id: 'gid://shopify/LineItem/518995019', title: 'Tea', sku: null, quantity: 1, currentQuantity: 1, unfulfilledQuantity: 0, unitPrice: '5.00' },
      ],
      shopifyUpdatedAt: '2026-03-01T15:05:00.000Z',
    });
    expect(customer).toEqual({ customerId: 'gid://shopify/Customer/115310627314723950', email: 'Ada@Example.Test', phone: '(415) 555-0101', name: 'Ada Lovelace' });
  });

  it('reads a guest order (no customer) by the order email, an unshipped order as UNFULFILLED, and a cancelled one', () => {
    const { order, customer } = orderFromWebhook(
      restOrder({ customer: null, fulfillment_status: null, financial_status: 'paid', cancelled_at: '2026-03-02T08:00:00Z', current_total_price: undefined }),
    );
    expect(order).toMatchObject({ customerId: null, fulfillmentStatus: 'UNFULFILLED', financialStatus: 'PAID', cancelledAt: '2026-03-02T08:00:00.000Z', totalAmount: '25.00' });
    expect(customer).toEqual({ customerId: null, email: 'order-email@example.test', phone: null, name: null });
  });

  it('takes quantity as the current quantity when current_quantity is missing (older API versions)', () => {
    const { order } = orderFromWebhook(restOrder({ line_items: [{ id: 1, title: 'Pen', quantity: 4, price: '1.00' }] }));
    expect(order.lineItems[0]).toMatchObject({ quantity: 4, currentQuantity: 4, unfulfilledQuantity: 4 });
  });

  it('refuses what is not an order', () => {
    expect(() => orderFromWebhook('nope')).toThrow(ShopifyPayloadError);
    expect(() => orderFromWebhook({ name: '#1' })).toThrow('the order has no id');
    expect(() => orderFromWebhook(restOrder({ created_at: undefined }))).toThrow('created_at');
    expect(() => orderFromWebhook(restOrder({ created_at: 'yesterday' }))).toThrow('created_at is not a timestamp');
    expect(() => orderFromWebhook(restOrder({ line_items: [{ title: 'no id' }] }))).toThrow('line_items[0] has no id');
  });

  it('knows the order topics', () => {
    expect(['orders/create', 'orders/updated', 'orders/cancelled'].every(isOrderWebhookTopic)).toBe(true);
    expect(isOrderWebhookTopic('customers/create')).toBe(false);
  });
});

describe('orderFromAdmin (GraphQL order → row)', () => {
  it('maps the Admin client order', () => {
    const row = orderFromAdmin(
      {
        id: 'gid://shopify/Order/1',
        name: '#1001',
        createdAt: '2026-03-01T10:00:00Z',
        updatedAt: '2026-03-01T11:00:00Z',
        cancelledAt: null,
        displayFinancialStatus: 'PAID',
        displayFulfillmentStatus: 'UNFULFILLED',
        currentTotalPrice: { amount: '12.00', currencyCode: 'USD' },
        lineItems: [{ id: 'gid://shopify/LineItem/2', title: 'Mug', quantity: 3, currentQuantity: 1, unfulfilledQuantity: 1, sku: null, originalUnitPrice: { amount: '10.00', currencyCode: 'USD' } }],
      },
      'gid://shopify/Customer/9',
    );
    expect(row).toEqual({
      id: 'gid://shopify/Order/1',
      name: '#1001',
      customerId: 'gid://shopify/Customer/9',
      placedAt: '2026-03-01T10:00:00.000Z',
      cancelledAt: null,
      financialStatus: 'PAID',
      fulfillmentStatus: 'UNFULFILLED',
      totalAmount: '12.00',
      currency: 'USD',
      lineItems: [{ id: 'gid://shopify/LineItem/2', title: 'Mug', sku: null, quantity: 3, currentQuantity: 1, unfulfilledQuantity: 1, unitPrice: '10.00' }],
      shopifyUpdatedAt: '2026-03-01T11:00:00.000Z',
    });
  });
});

describe('customer identifiers, ids and edits', () => {
  it('finds the profile by lower-cased email, then E.164 phone, then the Shopify customer id; skips what is unusable', () => {
    expect(customerIdentifiers({ customerId: 'gid://shopify/Customer/9', email: ' Ada@Example.Test ', phone: '(415) 555-0101', name: null })).toEqual([
      { kind: 'email', value: 'ada@example.test' },
      { kind: 'phone', value: '+14155550101' },
      { kind: 'external_id', value: 'shopify:gid://shopify/Customer/9' },
    ]);
    expect(customerIdentifiers({ customerId: null, email: 'not-an-email', phone: 'call me', name: null })).toEqual([]);
  });

  it('takes an order id as the gid or its number', () => {
    expect(orderIdFromPath('1001')).toBe('gid://shopify/Order/1001');
    expect(orderIdFromPath('gid://shopify/Order/1001')).toBe('gid://shopify/Order/1001');
    expect(orderIdFromPath('gid://shopify/Customer/1')).toBeNull();
    expect(orderIdFromPath('1; drop')).toBeNull();
  });

  const lines: StoredLineItem[] = [
    { id: 'gid://shopify/LineItem/1', title: 'Mug', sku: null, quantity: 3, currentQuantity: 3, unfulfilledQuantity: 3, unitPrice: '10.00' },
    { id: 'gid://shopify/LineItem/2', title: 'Book', sku: null, quantity: 2, currentQuantity: 2, unfulfilledQuantity: 0, unitPrice: '15.00' },
    { id: 'gid://shopify/LineItem/3', title: 'Pens', sku: null, quantity: 5, currentQuantity: 5, unfulfilledQuantity: 3, unitPrice: '1.00' },
  ];

  it('allows edits of unfulfilled units only, naming the field at fault', () => {
    expect(editProblem(lines, [{ lineItemId: 'gid://shopify/LineItem/1', quantity: 0 }])).toBeNull();
    expect(editProblem(lines, [{ lineItemId: 'gid://shopify/LineItem/3', quantity: 2 }])).toBeNull();
    expect(editProblem(lines, [{ lineItemId: 'gid://shopify/LineItem/1', quantity: 1 }, { lineItemId: 'gid://shopify/LineItem/2', quantity: 1 }])).toEqual({
      field: 'lineItems[1].lineItemId',
      message: 'lineItems[1].lineItemId: "Book" has been fulfilled and cannot be edited',
    });
    expect(editProblem(lines, [{ lineItemId: 'gid://shopify/LineItem/3', quantity: 1 }])?.field).toBe('lineItems[0].quantity');
    expect(editProblem(lines, [{ lineItemId: 'gid://shopify/LineItem/99', quantity: 1 }])?.field).toBe('lineItems[0].lineItemId');
    expect(editProblem(lines, [{ lineItemId: 'gid://shopify/LineItem/1', quantity: 1 }, { lineItemId: 'gid://shopify/LineItem/1', quantity: 2 }])?.message).toContain('named twice');
    expect(editProblem(lines, [])?.field).toBe('lineItems');
  });

  it('tells whether an edit has been applied, and describes it for the ticket', () => {
    const requested = [{ lineItemId: 'gid://shopify/LineItem/1', quantity: 1 }, { lineItemId: 'gid://shopify/LineItem/3', quantity: 0 }];
    expect(quantitiesMatch(lines, requested)).toBe(false);
    expect(quantitiesMatch([{ id: 'gid://shopify/LineItem/1', currentQuantity: 1 }, { id: 'gid://shopify/LineItem/3', currentQuantity: 0 }], requested)).toBe(true);
    expect(describeEdit(lines, requested)).toEqual(['Mug: 3 → 1', 'Pens: removed']);
  });
});
