/** What one refit of an account's predictive analytics did (the workflow's result, shown in the Temporal UI). */
export interface PredictionRefitReport {
  accountId: string;
  fittedAt: string;
  qualifies: boolean;
  /** Why the account does not qualify yet (Klaviyo's criteria), empty when it does. */
  reasons: string[];
  customers: number;
  orders: number;
  /** Profiles whose figures were written. */
  profiles: number;
}

export interface PredictionRefitInput {
  accountId: string;
}

/** An account's on-demand refit: one at a time (a second request joins the running one). */
export function predictionRefitWorkflowId(accountId: string): string {
  return `predictions:${accountId}`;
}

/** An account's refit in the nightly run of `day` (YYYY-MM-DD). */
export function nightlyPredictionRefitWorkflowId(accountId: string, day: string): string {
  return `predictions:${accountId}:nightly:${day}`;
}
