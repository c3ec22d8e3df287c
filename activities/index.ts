import { createDeliveryActivities } from './delivery.activities.js';
import type { ActivityDependencies } from './dependencies.js';
import { createIngestionActivities } from './ingestion.activities.js';
import { createRoundTripActivities } from './round-trip.activities.js';
import { createTicketActivities } from './tickets.activities.js';

export type { ActivityDependencies } from './dependencies.js';

export function createActivities(dependencies: ActivityDependencies) {
  return {
    ...createRoundTripActivities(dependencies),
    ...createTicketActivities(dependencies),
    ...createDeliveryActivities(dependencies),
    ...createIngestionActivities(dependencies),
  };
}

/** Workflows import this type only, never the implementations. */
export type Activities = ReturnType<typeof createActivities>;
