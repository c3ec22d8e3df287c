import type { RoundTripInput, RoundTripResult } from '../libs/temporal/contracts/round-trip.js';
import { RoundTrip } from '../libs/persistence/entities/index.js';
import type { ActivityDependencies } from './dependencies.js';

export function createRoundTripActivities({ orm }: ActivityDependencies) {
  return {
    /** Idempotent: a retried attempt finds the row of the first and returns it unchanged. */
    async recordRoundTrip(input: RoundTripInput & { workflowId: string }): Promise<RoundTripResult> {
      const em = orm.em.fork();
      await em.getConnection().execute(
        `INSERT INTO round_trips (id, workflow_id, requested_at, recorded_at) VALUES (?, ?, ?, now())
         ON CONFLICT (id) DO NOTHING`,
        [input.roundTripId, input.workflowId, input.requestedAt],
      );
      const row = await em.findOneOrFail(RoundTrip, { id: input.roundTripId });
      return { roundTripId: row.id, workflowId: row.workflowId, recordedAt: row.recordedAt.toISOString() };
    },
  };
}
