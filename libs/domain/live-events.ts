/**
 * How long the rows behind GET /me/stream are kept (docs/architecture.md, "Live updates"): a client that
 * was away longer resumes with a `reset` (it refetches) instead of a replay. Housekeeping deletes older rows.
 */
export const LIVE_EVENTS_KEPT_MS = 3 * 24 * 60 * 60 * 1000;
