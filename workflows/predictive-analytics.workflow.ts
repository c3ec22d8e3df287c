import { executeChild, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { nightlyPredictionRefitWorkflowId, type PredictionRefitInput, type PredictionRefitReport } from '../libs/temporal/contracts/predictive-analytics.js';

const { refitPredictions, accountsWithCustomers } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  retry: { maximumInterval: '5 minutes', maximumAttempts: 5 },
});

/** Refits one account's predictive analytics (nightly through the schedule, or when an admin asks). */
export async function predictionRefitWorkflow(input: PredictionRefitInput): Promise<PredictionRefitReport> {
  return refitPredictions(input);
}

/** Run nightly by a schedule (apps/worker/prediction-schedule.ts): one child refit per account, one after another. */
export async function nightlyPredictionRefitWorkflow(): Promise<{ accounts: number; qualifying: number }> {
  let qualifying = 0;
  const accounts = await accountsWithCustomers();
  for (const accountId of accounts) {
    const workflowId = nightlyPredictionRefitWorkflowId(accountId, new Date().toISOString().slice(0, 10));
    const report = await executeChild(predictionRefitWorkflow, { workflowId, args: [{ accountId }] });
    if (report.qualifies) qualifying++;
  }
  return { accounts: accounts.length, qualifying };
}
