import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { RoundTripInput, RoundTripResult } from '../libs/temporal/contracts/round-trip.js';

const { recordRoundTrip } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumInterval: '10 seconds' },
});

/** Diagnostics: proves that a workflow reaches a worker whose activity can write to PostgreSQL. */
export async function roundTripWorkflow(input: RoundTripInput): Promise<RoundTripResult> {
  return recordRoundTrip({ ...input, workflowId: workflowInfo().workflowId });
}
