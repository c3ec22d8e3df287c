/**
 * What the API, the Shopify workflows and their activities exchange (SPEC §6, orders). Types only, plus the
 * pure pacing rule the backfill sleeps by.
 */
import type { OrderOperationOutcome } from './ticket.js';

// The workflow bundle may only import contracts: this re-export carries the bucket arithmetic (pure, no I/O,
// no clock) to the backfill workflow so that it paces itself by the same rule the client documents.
export { waitBeforeQuery, type ShopifyThrottleStatus } from '../../shopify/throttle.js';

/** ApplicationFailure types the Shopify activities raise. */
export const SHOPIFY_REFUSED = 'ShopifyRefused';
export const SHOPIFY_THROTTLED = 'ShopifyThrottled';
export const SHOPIFY_NOT_CONNECTED = 'ShopifyNotConnected';

export interface ShopifyOrderSyncInput {
  accountId: string;
  profileId: string;
}

export interface ShopifyOrderSyncResult {
  customerId: string | null;
  ordersStored: number;
  pages: number;
}

/** The cost of the query just made and the bucket after it: what the next query waits for. */
export interface ShopifyPacing {
  requestedQueryCost: number | null;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } | null;
}

export interface ShopifyOrdersPage {
  ordersSeen: number;
  ordersStored: number;
  hasNextPage: boolean;
  endCursor: string | null;
  pacing: ShopifyPacing;
}

export interface OrderLineChange {
  lineItemId: string;
  quantity: number;
}

interface OrderOperationBase {
  operationId: string;
  accountId: string;
  orderId: string;
  orderName: string | null;
  ticketId: string | null;
  actorUserId: string;
  notifyCustomer: boolean;
  staffNote: string | null;
}

export interface OrderEditInput extends OrderOperationBase {
  lineItems: OrderLineChange[];
  /** "Mug: 3 → 1", for the ticket's event. */
  changes: string[];
}

export type CancelReason = 'CUSTOMER' | 'DECLINED' | 'FRAUD' | 'INVENTORY' | 'OTHER' | 'STAFF';

export interface OrderCancelInput extends OrderOperationBase {
  reason: CancelReason;
  restock: boolean;
  refundMethod: { originalPaymentMethodsRefund?: boolean; storeCreditRefund?: { expiresAt?: string } } | null;
}

/** What an operation workflow ends with (also stored in order_operations.result). */
export interface OrderOperationResult {
  operationId: string;
  status: 'succeeded' | 'failed';
  /** Shopify's messages when it refused; a short account of what happened otherwise. */
  message: string;
  /** Why it failed: SHOPIFY_REFUSED (Shopify's userErrors), another ApplicationFailure type, or null on success. */
  failureType: string | null;
  /** The order as re-read from Shopify after the change (null when it could not be read). */
  orderUpdatedAt: string | null;
}

export type { OrderOperationOutcome };
