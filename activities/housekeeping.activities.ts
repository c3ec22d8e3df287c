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

    /**
     * Deletes the live events (GET /me/stream) created before `createdBefore`; returns how many. Each batch
     * raises `live_events_retention.purged_through` to the highest id it deleted, in the same statement, so
     * a client resuming from an older id is told to refetch. Running it again deletes nothing more.
     */
    async deleteExpiredLiveEvents(input: { createdBefore: string }): Promise<number> {
      let deleted = 0;
      for (;;) {
        const [row] = await orm.em.fork().execute<{ count: string }[]>(
          `WITH deleted AS (
             DELETE FROM live_events WHERE id IN (
               SELECT id FROM live_events WHERE created_at < ? ORDER BY id LIMIT ${DELETE_BATCH}
             ) RETURNING id
           ), raised AS (
             UPDATE live_events_retention SET purged_through = GREATEST(purged_through, (SELECT max(id) FROM deleted))
             WHERE EXISTS (SELECT 1 FROM deleted) RETURNING 1
           )
           SELECT count(*) AS count FROM deleted`,
          [input.createdBefore],
        );
        const count = Number(row?.count ?? 0);
        deleted += count;
        if (count < DELETE_BATCH) return deleted;
      }
    },
  };
}
