import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { ABANDONED_CONVERSATION_KEPT_MS } from '../libs/domain/web-chat-lifecycle.js';
import type { HousekeepingReport } from '../libs/temporal/contracts/housekeeping.js';

const { deleteAbandonedChatConversations } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { maximumInterval: '1 minute', maximumAttempts: 10 },
});

/** Run by a schedule (apps/worker/housekeeping-schedule.ts): deletes what nobody will use again. */
export async function housekeepingWorkflow(): Promise<HousekeepingReport> {
  const startedBefore = new Date(Date.now() - ABANDONED_CONVERSATION_KEPT_MS).toISOString();
  const abandonedChatConversationsDeleted = await deleteAbandonedChatConversations({ startedBefore });
  return { abandonedChatConversationsDeleted, startedBefore };
}
