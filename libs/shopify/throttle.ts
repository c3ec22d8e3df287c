/**
 * Shopify's GraphQL Admin API rate limit is a leaky bucket of query-cost points: a query starts only if the
 * bucket holds at least its requested cost, and the bucket refills at `restoreRate` points a second up to
 * `maximumAvailable`. Every answer reports the bucket in `extensions.cost.throttleStatus`.
 */
export interface ShopifyThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  /** Points restored per second. */
  restoreRate: number;
}

/** The points the bucket holds `elapsedMs` after `status` was reported (it never overflows its maximum). */
export function availableAfter(status: ShopifyThrottleStatus, elapsedMs: number): number {
  const restored = (Math.max(0, elapsedMs) / 1000) * status.restoreRate;
  return Math.min(status.maximumAvailable, status.currentlyAvailable + restored);
}

/**
 * How long to wait, in whole milliseconds, before a query of `cost` points can start, given the bucket as
 * `status` reported it `elapsedMs` ago: 0 when enough is available now. A cost larger than the bucket can
 * ever hold, or a bucket that does not refill, can never be waited out: that is a RangeError, not a wait.
 */
export function waitBeforeQuery(status: ShopifyThrottleStatus, cost: number, elapsedMs = 0): number {
  const available = availableAfter(status, elapsedMs);
  if (available >= cost) return 0;
  if (cost > status.maximumAvailable) {
    throw new RangeError(`a query costing ${cost} points never fits a bucket of ${status.maximumAvailable}`);
  }
  if (!(status.restoreRate > 0)) throw new RangeError(`the bucket does not refill (restoreRate ${status.restoreRate})`);
  return Math.ceil(((cost - available) / status.restoreRate) * 1000);
}
