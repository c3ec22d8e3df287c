import { createCsatActivities } from './csat.activities.js';
import { createDeliveryActivities } from './delivery.activities.js';
import type { ActivityDependencies } from './dependencies.js';
import { createHousekeepingActivities } from './housekeeping.activities.js';
import { createIngestionActivities } from './ingestion.activities.js';
import { createPredictiveAnalyticsActivities } from './predictive-analytics.activities.js';
import { createRoundTripActivities } from './round-trip.activities.js';
import { createShopifyActivities } from './shopify/shopify.activities.js';
import { createSlaActivities } from './sla.activities.js';
import { createSmsAutomationActivities } from './sms/sms-automation.activities.js';
import { createTeamActivities } from './teams.activities.js';
import { createTicketActivities } from './tickets.activities.js';
import { createWebChatActivities } from './web-chat/web-chat.activities.js';

export type { ActivityDependencies } from './dependencies.js';

export function createActivities(dependencies: ActivityDependencies) {
  return {
    ...createRoundTripActivities(dependencies),
    ...createTicketActivities(dependencies),
    ...createDeliveryActivities(dependencies),
    ...createIngestionActivities(dependencies),
    ...createSmsAutomationActivities(dependencies),
    ...createWebChatActivities(dependencies),
    ...createHousekeepingActivities(dependencies),
    ...createShopifyActivities(dependencies),
    ...createPredictiveAnalyticsActivities(dependencies),
    ...createSlaActivities(dependencies),
    ...createCsatActivities(dependencies),
    ...createTeamActivities(dependencies),
  };
}

/** Workflows import this type only, never the implementations. */
export type Activities = ReturnType<typeof createActivities>;
