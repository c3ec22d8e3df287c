import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';

/**
 * The retry budgets of the Shopify workflows' activities.
 *
 * Calls to Shopify: a THROTTLED answer sets its own retry delay (when the bucket holds the cost again);
 * outages back off up to a minute, for half an hour at most, and the operation then ends as failed.
 * Shopify's refusals (userErrors, a revoked token) are non-retryable and end it at once.
 */
export const shopifyCalls = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '30 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** The operation's own row: retried without limit, a database outage only delays it. */
export const operationStorage = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
