import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';

/**
 * The retry budgets of the ticket's activities, in one place.
 *
 * Storage (projections, messages, the facts rules need) retries without limit: a database outage only
 * delays a ticket, and nothing accepted may be lost. Data the database refuses for good is raised by
 * the activity as a non-retryable failure, so it fails at once and the ticket goes on without it.
 */
export const storage = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** How long one attempt to hand a message to a provider may take; carried deliveries wait this long before a new run retries them. */
export const DELIVERY_ATTEMPT_TIMEOUT = '1 minute';

/**
 * Deliveries to providers (Twilio, the SMTP relay) run beside the command loop, with backoff and a
 * budget of hours; a refusal the provider means for good comes back at once as a failed result.
 */
export const delivery = proxyActivities<Activities>({
  startToCloseTimeout: DELIVERY_ATTEMPT_TIMEOUT,
  scheduleToCloseTimeout: '6 hours',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/** Alerts to agents matter while they are fresh: an hour of retries, then the ticket lets them go. */
export const notifications = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 hour',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
