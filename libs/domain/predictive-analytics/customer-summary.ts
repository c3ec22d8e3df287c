/**
 * Turns raw orders into the per-customer summary the models need. Pure: `now` is passed in, never read.
 *
 * Definitions (times in days, fractional, measured between the exact instants):
 * - A purchase occasion is a UTC calendar day with at least one order; a customer's orders on one day count as one
 *   purchase, worth their sum. BG/NBD assumes purchases are separate events, and the CDNOW sample the model was
 *   published on was summarised the same way (several orders in one checkout session would otherwise look like a
 *   very frequent buyer).
 * - x = purchase occasions − 1 (repeat purchases); tx = first order of the last occasion − first order;
 *   T = now − first order.
 * - meanValue (z̄ for Gamma-Gamma) = mean value of the repeat occasions (the first purchase is left out, as in
 *   the Gamma-Gamma note); 0 when x = 0.
 */

import type { RfmObservation } from './bg-nbd.js';
import type { MonetaryObservation } from './gamma-gamma.js';

export interface Order {
  profileId: string;
  /** ISO 8601 timestamp, e.g. '2024-03-01T12:00:00Z'. */
  placedAt: string;
  /** Order value in the account's currency; finite and ≥ 0. */
  value: number;
}

export interface CustomerSummary extends RfmObservation, MonetaryObservation {
  profileId: string;
  /** Repeat purchase occasions (see the file comment). */
  x: number;
  /** Days from the first order to the last purchase occasion. */
  tx: number;
  /** Days from the first order to `now`. */
  T: number;
  /** Mean value of the repeat purchase occasions (Gamma-Gamma's z̄); 0 when x = 0. */
  meanValue: number;
  /** Raw number of orders (not occasions). */
  orderCount: number;
  /** Sum of all order values (the historic CLV). */
  totalValue: number;
  firstOrderAt: string;
  lastOrderAt: string;
}

export const MS_PER_DAY = 24 * 60 * 60 * 1000;
// Date.parse also accepts non-ISO strings ('March 1, 2024'); insist on ISO 8601 date-times.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch of an ISO 8601 date-time with an offset, or a RangeError. */
export function parseInstant(value: string, what: string): number {
  const ms = ISO_DATE_TIME.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${what} must be an ISO 8601 date-time with a time zone offset, got '${value}'`);
  return ms;
}

export function toInstant(now: Date | string, what = 'now'): number {
  const ms = typeof now === 'string' ? parseInstant(now, what) : now.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${what} is an invalid date`);
  return ms;
}

/**
 * One summary per profile with at least one order, sorted by profileId (code-unit order, not locale order, so the
 * result is the same on every machine). Throws a RangeError for an unparseable placedAt, a negative or non-finite
 * value, or an order placed after `now` (it cannot have been observed yet, and would make T < tx).
 */
export function summariseOrders(orders: readonly Order[], now: Date | string): CustomerSummary[] {
  const nowMs = toInstant(now);
  const byProfile = new Map<string, { at: number; value: number }[]>();
  orders.forEach((order, i) => {
    const at = parseInstant(order.placedAt, `orders[${i}].placedAt`);
    if (at > nowMs) throw new RangeError(`orders[${i}] was placed at ${order.placedAt}, after now`);
    if (!Number.isFinite(order.value) || order.value < 0) throw new RangeError(`orders[${i}].value must be finite and non-negative, got ${order.value}`);
    const list = byProfile.get(order.profileId);
    if (list) list.push({ at, value: order.value });
    else byProfile.set(order.profileId, [{ at, value: order.value }]);
  });

  const profileIds = [...byProfile.keys()].sort((u, v) => (u < v ? -1 : u > v ? 1 : 0));
  return profileIds.map((profileId) => {
    const list = byProfile.get(profileId)!.slice().sort((u, v) => u.at - v.at);
    const occasions: { at: number; value: number }[] = [];
    for (const order of list) {
      const last = occasions[occasions.length - 1];
      if (last && Math.floor(last.at / MS_PER_DAY) === Math.floor(order.at / MS_PER_DAY)) last.value += order.value;
      else occasions.push({ ...order });
    }
    const first = list[0]!.at;
    const x = occasions.length - 1;
    const repeatValue = occasions.slice(1).reduce((s, o) => s + o.value, 0);
    const meanRepeatValue = x > 0 ? repeatValue / x : 0;
    return {
      profileId,
      x,
      tx: (occasions[occasions.length - 1]!.at - first) / MS_PER_DAY,
      T: (nowMs - first) / MS_PER_DAY,
      meanValue: meanRepeatValue,
      orderCount: list.length,
      totalValue: list.reduce((s, o) => s + o.value, 0),
      firstOrderAt: new Date(first).toISOString(),
      lastOrderAt: new Date(list[list.length - 1]!.at).toISOString(),
    };
  });
}
