import type { ActivityDependencies } from './dependencies.js';

/** Rows deleted per statement, so a large backlog never holds a long lock. */
const DELETE_BATCH = 1000;

export function createHousekeepingActivities({ orm }: ActivityDependencies) {
  return {
    /** Deletes web chat conversations started before `startedBefore` that never got a message; returns how many. */
    async deleteAbandonedChatConversations(input: { startedBefore: string }): Promise<number> {
      let deleted = 0;
      for (;;) {
        const rows = await orm.em.fork().execute<{ id: string }[]>(
          `DELETE FROM web_chat_conversations WHERE id IN (
             SELECT id FROM web_chat_conversations WHERE ticket_id IS NULL AND created_at < ? LIMIT ${DELETE_BATCH}
           ) AND ticket_id IS NULL RETURNING id`,
          [input.startedBefore],
        );
        deleted += rows.length;
        if (rows.length < DELETE_BATCH) return deleted;
      }
    },
  };
}
