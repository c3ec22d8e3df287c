import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A row written by the round-trip workflow's activity: proof that API, worker and database are wired together. */
export const RoundTrip = defineEntity({
  name: 'RoundTrip',
  tableName: 'round_trips',
  properties: {
    id: p.string().primary(),
    workflowId: p.string(),
    requestedAt: p.datetime(),
    recordedAt: p.datetime(),
  },
});
export type RoundTrip = InferEntity<typeof RoundTrip>;
