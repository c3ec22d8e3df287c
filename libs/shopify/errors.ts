import { waitBeforeQuery, type ShopifyThrottleStatus } from './throttle.js';

/**
 * What can go wrong talking to Shopify, as classes a caller branches on. `retryable` says whether the same
 * request may succeed later (throttling, outages) or never will until something else changes (a refused
 * edit, a revoked token, a query Shopify does not understand).
 */
export abstract class ShopifyError extends Error {
  abstract readonly retryable: boolean;
}

/** One of Shopify's userErrors: `field` is the path to the argument at fault, e.g. ["lineItemId"]. */
export interface ShopifyUserError {
  field: string[] | null;
  message: string;
  /** Only some mutations give codes (e.g. orderCancelUserErrors). */
  code?: string | null;
}

/** Shopify accepted the request but refused the change: its messages are meant for people (an API's 422). */
export class ShopifyUserErrors extends ShopifyError {
  readonly retryable = false;
  constructor(
    readonly mutation: string,
    readonly userErrors: ShopifyUserError[],
  ) {
    super(`Shopify refused ${mutation}: ${userErrors.map((error) => error.message).join('; ')}`);
    this.name = 'ShopifyUserErrors';
  }
}

/** The query-cost bucket was too low for the request (GraphQL `THROTTLED`, or an HTTP 429). */
export class ShopifyThrottled extends ShopifyError {
  readonly retryable = true;
  /** How long until the bucket holds the requested cost again. */
  readonly retryAfterMs: number;
  constructor(
    readonly throttleStatus: ShopifyThrottleStatus | null,
    readonly requestedQueryCost: number | null,
    retryAfterMs?: number,
  ) {
    super('Shopify throttled the request');
    this.name = 'ShopifyThrottled';
    this.retryAfterMs = retryAfterMs ?? throttledWait(throttleStatus, requestedQueryCost);
  }
}

/** Without a usable throttle status, wait as long as Shopify's Retry-After default (1 s). */
const DEFAULT_THROTTLED_WAIT_MS = 1000;

function throttledWait(status: ShopifyThrottleStatus | null, cost: number | null): number {
  if (!status || cost === null) return DEFAULT_THROTTLED_WAIT_MS;
  // Shopify throttled it, so the cost fits the bucket; clamp in case the numbers disagree.
  const fitting = Math.min(cost, status.maximumAvailable);
  try {
    return Math.max(waitBeforeQuery(status, fitting), 1);
  } catch {
    return DEFAULT_THROTTLED_WAIT_MS;
  }
}

/** 401 (invalid or revoked access token) or 403 (the app lacks a scope): retrying will not help. */
export class ShopifyUnauthorized extends ShopifyError {
  readonly retryable = false;
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ShopifyUnauthorized';
  }
}

/** Shopify could not be reached, timed out, or answered 5xx: the same request may work later. */
export class ShopifyUnavailable extends ShopifyError {
  readonly retryable = true;
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'ShopifyUnavailable';
  }
}

/** Any other refusal: a top-level GraphQL error (bad query, unknown id format, cost over the maximum) or an unexpected status. */
export class ShopifyRequestFailed extends ShopifyError {
  readonly retryable = false;
  constructor(
    message: string,
    readonly status: number | null,
    readonly graphQLErrors: { message: string; extensions?: Record<string, unknown> }[] = [],
  ) {
    super(message);
    this.name = 'ShopifyRequestFailed';
  }
}
