import { createAdminApiClient, type AdminApiClient, type ClientResponse } from '@shopify/admin-api-client';
import { createLogger } from '../logger/logger.js';
import {
  ShopifyRequestFailed,
  ShopifyThrottled,
  ShopifyUnauthorized,
  ShopifyUnavailable,
  ShopifyUserErrors,
  type ShopifyUserError,
} from './errors.js';
import type { ShopifyThrottleStatus } from './throttle.js';

/** The GraphQL Admin API version the product's queries are written against: the newest stable one (Shopify supports each for a year; set it per shop in the settings). */
export const SHOPIFY_DEFAULT_API_VERSION = '2026-10';

const REQUEST_TIMEOUT_MS = 10_000;
/** Line items read per order: plenty for a ticket's view; an order with more shows its first 50. */
const LINE_ITEMS_PER_ORDER = 50;

/**
 * The largest customerOrders page Shopify will run. Its requested cost (objects 1, connections 2 + first × node)
 * is 3 + 155 per order with 50 line items each, and Shopify refuses a single query over 1000 points
 * (MAX_COST_EXCEEDED) whatever the bucket holds: 6 orders cost 933, 7 would cost 1088.
 */
export const SHOPIFY_ORDERS_PAGE_LIMIT = 6;

const log = createLogger('shopify');
/** Versions already warned about: once per process is enough. */
const warnedVersions = new Set<string>();

export interface ShopifyAdminOptions {
  /** The shop's permanent domain, `<shop>.myshopify.com`: the access token is only ever sent there. */
  shopDomain: string;
  accessToken: string;
  apiVersion?: string;
  /** Tests only: requests go to `${apiBaseUrl}/admin/api/<version>/graphql.json` instead of the shop. */
  apiBaseUrl?: string;
}

/** What each answer cost, from `extensions.cost`; the status paces the next request (throttle.ts). */
export interface ShopifyQueryCost {
  requestedQueryCost: number | null;
  actualQueryCost: number | null;
  throttleStatus: ShopifyThrottleStatus | null;
}

export interface ShopifyResult<T> {
  data: T;
  cost: ShopifyQueryCost;
}

/** A MoneyV2 in the shop's currency (`…PriceSet.shopMoney`); amounts stay decimal strings, as Shopify sends them. */
export interface ShopifyMoney {
  amount: string;
  currencyCode: string;
}

export interface ShopifyLineItem {
  id: string;
  title: string;
  /** As ordered. */
  quantity: number;
  /** After edits and removals. */
  currentQuantity: number;
  unfulfilledQuantity: number;
  sku: string | null;
  originalUnitPrice: ShopifyMoney;
}

export interface ShopifyOrder {
  id: string;
  /** What the customer sees, e.g. "#1001". */
  name: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  displayFinancialStatus: string | null;
  displayFulfillmentStatus: string;
  currentTotalPrice: ShopifyMoney;
  lineItems: ShopifyLineItem[];
}

export interface ShopifyOrderPage {
  orders: ShopifyOrder[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** A line of an order being edited; its id is a CalculatedLineItem id, which orderEditSetQuantity takes. */
export interface ShopifyCalculatedLineItem {
  id: string;
  /** The order's LineItem this line stands for. */
  lineItemId: string;
  title: string;
  sku: string | null;
  quantity: number;
  /** How far the quantity can go down: fulfilled units are not editable. */
  editableQuantity: number;
}

export interface ShopifyOrderEdit {
  calculatedOrderId: string;
  lineItems: ShopifyCalculatedLineItem[];
}

export type ShopifyCancelReason = 'CUSTOMER' | 'DECLINED' | 'FRAUD' | 'INVENTORY' | 'OTHER' | 'STAFF';

/** OrderCancelRefundMethodInput (2025-07 on; it replaced the deprecated `refund: Boolean`). */
export interface ShopifyCancelRefundMethod {
  originalPaymentMethodsRefund?: boolean;
  storeCreditRefund?: { expiresAt?: string };
}

export interface ShopifyCancelOptions {
  reason: ShopifyCancelReason;
  restock: boolean;
  /** Left out: nothing is refunded. */
  refundMethod?: ShopifyCancelRefundMethod;
  notifyCustomer: boolean;
  staffNote?: string;
}

export interface ShopifyJob {
  id: string;
  done: boolean;
}

const GID = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)$/;

/**
 * The CalculatedLineItem that stands for an order's LineItem during an edit. Shopify gives both the same
 * numeric id (gid://shopify/LineItem/123 is gid://shopify/CalculatedLineItem/123), and the calculated line
 * has no field linking back, so the mapping is by id. A CalculatedLineItem id is returned unchanged.
 */
export function calculatedLineItemId(lineItemId: string): string {
  const match = GID.exec(lineItemId);
  if (!match || (match[1] !== 'LineItem' && match[1] !== 'CalculatedLineItem')) {
    throw new TypeError(`not a Shopify line item id: ${lineItemId}`);
  }
  return `gid://shopify/CalculatedLineItem/${match[2]}`;
}

function lineItemIdOf(calculatedId: string): string {
  const match = GID.exec(calculatedId);
  return match ? `gid://shopify/LineItem/${match[2]}` : calculatedId;
}

const MONEY = 'shopMoney { amount currencyCode }';

// Inlined rather than a fragment: the queries stay plain text that a reader (and the test stand-in) takes in at once.
const ORDER_FIELDS = `
  id name createdAt updatedAt cancelledAt displayFinancialStatus displayFulfillmentStatus
  currentTotalPriceSet { ${MONEY} }
  lineItems(first: ${LINE_ITEMS_PER_ORDER}) {
    nodes { id title quantity currentQuantity unfulfilledQuantity sku originalUnitPriceSet { ${MONEY} } }
  }`;

const CUSTOMER_BY_IDENTIFIER = `
  query CustomerByIdentifier($identifier: CustomerIdentifierInput!) {
    customerByIdentifier(identifier: $identifier) { id }
  }`;

const CUSTOMER_ORDERS = `
  query CustomerOrders($customerId: ID!, $first: Int!, $after: String) {
    customer(id: $customerId) {
      orders(first: $first, after: $after, sortKey: CREATED_AT, reverse: true) {
        nodes { ${ORDER_FIELDS} }
        pageInfo { hasNextPage endCursor }
      }
    }
  }`;

const ORDER = `
  query Order($id: ID!) {
    order(id: $id) { ${ORDER_FIELDS} }
  }`;

const ORDER_EDIT_BEGIN = `
  mutation OrderEditBegin($id: ID!) {
    orderEditBegin(id: $id) {
      calculatedOrder {
        id
        lineItems(first: ${LINE_ITEMS_PER_ORDER}) { nodes { id title sku quantity editableQuantity } }
      }
      userErrors { field message }
    }
  }`;

const ORDER_EDIT_SET_QUANTITY = `
  mutation OrderEditSetQuantity($id: ID!, $lineItemId: ID!, $quantity: Int!, $restock: Boolean) {
    orderEditSetQuantity(id: $id, lineItemId: $lineItemId, quantity: $quantity, restock: $restock) {
      calculatedLineItem { id title sku quantity editableQuantity }
      userErrors { field message }
    }
  }`;

const ORDER_EDIT_COMMIT = `
  mutation OrderEditCommit($id: ID!, $notifyCustomer: Boolean, $staffNote: String) {
    orderEditCommit(id: $id, notifyCustomer: $notifyCustomer, staffNote: $staffNote) {
      order { id updatedAt }
      userErrors { field message }
    }
  }`;

const ORDER_CANCEL = `
  mutation OrderCancel(
    $orderId: ID!, $reason: OrderCancelReason!, $restock: Boolean!,
    $refundMethod: OrderCancelRefundMethodInput, $notifyCustomer: Boolean, $staffNote: String
  ) {
    orderCancel(
      orderId: $orderId, reason: $reason, restock: $restock,
      refundMethod: $refundMethod, notifyCustomer: $notifyCustomer, staffNote: $staffNote
    ) {
      job { id done }
      orderCancelUserErrors { field message code }
    }
  }`;

const JOB = `
  query Job($id: ID!) {
    job(id: $id) { id done }
  }`;

interface RawMoneyBag {
  shopMoney: ShopifyMoney;
}
interface RawLineItem extends Omit<ShopifyLineItem, 'originalUnitPrice'> {
  originalUnitPriceSet: RawMoneyBag;
}
interface RawOrder extends Omit<ShopifyOrder, 'currentTotalPrice' | 'lineItems'> {
  currentTotalPriceSet: RawMoneyBag;
  lineItems: { nodes: RawLineItem[] };
}
type RawCalculatedLineItem = Omit<ShopifyCalculatedLineItem, 'lineItemId'>;

function toOrder(raw: RawOrder): ShopifyOrder {
  const { currentTotalPriceSet, lineItems, ...order } = raw;
  return {
    ...order,
    currentTotalPrice: currentTotalPriceSet.shopMoney,
    lineItems: lineItems.nodes.map(({ originalUnitPriceSet, ...line }) => ({ ...line, originalUnitPrice: originalUnitPriceSet.shopMoney })),
  };
}

function toCalculatedLine(raw: RawCalculatedLineItem): ShopifyCalculatedLineItem {
  return { ...raw, lineItemId: lineItemIdOf(raw.id) };
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i;

type FetchApi = NonNullable<Parameters<typeof createAdminApiClient>[0]['customFetchApi']>;

/**
 * The product's I/O with one shop's GraphQL Admin API, through Shopify's own client. It does not retry:
 * its callers are Temporal activities, whose retry policy (and ShopifyThrottled's retryAfterMs) decide that.
 */
export class ShopifyAdmin {
  private readonly client: AdminApiClient;

  constructor(options: ShopifyAdminOptions) {
    if (!SHOP_DOMAIN.test(options.shopDomain)) throw new TypeError(`not a myshopify.com domain: ${options.shopDomain}`);
    const apiVersion = options.apiVersion ?? SHOPIFY_DEFAULT_API_VERSION;
    this.client = createAdminApiClient({
      storeDomain: options.shopDomain,
      apiVersion,
      accessToken: options.accessToken,
      retries: 0,
      customFetchApi: fetchVia(options.apiBaseUrl),
      // The client otherwise console.warns when the version leaves Shopify's supported window.
      logger: (entry: { type: string; content: unknown }) => {
        if (entry.type !== 'Unsupported_Api_Version' || warnedVersions.has(apiVersion)) return;
        warnedVersions.add(apiVersion);
        log.warn('Shopify API version outside the window Shopify supports', { apiVersion });
      },
    });
  }

  /** The customer with this email address or phone number (E.164), or null. Exactly one must be given. */
  async findCustomer(identifier: { email?: string; phone?: string }): Promise<ShopifyResult<string | null>> {
    const { email, phone } = identifier;
    if ((email === undefined) === (phone === undefined)) throw new TypeError('findCustomer takes either an email or a phone');
    const result = await this.send<{ customerByIdentifier: { id: string } | null }>('customerByIdentifier', CUSTOMER_BY_IDENTIFIER, {
      identifier: email !== undefined ? { emailAddress: email } : { phoneNumber: phone },
    });
    return { data: result.data.customerByIdentifier?.id ?? null, cost: result.cost };
  }

  /** A page of the customer's orders, newest first; null when there is no such customer. `first` ≤ SHOPIFY_ORDERS_PAGE_LIMIT. */
  async customerOrders(customerId: string, page: { first: number; after?: string }): Promise<ShopifyResult<ShopifyOrderPage | null>> {
    const result = await this.send<{ customer: { orders: { nodes: RawOrder[]; pageInfo: ShopifyOrderPage['pageInfo'] } } | null }>(
      'customer',
      CUSTOMER_ORDERS,
      { customerId, first: page.first, after: page.after ?? null },
    );
    const orders = result.data.customer?.orders;
    return { data: orders ? { orders: orders.nodes.map(toOrder), pageInfo: orders.pageInfo } : null, cost: result.cost };
  }

  async order(orderId: string): Promise<ShopifyResult<ShopifyOrder | null>> {
    const result = await this.send<{ order: RawOrder | null }>('order', ORDER, { id: orderId });
    return { data: result.data.order ? toOrder(result.data.order) : null, cost: result.cost };
  }

  /** Opens an edit: nothing changes on the order until commitOrderEdit. */
  async beginOrderEdit(orderId: string): Promise<ShopifyResult<ShopifyOrderEdit>> {
    type Payload = { calculatedOrder: { id: string; lineItems: { nodes: RawCalculatedLineItem[] } } | null; userErrors: ShopifyUserError[] };
    const result = await this.send<{ orderEditBegin: Payload }>('orderEditBegin', ORDER_EDIT_BEGIN, { id: orderId });
    const calculatedOrder = refusedUnless('orderEditBegin', result.data.orderEditBegin, result.data.orderEditBegin.calculatedOrder);
    return {
      data: { calculatedOrderId: calculatedOrder.id, lineItems: calculatedOrder.lineItems.nodes.map(toCalculatedLine) },
      cost: result.cost,
    };
  }

  /**
   * Stages a new quantity for one line of an open edit. `lineItemId` may be the order's LineItem id or the
   * edit's CalculatedLineItem id; Shopify takes the latter.
   */
  async setOrderEditQuantity(
    calculatedOrderId: string,
    lineItemId: string,
    quantity: number,
    options: { restock?: boolean } = {},
  ): Promise<ShopifyResult<ShopifyCalculatedLineItem>> {
    type Payload = { calculatedLineItem: RawCalculatedLineItem | null; userErrors: ShopifyUserError[] };
    const result = await this.send<{ orderEditSetQuantity: Payload }>('orderEditSetQuantity', ORDER_EDIT_SET_QUANTITY, {
      id: calculatedOrderId,
      lineItemId: calculatedLineItemId(lineItemId),
      quantity,
      restock: options.restock ?? null,
    });
    const line = refusedUnless('orderEditSetQuantity', result.data.orderEditSetQuantity, result.data.orderEditSetQuantity.calculatedLineItem);
    return { data: toCalculatedLine(line), cost: result.cost };
  }

  /** Applies the staged changes to the order. */
  async commitOrderEdit(
    calculatedOrderId: string,
    options: { notifyCustomer: boolean; staffNote?: string },
  ): Promise<ShopifyResult<{ orderId: string; updatedAt: string }>> {
    type Payload = { order: { id: string; updatedAt: string } | null; userErrors: ShopifyUserError[] };
    const result = await this.send<{ orderEditCommit: Payload }>('orderEditCommit', ORDER_EDIT_COMMIT, {
      id: calculatedOrderId,
      notifyCustomer: options.notifyCustomer,
      staffNote: options.staffNote ?? null,
    });
    const order = refusedUnless('orderEditCommit', result.data.orderEditCommit, result.data.orderEditCommit.order);
    return { data: { orderId: order.id, updatedAt: order.updatedAt }, cost: result.cost };
  }

  /** Starts cancelling the order; Shopify finishes asynchronously: poll job() until done. */
  async cancelOrder(orderId: string, options: ShopifyCancelOptions): Promise<ShopifyResult<ShopifyJob>> {
    type Payload = { job: ShopifyJob | null; orderCancelUserErrors: ShopifyUserError[] };
    const result = await this.send<{ orderCancel: Payload }>('orderCancel', ORDER_CANCEL, {
      orderId,
      reason: options.reason,
      restock: options.restock,
      refundMethod: options.refundMethod ?? null,
      notifyCustomer: options.notifyCustomer,
      staffNote: options.staffNote ?? null,
    });
    const payload = result.data.orderCancel;
    const job = refusedUnless('orderCancel', { userErrors: payload.orderCancelUserErrors }, payload.job);
    return { data: job, cost: result.cost };
  }

  async job(jobId: string): Promise<ShopifyResult<ShopifyJob | null>> {
    const result = await this.send<{ job: ShopifyJob | null }>('job', JOB, { id: jobId });
    return { data: result.data.job, cost: result.cost };
  }

  private async send<T>(rootField: string, operation: string, variables: Record<string, unknown>): Promise<ShopifyResult<T>> {
    let response: ClientResponse<T>;
    try {
      response = await this.client.request<T>(operation, { variables });
    } catch (error) {
      // request() reports failures in `errors`; this only catches what escapes it.
      throw new ShopifyUnavailable(`Shopify ${rootField} failed: ${(error as Error).message}`, null);
    }
    const cost = costOf(response.extensions);
    if (response.errors) throw await errorOf(rootField, response.errors, cost);
    if (!response.data) throw new ShopifyRequestFailed(`Shopify ${rootField} answered without data`, null);
    return { data: response.data, cost };
  }
}

/** The payload's object, or ShopifyUserErrors when Shopify refused (or, without saying why, returned nothing). */
function refusedUnless<T>(mutation: string, payload: { userErrors: ShopifyUserError[] }, value: T | null): T {
  if (payload.userErrors.length > 0) throw new ShopifyUserErrors(mutation, payload.userErrors);
  if (value === null) throw new ShopifyRequestFailed(`Shopify ${mutation} returned nothing and no userErrors`, 200);
  return value;
}

/** Sends each request to the shop, or under apiBaseUrl with the same path, with a timeout. */
function fetchVia(apiBaseUrl: string | undefined): FetchApi {
  const base = apiBaseUrl ? new URL(apiBaseUrl) : null;
  return (url, init) => {
    let target = url;
    if (base) {
      const original = new URL(url);
      target = new URL(`${base.pathname.replace(/\/$/, '')}${original.pathname}${original.search}`, base).href;
    }
    return fetch(target, { ...(init as RequestInit), signal: init?.signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  };
}

function costOf(extensions: ClientResponse['extensions']): ShopifyQueryCost {
  const cost = extensions?.cost;
  const status = cost?.throttleStatus;
  const throttleStatus =
    status && typeof status.maximumAvailable === 'number' && typeof status.currentlyAvailable === 'number' && typeof status.restoreRate === 'number'
      ? { maximumAvailable: status.maximumAvailable, currentlyAvailable: status.currentlyAvailable, restoreRate: status.restoreRate }
      : null;
  return { requestedQueryCost: cost?.requestedQueryCost ?? null, actualQueryCost: cost?.actualQueryCost ?? null, throttleStatus };
}

type ResponseErrors = NonNullable<ClientResponse['errors']>;

async function errorOf(rootField: string, errors: ResponseErrors, cost: ShopifyQueryCost): Promise<Error> {
  const status = errors.networkStatusCode ?? null;
  const graphQLErrors = Array.isArray(errors.graphQLErrors) ? errors.graphQLErrors : [];
  const codes = graphQLErrors.map((error) => error.extensions?.code);
  if (codes.includes('THROTTLED')) return new ShopifyThrottled(cost.throttleStatus, cost.requestedQueryCost);
  if (codes.includes('ACCESS_DENIED')) return new ShopifyUnauthorized(403, graphQLErrors.map((error) => error.message).join('; '));
  if (status === 401 || status === 403) {
    return new ShopifyUnauthorized(status, `Shopify refused the access token (${status}): ${await shopifyMessage(errors.response)}`);
  }
  if (status === 429) {
    const retryAfterSeconds = Number(errors.response?.headers.get('Retry-After'));
    return new ShopifyThrottled(null, null, Number.isFinite(retryAfterSeconds) && retryAfterSeconds > 0 ? retryAfterSeconds * 1000 : undefined);
  }
  // No status: the request never got an answer (refused connection, DNS, timeout).
  if (status === null || status >= 500) return new ShopifyUnavailable(`Shopify ${rootField} failed: ${errors.message ?? 'no answer'}`, status);
  const detail = graphQLErrors.length > 0 ? graphQLErrors.map((error) => error.message).join('; ') : (errors.message ?? `HTTP ${status}`);
  return new ShopifyRequestFailed(`Shopify ${rootField} failed: ${detail}`, status, graphQLErrors);
}

/** Shopify's explanation from an error answer's body (`{"errors": "..."}`), which the client leaves unread. */
async function shopifyMessage(response: Response | undefined): Promise<string> {
  try {
    const body = (await response?.json()) as { errors?: unknown } | undefined;
    return typeof body?.errors === 'string' ? body.errors : JSON.stringify(body?.errors ?? null);
  } catch {
    return 'no explanation';
  }
}
