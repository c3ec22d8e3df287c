import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ensureHousekeepingSchedule } from '../../apps/worker/housekeeping-schedule.js';
import { ABANDONED_CONVERSATION_KEPT_MS } from '../../libs/domain/web-chat-lifecycle.js';
import { createAccountWithUsers } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { startTestStack, type TestStack } from '../support/stack.js';

describe('housekeeping on a Temporal schedule', () => {
  let stack: TestStack;
  let scheduleId: string;

  beforeAll(async () => {
    stack = await startTestStack();
    scheduleId = await ensureHousekeepingSchedule(stack.temporal, stack.config);
  });
  afterAll(async () => {
    await stack?.temporal.schedule.getHandle(scheduleId).delete().catch(() => undefined);
    await stack?.stop();
  });

  it('is created once, however many workers start', async () => {
    expect(await ensureHousekeepingSchedule(stack.temporal, stack.config)).toBe(scheduleId);
    const description = await stack.temporal.schedule.getHandle(scheduleId).describe();
    expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'housekeepingWorkflow', taskQueue: stack.config.temporal.taskQueue });
  });

  it('deletes chat conversations that never got a message a day after they started, and nothing else', async () => {
    const { accountId } = await createAccountWithUsers(stack.orm, { roles: ['owner'] });
    const startedAgo = (ms: number) => new Date(Date.now() - ms).toISOString();
    const conversation = async (name: string, createdAt: string, ticketId: string | null) => {
      const id = `${name}-${randomUUID()}`;
      await stack.orm.em.fork().execute(
        'INSERT INTO web_chat_conversations (id, account_id, visitor_id, created_at, ticket_id) VALUES (?, ?, ?, ?, ?)',
        [id, accountId, 'visitor-1', createdAt, ticketId],
      );
      return id;
    };
    const abandoned = await conversation('abandoned', startedAgo(ABANDONED_CONVERSATION_KEPT_MS + 60_000), null);
    const fresh = await conversation('fresh', startedAgo(ABANDONED_CONVERSATION_KEPT_MS - 3_600_000), null);
    const used = await conversation('used', startedAgo(10 * ABANDONED_CONVERSATION_KEPT_MS), `ticket-chat-${accountId}-${randomUUID()}`);
    const remaining = () => stack.orm.em.fork().execute<{ id: string }[]>('SELECT id FROM web_chat_conversations WHERE id IN (?, ?, ?) ORDER BY id', [abandoned, fresh, used]);

    await stack.temporal.schedule.getHandle(scheduleId).trigger();
    const ids = await eventually(async () => {
      const rows = await remaining();
      return rows.length === 2 ? rows.map((row) => row.id) : undefined;
    }, 'the abandoned conversation deleted');
    expect(ids.sort()).toEqual([fresh, used].sort());
    const report = await eventually(async () => {
      const [run] = (await stack.temporal.schedule.getHandle(scheduleId).describe()).info.recentActions;
      if (!run) return undefined;
      const result = await stack.temporal.workflow.getHandle(run.action.workflow.workflowId, run.action.workflow.firstExecutionRunId).result();
      return result as { abandonedChatConversationsDeleted: number };
    }, 'the run\'s report');
    expect(report.abandonedChatConversationsDeleted).toBe(1);
  });
});
