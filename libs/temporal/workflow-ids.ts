/**
 * The one place that knows how workflows are named and where they run.
 * Workflow ids are stored in plain text by Temporal (payload codecs do not cover them),
 * so ids derived from personal data use a keyed hash, never the raw value.
 */
export const WORKFLOW_TYPES = {
  roundTrip: 'roundTripWorkflow',
} as const;

export function roundTripWorkflowId(roundTripId: string): string {
  return `round-trip:${roundTripId}`;
}
