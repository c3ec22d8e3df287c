/** What one housekeeping run did (the schedule's recent actions show it in the Temporal UI). */
export interface HousekeepingReport {
  /** Web chat conversations started before `startedBefore` that never got a message. */
  abandonedChatConversationsDeleted: number;
  startedBefore: string;
}
