import type { ActivityDependencies } from './dependencies.js';
import { createRoundTripActivities } from './round-trip.activities.js';

export type { ActivityDependencies } from './dependencies.js';

export function createActivities(dependencies: ActivityDependencies) {
  return {
    ...createRoundTripActivities(dependencies),
  };
}

/** Workflows import this type only, never the implementations. */
export type Activities = ReturnType<typeof createActivities>;
