/** What one housekeeping run did (the schedule's recent actions show it in the Temporal UI). */
export interface HousekeepingReport {
  /** Web chat conversations started before `startedBefore` that never got a message. */
  abandonedChatConversationsDeleted: number;
  startedBefore: string;
  /** Live events (GET /me/stream) created before `liveEventsCreatedBefore` (optional: runs before it was added lack it). */
  liveEventsDeleted?: number;
  liveEventsCreatedBefore?: string;
}
