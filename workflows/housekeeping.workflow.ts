import { patched, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { LIVE_EVENTS_KEPT_MS } from '../libs/domain/live-events.js';
import { ABANDONED_CONVERSATION_KEPT_MS } from '../libs/domain/web-chat-lifecycle.js';
import type { HousekeepingReport } from '../libs/temporal/contracts/housekeeping.js';

const { deleteAbandonedChatConversations, deleteExpiredLiveEvents } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { maximumInterval: '1 minute', maximumAttempts: 10 },
});

/** Run by a schedule (apps/worker/housekeeping-schedule.ts): deletes what nobody will use again. */
export async function housekeepingWorkflow(): Promise<HousekeepingReport> {
  const startedBefore = new Date(Date.now() - ABANDONED_CONVERSATION_KEPT_MS).toISOString();
  const abandonedChatConversationsDeleted = await deleteAbandonedChatConversations({ startedBefore });
  // Runs recorded before live events existed completed right after the first activity; they replay that way.
  if (!patched('live-events-retention')) return { abandonedChatConversationsDeleted, startedBefore };
  const liveEventsCreatedBefore = new Date(Date.now() - LIVE_EVENTS_KEPT_MS).toISOString();
  const liveEventsDeleted = await deleteExpiredLiveEvents({ createdBefore: liveEventsCreatedBefore });
  return { abandonedChatConversationsDeleted, startedBefore, liveEventsDeleted, liveEventsCreatedBefore };
}
