import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { signShopifyWebhook } from '../../libs/shopify/webhook-signature.js';
import { SHOPIFY_DEFAULT_API_VERSION } from '../../libs/shopify/shopify-admin.js';

/**
 * A local stand-in for one Shopify shop's GraphQL Admin API, since Shopify cannot be reached from tests. It
 * speaks the wire format (POST /admin/api/<version>/graphql.json, X-Shopify-Access-Token, `{query, variables}`
 * in, `{data, errors, extensions.cost}` out) for exactly the operations libs/shopify uses, and keeps a small
 * shop in memory. The query text is really parsed (selection sets, arguments, variables) and checked against a
 * slice of Shopify's schema, so the answer has exactly the fields asked for and a field Shopify lacks is refused
 * as Shopify refuses it. Query cost follows Shopify's published rules (objects 1, connections 2 + first × node,
 * mutations 10) and is charged against a leaky bucket; the bucket starts a query only if it holds the requested
 * cost and then charges the actual cost, as Shopify does.
 */

export const INVALID_TOKEN_MESSAGE = '[API] Invalid API key or access token (unrecognized login or wrong password)';
/** orderEditSetQuantity on a line whose every unit has shipped. */
export const FULFILLED_LINE_MESSAGE = 'Cannot edit the quantity of a line item that has been fulfilled.';
export const BELOW_FULFILLED_MESSAGE = 'Quantity cannot be lower than the fulfilled quantity.';
export const ALREADY_COMMITTED_MESSAGE = 'The order edit has already been committed.';
export const ALREADY_CANCELLED_MESSAGE = 'Cannot cancel an order that has already been cancelled.';
/** Shopify refuses a single query whose requested cost is over this, whatever the bucket holds. */
export const SINGLE_QUERY_MAX_COST = 1000;

export interface StandInCustomer {
  id: string;
  email: string | null;
  phone: string | null;
}

export interface StandInLineItem {
  id: string;
  title: string;
  sku: string | null;
  /** As ordered. */
  quantity: number;
  /** After committed edits. */
  currentQuantity: number;
  fulfilledQuantity: number;
  unitPrice: string;
}

export interface StandInOrder {
  id: string;
  name: string;
  customerId: string;
  createdAt: Date;
  updatedAt: Date;
  cancelledAt: Date | null;
  cancelReason: string | null;
  financialStatus: string;
  currencyCode: string;
  lineItems: StandInLineItem[];
  /** Order edits committed to this order. */
  editsCommitted: number;
}

export interface BucketSettings {
  maximumAvailable: number;
  restoreRate: number;
  currentlyAvailable: number;
}

/** A request as received: where it went and which root fields it asked for. */
export interface StandInRequest {
  path: string;
  apiVersion: string;
  rootFields: string[];
  variables: Record<string, unknown>;
}

export interface ShopifyStandInOptions {
  shopDomain?: string;
  accessToken?: string;
  /** Defaults: Shopify's standard plan, 2000 points restored at 100 a second. */
  bucket?: Partial<BucketSettings>;
  /** How many `job` polls a cancellation's job answers `done: false` before `done: true`. */
  cancelJobPolls?: number;
  /** The stand-in's clock (bucket refill, timestamps); tests pass a manual one to stay off the wall clock. */
  now?: () => number;
}

export interface ShopifyStandIn {
  /** For ShopifyAdmin's apiBaseUrl. */
  apiBaseUrl: string;
  shopDomain: string;
  accessToken: string;
  seedCustomer(input: { email?: string; phone?: string }): StandInCustomer;
  seedOrder(input: {
    customerId: string;
    lineItems: { title: string; sku?: string; quantity: number; fulfilledQuantity?: number; unitPrice: string }[];
    createdAt?: Date;
    financialStatus?: string;
    currencyCode?: string;
  }): StandInOrder;
  /** Snapshots of the shop's orders (copies: changing them changes nothing). */
  orders(): StandInOrder[];
  order(id: string): StandInOrder | undefined;
  /** Every request with a valid token, in order. */
  readonly requests: readonly StandInRequest[];
  /** Mutations received (whether or not Shopify refused them with userErrors). */
  readonly commits: number;
  readonly cancels: number;
  readonly editsBegun: number;
  readonly quantitiesSet: number;
  /** Requests answered THROTTLED. */
  readonly throttled: number;
  /** The next n requests are answered THROTTLED whatever the bucket holds. */
  throttleNext(n: number): void;
  setBucket(settings: Partial<BucketSettings>): void;
  /** The next n requests (with a valid token) fail with this HTTP status and an HTML body, as during an outage. */
  failNext(n: number, status?: number): void;
  /** The bucket now, as Shopify would report it. */
  bucket(): BucketSettings;
  setCancelJobPolls(polls: number): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------
// A minimal GraphQL reader: one operation, no fragments or directives (libs/shopify uses neither).

interface Field {
  name: string;
  alias: string | null;
  args: Record<string, unknown>;
  selection: Field[] | null;
}

interface Operation {
  kind: 'query' | 'mutation';
  selection: Field[];
}

class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const TOKEN = /"(?:[^"\\]|\\.)*"|\.\.\.|[{}()[\]:!$=@]|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[_A-Za-z][_0-9A-Za-z]*/g;

function parseOperation(query: string, variables: Record<string, unknown>): Operation {
  const tokens = query.replace(/#[^\n]*/g, ' ').match(TOKEN) ?? [];
  let at = 0;
  const peek = () => tokens[at];
  const take = (expected?: string): string => {
    const token = tokens[at++];
    if (token === undefined || (expected !== undefined && token !== expected)) {
      throw new GraphQLRequestError(`syntax error, unexpected ${token ?? 'end of file'}${expected ? `, expecting ${expected}` : ''}`, 'syntaxError');
    }
    return token;
  };

  const value = (): unknown => {
    const token = take();
    if (token === '$') {
      const name = take();
      return variables[name] ?? null;
    }
    if (token.startsWith('"')) return JSON.parse(token) as string;
    if (/^-?\d/.test(token)) return Number(token);
    if (token === 'true' || token === 'false') return token === 'true';
    if (token === 'null') return null;
    if (token === '[') {
      const list: unknown[] = [];
      while (peek() !== ']') list.push(value());
      take(']');
      return list;
    }
    if (token === '{') {
      const object: Record<string, unknown> = {};
      while (peek() !== '}') {
        const key = take();
        take(':');
        object[key] = value();
      }
      take('}');
      return object;
    }
    return token; // an enum value
  };

  const selectionSet = (): Field[] => {
    take('{');
    const fields: Field[] = [];
    while (peek() !== '}') {
      if (peek() === '...' || peek() === '@') throw new GraphQLRequestError('fragments and directives are not supported by the stand-in', 'unsupported');
      let name = take();
      let alias: string | null = null;
      if (peek() === ':') {
        take(':');
        alias = name;
        name = take();
      }
      const args: Record<string, unknown> = {};
      if (peek() === '(') {
        take('(');
        while (peek() !== ')') {
          const argument = take();
          take(':');
          args[argument] = value();
        }
        take(')');
      }
      fields.push({ name, alias, args, selection: peek() === '{' ? selectionSet() : null });
    }
    take('}');
    return fields;
  };

  const kind = peek() === 'mutation' ? 'mutation' : 'query';
  // Skip the operation's name and variable definitions: variables arrive already typed in JSON.
  while (at < tokens.length && peek() !== '{') at++;
  return { kind, selection: selectionSet() };
}

// ---------------------------------------------------------------------------------------------------------
// The slice of Shopify's schema the product uses: type → field → the field's object type, or null for a scalar.

const SCALAR = null;
const PAGE_INFO = { hasNextPage: SCALAR, hasPreviousPage: SCALAR, startCursor: SCALAR, endCursor: SCALAR };
const SCHEMA: Record<string, Record<string, string | null>> = {
  QueryRoot: { customerByIdentifier: 'Customer', customer: 'Customer', order: 'Order', job: 'Job' },
  Mutation: {
    orderEditBegin: 'OrderEditBeginPayload',
    orderEditSetQuantity: 'OrderEditSetQuantityPayload',
    orderEditCommit: 'OrderEditCommitPayload',
    orderCancel: 'OrderCancelPayload',
  },
  Customer: { id: SCALAR, email: SCALAR, phone: SCALAR, orders: 'OrderConnection' },
  OrderConnection: { nodes: 'Order', pageInfo: 'PageInfo' },
  PageInfo: PAGE_INFO,
  Order: {
    id: SCALAR,
    name: SCALAR,
    createdAt: SCALAR,
    updatedAt: SCALAR,
    cancelledAt: SCALAR,
    cancelReason: SCALAR,
    displayFinancialStatus: SCALAR,
    displayFulfillmentStatus: SCALAR,
    currentTotalPriceSet: 'MoneyBag',
    lineItems: 'LineItemConnection',
  },
  MoneyBag: { shopMoney: 'MoneyV2' },
  MoneyV2: { amount: SCALAR, currencyCode: SCALAR },
  LineItemConnection: { nodes: 'LineItem', pageInfo: 'PageInfo' },
  LineItem: {
    id: SCALAR,
    title: SCALAR,
    sku: SCALAR,
    quantity: SCALAR,
    currentQuantity: SCALAR,
    unfulfilledQuantity: SCALAR,
    originalUnitPriceSet: 'MoneyBag',
  },
  OrderEditBeginPayload: { calculatedOrder: 'CalculatedOrder', userErrors: 'UserError' },
  CalculatedOrder: { id: SCALAR, committed: SCALAR, lineItems: 'CalculatedLineItemConnection', originalOrder: 'Order' },
  CalculatedLineItemConnection: { nodes: 'CalculatedLineItem', pageInfo: 'PageInfo' },
  CalculatedLineItem: { id: SCALAR, title: SCALAR, sku: SCALAR, quantity: SCALAR, editableQuantity: SCALAR },
  OrderEditSetQuantityPayload: { calculatedLineItem: 'CalculatedLineItem', calculatedOrder: 'CalculatedOrder', userErrors: 'UserError' },
  OrderEditCommitPayload: { order: 'Order', userErrors: 'UserError' },
  OrderCancelPayload: { job: 'Job', orderCancelUserErrors: 'OrderCancelUserError', userErrors: 'UserError' },
  Job: { id: SCALAR, done: SCALAR },
  UserError: { field: SCALAR, message: SCALAR },
  OrderCancelUserError: { field: SCALAR, message: SCALAR, code: SCALAR },
};

function validate(selection: Field[], type: string): void {
  for (const field of selection) {
    if (field.name === '__typename') continue;
    const fields = SCHEMA[type]!;
    if (!(field.name in fields)) throw new GraphQLRequestError(`Field '${field.name}' doesn't exist on type '${type}'`, 'undefinedField');
    const fieldType = fields[field.name]!;
    if (fieldType === null && field.selection) throw new GraphQLRequestError(`Selections can't be made on scalars (field '${field.name}')`, 'selectionMismatch');
    if (fieldType !== null && !field.selection) throw new GraphQLRequestError(`Field must have selections (field '${field.name}' returns ${fieldType})`, 'selectionMismatch');
    if (fieldType !== null) validate(field.selection!, fieldType);
  }
}

/**
 * Shopify's cost rules: an object costs 1, a connection 2 + (first × the cost of one node), scalars nothing, a
 * mutation 10. With `data`, the actual cost: connections are charged for the nodes they returned.
 */
function costOf(selection: Field[], type: string, data?: Record<string, unknown> | null): number {
  let total = 0;
  for (const field of selection) {
    const fieldType = SCHEMA[type]?.[field.name];
    if (!fieldType || !field.selection) continue;
    if (type === 'Mutation') {
      total += 10;
      continue;
    }
    const value = data === undefined ? undefined : (data?.[field.alias ?? field.name] as Record<string, unknown> | unknown[] | null);
    if (fieldType.endsWith('Connection')) {
      const nodesField = field.selection.find((child) => child.name === 'nodes');
      const nodeType = SCHEMA[fieldType]!.nodes!;
      const nodes = data === undefined ? undefined : (((value as Record<string, unknown> | null)?.[nodesField?.alias ?? 'nodes'] ?? []) as Record<string, unknown>[]);
      const nodeCost = (node?: Record<string, unknown>) => (nodesField ? 1 + costOf(nodesField.selection!, nodeType, node) : 0);
      total += 2 + (nodes === undefined ? Number(field.args.first ?? 0) * nodeCost() : nodes.reduce((sum, node) => sum + nodeCost(node), 0));
    } else if (Array.isArray(value)) {
      total += value.reduce<number>((sum, item) => sum + 1 + costOf(field.selection!, fieldType, item as Record<string, unknown>), 0);
    } else {
      total += 1 + costOf(field.selection, fieldType, value === undefined ? undefined : value);
    }
  }
  return total;
}

/** Field values are plain values, or functions of the field's arguments (connections, mostly). */
type Resolved = unknown;

function project(value: Resolved, selection: Field[] | null, typename: string): unknown {
  if (value === null || value === undefined) return null;
  if (!selection) return value;
  if (Array.isArray(value)) return value.map((item) => project(item, selection, typename));
  const source = value as Record<string, unknown>;
  const answer: Record<string, unknown> = {};
  for (const field of selection) {
    const key = field.alias ?? field.name;
    if (field.name === '__typename') {
      answer[key] = typename;
      continue;
    }
    const raw = source[field.name];
    const resolved = typeof raw === 'function' ? (raw as (args: Record<string, unknown>) => unknown)(field.args) : raw;
    answer[key] = project(resolved, field.selection, SCHEMA[typename]?.[field.name] ?? 'Unknown');
  }
  return answer;
}

// ---------------------------------------------------------------------------------------------------------

interface CalculatedOrder {
  id: string;
  orderId: string;
  /** CalculatedLineItem id → staged quantity. */
  staged: Map<string, number>;
  committed: boolean;
}

interface Job {
  id: string;
  orderId: string;
  pollsLeft: number;
  done: boolean;
}

const numericId = (gid: string) => gid.slice(gid.lastIndexOf('/') + 1);
const cursorFor = (orderId: string) => Buffer.from(JSON.stringify({ last_id: Number(numericId(orderId)) })).toString('base64');
const idFromCursor = (cursor: string) => {
  try {
    return `gid://shopify/Order/${(JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as { last_id: number }).last_id}`;
  } catch {
    return null;
  }
};

function copyOrder(order: StandInOrder): StandInOrder {
  return { ...order, lineItems: order.lineItems.map((line) => ({ ...line })) };
}

export async function startShopifyStandIn(options: ShopifyStandInOptions = {}): Promise<ShopifyStandIn> {
  const shopDomain = options.shopDomain ?? 'stand-in-shop.myshopify.com';
  const accessToken = options.accessToken ?? `shpat_${randomUUID().replaceAll('-', '')}`;
  const now = options.now ?? Date.now;
  let cancelJobPolls = options.cancelJobPolls ?? 2;

  const customers: StandInCustomer[] = [];
  const orders = new Map<string, StandInOrder>();
  const calculatedOrders = new Map<string, CalculatedOrder>();
  const jobs = new Map<string, Job>();
  const requests: StandInRequest[] = [];
  const counts = { orderEditBegin: 0, orderEditSetQuantity: 0, orderEditCommit: 0, orderCancel: 0, throttled: 0 };
  let nextId = 1000;
  let nextOrderNumber = 1001;
  let throttleCount = 0;
  let failures = { left: 0, status: 503 };

  // The leaky bucket: `level` points at time `levelAt`, refilled lazily.
  const bucketState = {
    maximumAvailable: options.bucket?.maximumAvailable ?? 2000,
    restoreRate: options.bucket?.restoreRate ?? 100,
    level: options.bucket?.currentlyAvailable ?? options.bucket?.maximumAvailable ?? 2000,
    levelAt: now(),
  };
  const refill = () => {
    const at = now();
    bucketState.level = Math.min(bucketState.maximumAvailable, bucketState.level + ((at - bucketState.levelAt) / 1000) * bucketState.restoreRate);
    bucketState.levelAt = at;
  };
  const throttleStatus = () => {
    refill();
    // Shopify reports whole points.
    return { maximumAvailable: bucketState.maximumAvailable, currentlyAvailable: Math.floor(bucketState.level), restoreRate: bucketState.restoreRate };
  };

  const money = (amount: number, currencyCode: string) => ({ shopMoney: { amount: amount.toFixed(2), currencyCode } });
  const fulfillmentStatus = (order: StandInOrder) => {
    const live = order.lineItems.filter((line) => line.currentQuantity > 0);
    const fulfilled = live.filter((line) => line.fulfilledQuantity >= line.currentQuantity).length;
    if (fulfilled === 0 && live.every((line) => line.fulfilledQuantity === 0)) return 'UNFULFILLED';
    return fulfilled === live.length ? 'FULFILLED' : 'PARTIALLY_FULFILLED';
  };
  const connection = <T>(items: T[], cursor: (item: T) => string) => (args: Record<string, unknown>) => {
    const first = Math.max(0, Number(args.first ?? items.length));
    const page = items.slice(0, first);
    return {
      nodes: page,
      pageInfo: {
        hasNextPage: items.length > first,
        hasPreviousPage: false,
        startCursor: page.length ? cursor(page[0]!) : null,
        endCursor: page.length ? cursor(page.at(-1)!) : null,
      },
    };
  };

  const lineNode = (order: StandInOrder, line: StandInLineItem) => ({
    id: line.id,
    title: line.title,
    sku: line.sku,
    quantity: line.quantity,
    currentQuantity: line.currentQuantity,
    unfulfilledQuantity: Math.max(0, line.currentQuantity - line.fulfilledQuantity),
    originalUnitPriceSet: money(Number(line.unitPrice), order.currencyCode),
  });
  const orderNode = (order: StandInOrder) => ({
    id: order.id,
    name: order.name,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
    cancelledAt: order.cancelledAt?.toISOString() ?? null,
    cancelReason: order.cancelReason,
    displayFinancialStatus: order.financialStatus,
    displayFulfillmentStatus: fulfillmentStatus(order),
    currentTotalPriceSet: money(order.lineItems.reduce((sum, line) => sum + line.currentQuantity * Number(line.unitPrice), 0), order.currencyCode),
    lineItems: connection(order.lineItems.map((line) => lineNode(order, line)), (line) => Buffer.from(line.id).toString('base64')),
  });
  const calculatedLine = (calculated: CalculatedOrder, line: StandInLineItem) => {
    const id = `gid://shopify/CalculatedLineItem/${numericId(line.id)}`;
    const quantity = calculated.staged.get(id) ?? line.currentQuantity;
    return { id, title: line.title, sku: line.sku, quantity, editableQuantity: Math.max(0, quantity - line.fulfilledQuantity) };
  };
  const calculatedNode = (calculated: CalculatedOrder) => {
    const order = orders.get(calculated.orderId)!;
    return {
      id: calculated.id,
      committed: calculated.committed,
      originalOrder: orderNode(order),
      lineItems: connection(order.lineItems.map((line) => calculatedLine(calculated, line)), (line) => Buffer.from(line.id).toString('base64')),
    };
  };
  const userError = (field: string[] | null, message: string) => ({ field, message });

  const resolvers: Record<string, (args: Record<string, unknown>) => unknown> = {
    customerByIdentifier: (args) => {
      const identifier = (args.identifier ?? {}) as { emailAddress?: string; phoneNumber?: string; id?: string };
      const found = customers.find(
        (customer) =>
          (identifier.emailAddress !== undefined && customer.email?.toLowerCase() === identifier.emailAddress.toLowerCase()) ||
          (identifier.phoneNumber !== undefined && customer.phone === identifier.phoneNumber) ||
          (identifier.id !== undefined && customer.id === identifier.id),
      );
      return found ? customerNode(found) : null;
    },
    customer: (args) => {
      const found = customers.find((customer) => customer.id === args.id);
      return found ? customerNode(found) : null;
    },
    order: (args) => {
      const order = orders.get(String(args.id));
      return order ? orderNode(order) : null;
    },
    job: (args) => {
      const job = jobs.get(String(args.id));
      if (!job) return null;
      if (!job.done) {
        job.pollsLeft--;
        if (job.pollsLeft <= 0) finishCancel(job);
      }
      return { id: job.id, done: job.done };
    },
    orderEditBegin: (args) => {
      counts.orderEditBegin++;
      const order = orders.get(String(args.id));
      if (!order) return { calculatedOrder: null, userErrors: [userError(['id'], 'The order does not exist.')] };
      if (order.cancelledAt) return { calculatedOrder: null, userErrors: [userError(['id'], 'The order has been cancelled and cannot be edited.')] };
      const calculated: CalculatedOrder = { id: `gid://shopify/CalculatedOrder/${nextId++}`, orderId: order.id, staged: new Map(), committed: false };
      calculatedOrders.set(calculated.id, calculated);
      return { calculatedOrder: calculatedNode(calculated), userErrors: [] };
    },
    orderEditSetQuantity: (args) => {
      counts.orderEditSetQuantity++;
      const refused = (field: string[], message: string) => ({ calculatedLineItem: null, calculatedOrder: null, userErrors: [userError(field, message)] });
      const calculated = calculatedOrders.get(String(args.id));
      if (!calculated) return refused(['id'], 'The calculated order does not exist.');
      if (calculated.committed) return refused(['id'], ALREADY_COMMITTED_MESSAGE);
      const lineId = String(args.lineItemId);
      const line = orders.get(calculated.orderId)!.lineItems.find((candidate) => `gid://shopify/CalculatedLineItem/${numericId(candidate.id)}` === lineId);
      // An order's LineItem id is not a CalculatedLineItem id: Shopify does not accept one for the other.
      if (!line || !lineId.startsWith('gid://shopify/CalculatedLineItem/')) return refused(['lineItemId'], 'The line item does not exist.');
      const quantity = Number(args.quantity);
      if (!Number.isInteger(quantity) || quantity < 0) return refused(['quantity'], 'Quantity must be greater than or equal to 0.');
      if (line.fulfilledQuantity >= line.currentQuantity && line.fulfilledQuantity > 0) return refused(['lineItemId'], FULFILLED_LINE_MESSAGE);
      if (quantity < line.fulfilledQuantity) return refused(['quantity'], BELOW_FULFILLED_MESSAGE);
      calculated.staged.set(lineId, quantity);
      return { calculatedLineItem: calculatedLine(calculated, line), calculatedOrder: calculatedNode(calculated), userErrors: [] };
    },
    orderEditCommit: (args) => {
      counts.orderEditCommit++;
      const calculated = calculatedOrders.get(String(args.id));
      if (!calculated) return { order: null, userErrors: [userError(['id'], 'The calculated order does not exist.')] };
      if (calculated.committed) return { order: null, userErrors: [userError(['id'], ALREADY_COMMITTED_MESSAGE)] };
      const order = orders.get(calculated.orderId)!;
      if (order.cancelledAt) return { order: null, userErrors: [userError(['id'], 'The order has been cancelled and cannot be edited.')] };
      for (const line of order.lineItems) {
        const staged = calculated.staged.get(`gid://shopify/CalculatedLineItem/${numericId(line.id)}`);
        if (staged !== undefined) line.currentQuantity = staged;
      }
      calculated.committed = true;
      order.editsCommitted++;
      order.updatedAt = new Date(Math.max(now(), order.updatedAt.getTime() + 1));
      return { order: orderNode(order), userErrors: [] };
    },
    orderCancel: (args) => {
      counts.orderCancel++;
      const refused = (field: string[], message: string, code: string) => ({
        job: null,
        orderCancelUserErrors: [{ field, message, code }],
        userErrors: [userError(field, message)],
      });
      const order = orders.get(String(args.orderId));
      if (!order) return refused(['orderId'], 'Order does not exist.', 'NOT_FOUND');
      const pending = [...jobs.values()].some((job) => job.orderId === order.id && !job.done);
      if (order.cancelledAt || pending) return refused(['orderId'], ALREADY_CANCELLED_MESSAGE, 'INVALID');
      if (!['CUSTOMER', 'DECLINED', 'FRAUD', 'INVENTORY', 'OTHER', 'STAFF'].includes(String(args.reason))) {
        return refused(['reason'], 'Reason is not a valid cancellation reason.', 'INVALID');
      }
      const job: Job = { id: `gid://shopify/Job/${randomUUID()}`, orderId: order.id, pollsLeft: cancelJobPolls, done: false };
      order.cancelReason = String(args.reason);
      jobs.set(job.id, job);
      if (job.pollsLeft <= 0) finishCancel(job);
      return { job: { id: job.id, done: job.done }, orderCancelUserErrors: [], userErrors: [] };
    },
  };

  function finishCancel(job: Job): void {
    job.done = true;
    const order = orders.get(job.orderId)!;
    order.cancelledAt = new Date(now());
    order.updatedAt = new Date(Math.max(now(), order.updatedAt.getTime() + 1));
  }

  function customerNode(customer: StandInCustomer) {
    return {
      id: customer.id,
      email: customer.email,
      phone: customer.phone,
      orders: (args: Record<string, unknown>) => {
        const sortKey = String(args.sortKey ?? 'ID');
        const sorted = [...orders.values()]
          .filter((order) => order.customerId === customer.id)
          .sort((a, b) => (sortKey === 'CREATED_AT' ? a.createdAt.getTime() - b.createdAt.getTime() : 0) || Number(numericId(a.id)) - Number(numericId(b.id)));
        if (args.reverse === true) sorted.reverse();
        const afterId = typeof args.after === 'string' ? idFromCursor(args.after) : null;
        const start = afterId ? sorted.findIndex((order) => order.id === afterId) + 1 : 0;
        return connection(sorted.slice(start).map(orderNode), (order) => cursorFor(order.id))(args);
      },
    };
  }

  function answer(response: http.ServerResponse, status: number, body: unknown): void {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify(body));
  }

  function execute(body: { query?: unknown; variables?: unknown }): { body: unknown; rootFields: string[] } {
    if (typeof body.query !== 'string') return { body: { errors: [{ message: 'No query string was present' }] }, rootFields: [] };
    const variables = (body.variables ?? {}) as Record<string, unknown>;
    let operation: Operation;
    try {
      operation = parseOperation(body.query, variables);
      validate(operation.selection, operation.kind === 'mutation' ? 'Mutation' : 'QueryRoot');
    } catch (error) {
      if (!(error instanceof GraphQLRequestError)) throw error;
      return { body: { errors: [{ message: error.message, extensions: { code: error.code } }] }, rootFields: [] };
    }
    const rootType = operation.kind === 'mutation' ? 'Mutation' : 'QueryRoot';
    const rootFields = operation.selection.map((field) => field.name);
    const requestedQueryCost = costOf(operation.selection, rootType);
    if (requestedQueryCost > SINGLE_QUERY_MAX_COST) {
      return {
        body: {
          errors: [{
            message: `Query cost is ${requestedQueryCost}, which exceeds the single query max cost limit (${SINGLE_QUERY_MAX_COST}).`,
            extensions: { code: 'MAX_COST_EXCEEDED', cost: requestedQueryCost, maxCost: SINGLE_QUERY_MAX_COST },
          }],
        },
        rootFields,
      };
    }
    refill();
    if (throttleCount > 0 || bucketState.level < requestedQueryCost) {
      if (throttleCount > 0) throttleCount--;
      counts.throttled++;
      return {
        body: {
          errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
          extensions: { cost: { requestedQueryCost, actualQueryCost: null, throttleStatus: throttleStatus() } },
        },
        rootFields,
      };
    }
    const data: Record<string, unknown> = {};
    for (const field of operation.selection) {
      const resolved = field.name === '__typename' ? rootType : resolvers[field.name]!(field.args);
      data[field.alias ?? field.name] = project(resolved, field.selection, SCHEMA[rootType]![field.name] ?? rootType);
    }
    const actualQueryCost = costOf(operation.selection, rootType, data);
    bucketState.level -= actualQueryCost;
    return { body: { data, extensions: { cost: { requestedQueryCost, actualQueryCost, throttleStatus: throttleStatus() } } }, rootFields };
  }

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://stand-in');
      const match = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(url.pathname);
      if (!match) return answer(response, 404, { errors: 'Not Found' });
      if (request.headers['x-shopify-access-token'] !== accessToken) return answer(response, 401, { errors: INVALID_TOKEN_MESSAGE });
      if (request.method !== 'POST') return answer(response, 405, { errors: 'Method Not Allowed' });
      if (failures.left > 0) {
        failures.left--;
        response.writeHead(failures.status, { 'content-type': 'text/html' });
        response.end('<html><body><h1>Service Unavailable</h1></body></html>');
        return;
      }
      let body: { query?: unknown; variables?: unknown };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
      } catch {
        return answer(response, 400, { errors: { query: 'Required parameter missing or invalid' } });
      }
      const result = execute(body);
      requests.push({ path: url.pathname, apiVersion: match[1]!, rootFields: result.rootFields, variables: (body.variables ?? {}) as Record<string, unknown> });
      // Shopify answers GraphQL errors, THROTTLED included, with HTTP 200.
      answer(response, 200, result.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiBaseUrl: `http://127.0.0.1:${port}`,
    shopDomain,
    accessToken,
    seedCustomer: (input) => {
      const customer = { id: `gid://shopify/Customer/${nextId++}`, email: input.email ?? null, phone: input.phone ?? null };
      customers.push(customer);
      return { ...customer };
    },
    seedOrder: (input) => {
      if (!customers.some((customer) => customer.id === input.customerId)) throw new Error(`no customer ${input.customerId}`);
      const createdAt = input.createdAt ?? new Date(now());
      const order: StandInOrder = {
        id: `gid://shopify/Order/${nextId++}`,
        name: `#${nextOrderNumber++}`,
        customerId: input.customerId,
        createdAt,
        updatedAt: createdAt,
        cancelledAt: null,
        cancelReason: null,
        financialStatus: input.financialStatus ?? 'PAID',
        currencyCode: input.currencyCode ?? 'USD',
        lineItems: input.lineItems.map((line) => ({
          id: `gid://shopify/LineItem/${nextId++}`,
          title: line.title,
          sku: line.sku ?? null,
          quantity: line.quantity,
          currentQuantity: line.quantity,
          fulfilledQuantity: line.fulfilledQuantity ?? 0,
          unitPrice: line.unitPrice,
        })),
        editsCommitted: 0,
      };
      orders.set(order.id, order);
      return copyOrder(order);
    },
    orders: () => [...orders.values()].map(copyOrder),
    order: (id) => {
      const order = orders.get(id);
      return order ? copyOrder(order) : undefined;
    },
    requests,
    get commits() {
      return counts.orderEditCommit;
    },
    get cancels() {
      return counts.orderCancel;
    },
    get editsBegun() {
      return counts.orderEditBegin;
    },
    get quantitiesSet() {
      return counts.orderEditSetQuantity;
    },
    get throttled() {
      return counts.throttled;
    },
    throttleNext: (n) => {
      throttleCount = n;
    },
    setBucket: (settings) => {
      refill();
      bucketState.maximumAvailable = settings.maximumAvailable ?? bucketState.maximumAvailable;
      bucketState.restoreRate = settings.restoreRate ?? bucketState.restoreRate;
      bucketState.level = Math.min(bucketState.maximumAvailable, settings.currentlyAvailable ?? bucketState.level);
    },
    failNext: (n, status = 503) => {
      failures = { left: n, status };
    },
    bucket: throttleStatus,
    setCancelJobPolls: (polls) => {
      cancelJobPolls = polls;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Shopify delivering a webhook: the JSON body signed with the app's secret (X-Shopify-Hmac-Sha256) and the
 * headers Shopify sends with every delivery. `hmac` overrides the signature; null sends none.
 */
export async function postShopifyWebhook(options: {
  url: string;
  topic: string;
  shopDomain: string;
  body: unknown;
  secret: string;
  webhookId?: string;
  apiVersion?: string;
  hmac?: string | null;
}): Promise<number> {
  const rawBody = Buffer.from(JSON.stringify(options.body));
  const hmac = options.hmac === undefined ? signShopifyWebhook(rawBody, options.secret) : options.hmac;
  const response = await fetch(options.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': options.topic,
      'x-shopify-shop-domain': options.shopDomain,
      'x-shopify-webhook-id': options.webhookId ?? randomUUID(),
      'x-shopify-api-version': options.apiVersion ?? SHOPIFY_DEFAULT_API_VERSION,
      'x-shopify-triggered-at': new Date().toISOString(),
      ...(hmac !== null ? { 'x-shopify-hmac-sha256': hmac } : {}),
    },
    body: rawBody,
  });
  await response.arrayBuffer();
  return response.status;
}
