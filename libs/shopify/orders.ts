import { normalisePhoneNumber } from '../domain/phone.js';
import type { ShopifyOrder } from './shopify-admin.js';

/**
 * Pure mapping of Shopify's two order shapes (the REST JSON webhooks carry, the GraphQL order the Admin
 * client reads) into the one row of shopify_orders, and the small rules edits need. No I/O here.
 */

/** One line of a stored order (shopify_orders.line_items). */
export interface StoredLineItem {
  /** gid://shopify/LineItem/<n> */
  id: string;
  title: string;
  sku: string | null;
  /** As ordered. */
  quantity: number;
  /** After edits and removals. */
  currentQuantity: number;
  /** Units not shipped yet: only these can be edited. */
  unfulfilledQuantity: number;
  /** Decimal string in the order's currency, as Shopify sends it. */
  unitPrice: string;
}

/** A row of shopify_orders, before a profile is attached. */
export interface ShopifyOrderRecord {
  /** gid://shopify/Order/<n>: the key. */
  id: string;
  name: string;
  customerId: string | null;
  placedAt: string;
  cancelledAt: string | null;
  /** Upper-case, as the GraphQL API names them (PAID, PARTIALLY_REFUNDED, …). */
  financialStatus: string | null;
  /** UNFULFILLED, PARTIALLY_FULFILLED, FULFILLED, … */
  fulfillmentStatus: string | null;
  totalAmount: string;
  currency: string;
  lineItems: StoredLineItem[];
  shopifyUpdatedAt: string;
}

/** Who placed the order, as the order names them; the profile is found from it. */
export interface ShopifyCustomerContact {
  /** gid://shopify/Customer/<n>, or null for a guest order. */
  customerId: string | null;
  email: string | null;
  phone: string | null;
  name: string | null;
}

export class ShopifyPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShopifyPayloadError';
  }
}

/** The webhook topics that carry an order; others are acknowledged and ignored. */
export const ORDER_WEBHOOK_TOPICS = ['orders/create', 'orders/updated', 'orders/cancelled'] as const;

export function isOrderWebhookTopic(topic: string): boolean {
  return (ORDER_WEBHOOK_TOPICS as readonly string[]).includes(topic);
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function text(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function count(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : fallback;
}

function timestamp(value: unknown, field: string, required: true): string;
function timestamp(value: unknown, field: string, required: false): string | null;
function timestamp(value: unknown, field: string, required: boolean): string | null {
  if (value === null || value === undefined) {
    if (required) throw new ShopifyPayloadError(`the order has no ${field}`);
    return null;
  }
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new ShopifyPayloadError(`${field} is not a timestamp`);
  return new Date(ms).toISOString();
}

/** A REST resource's GraphQL id: `admin_graphql_api_id` when sent, else built from the numeric id. */
function gidOf(resource: Json, type: string): string | null {
  const gid = text(resource.admin_graphql_api_id);
  if (gid?.startsWith(`gid://shopify/${type}/`)) return gid;
  const id = text(resource.id);
  return id && /^\d+$/.test(id) ? `gid://shopify/${type}/${id}` : null;
}

/** REST's lower-case financial status ("partially_refunded") as GraphQL's display status ("PARTIALLY_REFUNDED"). */
function financialStatusOf(value: unknown): string | null {
  const status = text(value);
  return status ? status.toUpperCase() : null;
}

/** REST: null (nothing shipped), "partial", "fulfilled", "restocked"; GraphQL: UNFULFILLED, PARTIALLY_FULFILLED, … */
function fulfillmentStatusOf(value: unknown): string {
  const status = text(value);
  if (!status) return 'UNFULFILLED';
  if (status === 'partial') return 'PARTIALLY_FULFILLED';
  return status.toUpperCase();
}

function lineItemFromWebhook(raw: unknown, index: number): StoredLineItem {
  if (!isObject(raw)) throw new ShopifyPayloadError(`line_items[${index}] is not an object`);
  const id = gidOf(raw, 'LineItem');
  if (!id) throw new ShopifyPayloadError(`line_items[${index}] has no id`);
  const quantity = count(raw.quantity, 0);
  const currentQuantity = count(raw.current_quantity, quantity);
  return {
    id,
    title: text(raw.title) ?? text(raw.name) ?? '',
    sku: text(raw.sku),
    quantity,
    currentQuantity,
    // fulfillable_quantity is what is left to ship of the current quantity.
    unfulfilledQuantity: Math.min(count(raw.fulfillable_quantity, currentQuantity), currentQuantity),
    unitPrice: text(raw.price) ?? '0.00',
  };
}

/** The name to give a profile created for this customer. */
function nameOf(customer: Json | null): string | null {
  if (!customer) return null;
  const name = [text(customer.first_name), text(customer.last_name)].filter(Boolean).join(' ');
  return name || null;
}

/**
 * The row and the customer of an orders/* webhook's body (Shopify's REST order JSON). Throws
 * ShopifyPayloadError for a body that is not an order.
 */
export function orderFromWebhook(payload: unknown): { order: ShopifyOrderRecord; customer: ShopifyCustomerContact } {
  if (!isObject(payload)) throw new ShopifyPayloadError('the body is not a JSON object');
  const id = gidOf(payload, 'Order');
  if (!id) throw new ShopifyPayloadError('the order has no id');
  const placedAt = timestamp(payload.created_at, 'created_at', true);
  const lineItems = Array.isArray(payload.line_items) ? payload.line_items.map(lineItemFromWebhook) : [];
  const customer = isObject(payload.customer) ? payload.customer : null;
  const order: ShopifyOrderRecord = {
    id,
    name: text(payload.name) ?? `#${text(payload.order_number) ?? text(payload.id)}`,
    customerId: customer ? gidOf(customer, 'Customer') : null,
    placedAt,
    cancelledAt: timestamp(payload.cancelled_at, 'cancelled_at', false),
    financialStatus: financialStatusOf(payload.financial_status),
    fulfillmentStatus: fulfillmentStatusOf(payload.fulfillment_status),
    totalAmount: text(payload.current_total_price) ?? text(payload.total_price) ?? '0.00',
    currency: text(payload.currency) ?? 'USD',
    lineItems,
    shopifyUpdatedAt: timestamp(payload.updated_at, 'updated_at', false) ?? placedAt,
  };
  return {
    order,
    customer: {
      customerId: order.customerId,
      email: text(customer?.email) ?? text(payload.email) ?? text(payload.contact_email),
      phone: text(customer?.phone) ?? text(payload.phone),
      name: nameOf(customer),
    },
  };
}

/** The row of an order read through the GraphQL Admin API (backfill, or the re-read after an edit or cancel). */
export function orderFromAdmin(order: ShopifyOrder, customerId: string | null): ShopifyOrderRecord {
  return {
    id: order.id,
    name: order.name,
    customerId,
    placedAt: new Date(order.createdAt).toISOString(),
    cancelledAt: order.cancelledAt ? new Date(order.cancelledAt).toISOString() : null,
    financialStatus: order.displayFinancialStatus,
    fulfillmentStatus: order.displayFulfillmentStatus,
    totalAmount: order.currentTotalPrice.amount,
    currency: order.currentTotalPrice.currencyCode,
    lineItems: order.lineItems.map((line) => ({
      id: line.id,
      title: line.title,
      sku: line.sku,
      quantity: line.quantity,
      currentQuantity: line.currentQuantity,
      unfulfilledQuantity: line.unfulfilledQuantity,
      unitPrice: line.originalUnitPrice.amount,
    })),
    shopifyUpdatedAt: new Date(order.updatedAt).toISOString(),
  };
}

/** How the customer's profile is found, the most telling first: email, phone (E.164), then the Shopify customer id. */
export function customerIdentifiers(customer: ShopifyCustomerContact): { kind: 'email' | 'phone' | 'external_id'; value: string }[] {
  const identifiers: { kind: 'email' | 'phone' | 'external_id'; value: string }[] = [];
  const email = customer.email?.trim().toLowerCase();
  if (email && email.includes('@')) identifiers.push({ kind: 'email', value: email });
  if (customer.phone) {
    const phone = normalisePhoneNumber(customer.phone);
    if (phone.ok) identifiers.push({ kind: 'phone', value: phone.e164 });
  }
  if (customer.customerId) identifiers.push({ kind: 'external_id', value: shopifyCustomerExternalId(customer.customerId) });
  return identifiers;
}

/** The profile identifier (kind external_id) that remembers a Shopify customer. */
export function shopifyCustomerExternalId(customerId: string): string {
  return `shopify:${customerId}`;
}

/** An order id as the API takes it: Shopify's gid, or its numeric part. Null when it is neither. */
export function orderIdFromPath(value: string): string | null {
  if (/^\d{1,20}$/.test(value)) return `gid://shopify/Order/${value}`;
  return /^gid:\/\/shopify\/Order\/\d{1,20}$/.test(value) ? value : null;
}

export interface RequestedQuantity {
  lineItemId: string;
  quantity: number;
}

/**
 * Why an edit may not go to Shopify, checked against the stored order: each line must be in the order,
 * named once, still have unfulfilled units, and may not go below what has shipped. Null when fine.
 */
export function editProblem(lines: readonly StoredLineItem[], requested: readonly RequestedQuantity[]): { field: string; message: string } | null {
  if (requested.length === 0) return { field: 'lineItems', message: 'lineItems must name at least one line item' };
  const seen = new Set<string>();
  for (const [index, change] of requested.entries()) {
    const field = `lineItems[${index}].lineItemId`;
    const line = lines.find((candidate) => candidate.id === change.lineItemId);
    if (!line) return { field, message: `${field}: the order has no line item ${change.lineItemId}` };
    if (seen.has(line.id)) return { field, message: `${field}: ${change.lineItemId} is named twice` };
    seen.add(line.id);
    if (line.unfulfilledQuantity <= 0) return { field, message: `${field}: "${line.title}" has been fulfilled and cannot be edited` };
    const fulfilled = line.currentQuantity - line.unfulfilledQuantity;
    if (change.quantity < fulfilled) {
      return { field: `lineItems[${index}].quantity`, message: `lineItems[${index}].quantity: ${fulfilled} of "${line.title}" have shipped; the quantity cannot go below that` };
    }
  }
  return null;
}

/** Whether the order's current quantities are those the edit asked for (the edit has been committed). */
export function quantitiesMatch(lines: readonly Pick<StoredLineItem, 'id' | 'currentQuantity'>[], requested: readonly RequestedQuantity[]): boolean {
  return requested.every((change) => lines.find((line) => line.id === change.lineItemId)?.currentQuantity === change.quantity);
}

/** One line per changed item, for the ticket's event: "Mug: 3 → 1", "Spoon: removed". */
export function describeEdit(lines: readonly StoredLineItem[], requested: readonly RequestedQuantity[]): string[] {
  return requested.map((change) => {
    const line = lines.find((candidate) => candidate.id === change.lineItemId);
    const title = line?.title || change.lineItemId;
    if (change.quantity === 0) return `${title}: removed`;
    return `${title}: ${line?.currentQuantity ?? '?'} → ${change.quantity}`;
  });
}
