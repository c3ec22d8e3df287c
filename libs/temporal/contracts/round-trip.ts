export interface RoundTripInput {
  roundTripId: string;
  requestedAt: string;
}

export interface RoundTripResult {
  roundTripId: string;
  workflowId: string;
  recordedAt: string;
}
