import { sleep } from '@temporalio/workflow';
import { waitBeforeQuery, type ShopifyOrderSyncInput, type ShopifyOrderSyncResult, type ShopifyOrdersPage, type ShopifyPacing } from '../../libs/temporal/contracts/shopify.js';
import { shopifyCalls } from './activities.js';

/** A bound on one backfill (6 orders a page): enough for any customer's history; a longer one is cut there. */
const MAX_PAGES = 500;
/** When the bucket's numbers cannot be waited out (a cost over the maximum), wait Shopify's Retry-After default. */
const FALLBACK_WAIT_MS = 1000;

/** How long before a query of `cost` points can start, from the bucket the last answer reported. */
function paceFor(pacing: ShopifyPacing, cost: number | null): number {
  if (!pacing.throttleStatus || cost === null) return 0;
  try {
    return waitBeforeQuery(pacing.throttleStatus, cost);
  } catch {
    return FALLBACK_WAIT_MS;
  }
}

/**
 * Backfill of one profile's Shopify orders (workflow id shopifyOrderSyncWorkflowId): finds the customer, then
 * pages through its orders newest first, storing each page. It paces itself by the cost-based rate limit:
 * before each page it sleeps until the bucket, as the last answer reported it, holds the page's cost; a
 * THROTTLED answer anyway is retried by Temporal once the bucket has refilled (the activity's nextRetryDelay).
 */
export async function shopifyOrderSyncWorkflow(input: ShopifyOrderSyncInput): Promise<ShopifyOrderSyncResult> {
  const found = await shopifyCalls.shopifyFindCustomer(input);
  if (!found.customerId) return { customerId: null, ordersStored: 0, pages: 0 };
  let pacing = found.pacing;
  let pageCost: number | null = null;
  let after: string | null = null;
  let ordersStored = 0;
  let pages = 0;
  for (;;) {
    const wait = paceFor(pacing, pageCost);
    if (wait > 0) await sleep(wait);
    const page: ShopifyOrdersPage = await shopifyCalls.shopifySyncOrdersPage({ ...input, customerId: found.customerId, after });
    pages += 1;
    ordersStored += page.ordersStored;
    pacing = page.pacing;
    pageCost = page.pacing.requestedQueryCost ?? pageCost;
    if (!page.hasNextPage || !page.endCursor || pages >= MAX_PAGES) break;
    after = page.endCursor;
  }
  return { customerId: found.customerId, ordersStored, pages };
}
