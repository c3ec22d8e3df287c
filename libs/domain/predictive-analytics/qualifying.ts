/**
 * Whether an account has enough order data for predictive analytics; Klaviyo's published criteria:
 * at least 500 customers who have placed an order, at least 180 days of order history, at least one order in the
 * last 30 days, and some customers who have placed 3 or more orders. Below these the fits are too noisy to show.
 */

import { parseInstant, toInstant, MS_PER_DAY, type CustomerSummary } from './customer-summary.js';

export const QUALIFYING_MIN_CUSTOMERS_WITH_ORDERS = 500;
export const QUALIFYING_MIN_HISTORY_DAYS = 180;
export const QUALIFYING_RECENT_ORDER_DAYS = 30;
export const QUALIFYING_REPEAT_ORDER_COUNT = 3;
/** "Some customers" with 3+ orders: at least this many. */
export const QUALIFYING_MIN_CUSTOMERS_WITH_REPEAT_ORDERS = 1;

export type QualifyingResult = { qualifies: true } | { qualifies: false; reasons: string[] };

export type QualifyingCustomer = Pick<CustomerSummary, 'orderCount' | 'firstOrderAt' | 'lastOrderAt'>;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** One reason per failed criterion, in the order listed above. Customers with no orders are ignored. */
export function checkPredictiveAnalyticsQualifying(customers: readonly QualifyingCustomer[], now: Date | string): QualifyingResult {
  const nowMs = toInstant(now);
  const buyers = customers.filter((c) => c.orderCount > 0);
  const reasons: string[] = [];

  if (buyers.length < QUALIFYING_MIN_CUSTOMERS_WITH_ORDERS) {
    const verb = buyers.length === 1 ? 'has' : 'have';
    reasons.push(`${plural(buyers.length, 'customer', 'customers')} ${verb} placed an order; at least ${QUALIFYING_MIN_CUSTOMERS_WITH_ORDERS} are needed`);
  }

  const firsts = buyers.map((c) => parseInstant(c.firstOrderAt, 'firstOrderAt'));
  const lasts = buyers.map((c) => parseInstant(c.lastOrderAt, 'lastOrderAt'));
  const historyDays = firsts.length > 0 ? (nowMs - firsts.reduce((m, v) => Math.min(m, v))) / MS_PER_DAY : 0;
  if (historyDays < QUALIFYING_MIN_HISTORY_DAYS) {
    reasons.push(
      firsts.length === 0
        ? `There is no order history; at least ${QUALIFYING_MIN_HISTORY_DAYS} days are needed`
        : `Order history covers ${plural(Math.floor(historyDays), 'day', 'days')}; at least ${QUALIFYING_MIN_HISTORY_DAYS} days are needed`,
    );
  }

  const daysSinceLastOrder = lasts.length > 0 ? (nowMs - lasts.reduce((m, v) => Math.max(m, v))) / MS_PER_DAY : Infinity;
  if (!(daysSinceLastOrder <= QUALIFYING_RECENT_ORDER_DAYS)) {
    reasons.push(
      lasts.length === 0
        ? `No order has been placed; at least one order in the last ${QUALIFYING_RECENT_ORDER_DAYS} days is needed`
        : `The most recent order was placed ${plural(Math.floor(daysSinceLastOrder), 'day', 'days')} ago; at least one order in the last ${QUALIFYING_RECENT_ORDER_DAYS} days is needed`,
    );
  }

  const repeaters = buyers.filter((c) => c.orderCount >= QUALIFYING_REPEAT_ORDER_COUNT).length;
  if (repeaters < QUALIFYING_MIN_CUSTOMERS_WITH_REPEAT_ORDERS) {
    reasons.push(
      `${plural(repeaters, 'customer has', 'customers have')} placed ${QUALIFYING_REPEAT_ORDER_COUNT} or more orders; at least ${QUALIFYING_MIN_CUSTOMERS_WITH_REPEAT_ORDERS} ${QUALIFYING_MIN_CUSTOMERS_WITH_REPEAT_ORDERS === 1 ? 'is' : 'are'} needed`,
    );
  }

  return reasons.length === 0 ? { qualifies: true } : { qualifies: false, reasons };
}
