/**
 * Records the hand-over of a ticket run that the workflow code before the command loop started:
 * the old code runs it first, then a worker with today's code picks it up live, and the run
 * continues as new into the command loop. Both runs' histories go to test/replay/histories, where
 * the replay test replays them on every run. A one-off, not part of `npm test`:
 *
 *   git worktree add /tmp/pre-loop c01ef63   # the last commit before the command loop
 *   tsc -p tsconfig.json && node dist/test/replay/record-hand-over.js /tmp/pre-loop/workflows/index.ts
 *
 * (with scripts/setup.sh sourced, for tsc and the test server on PATH)
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { workflowsEntryPath } from '../../apps/worker/worker.js';
import { findExecutable } from '../../libs/embedded/temporal-dev-server.js';
import { agentActionUpdate, inboundMessageSignal, ticketStateQuery, type InboundMessage, type TicketWorkflowInput } from '../../libs/temporal/contracts/ticket.js';
import { installTemporalRuntime } from '../../libs/temporal/runtime.js';
import { WORKFLOW_TYPES } from '../../libs/temporal/workflow-ids.js';
import { eventually } from '../support/eventually.js';
import { GatedActivities } from '../support/gated-activities.js';

const HISTORIES = path.join(process.cwd(), 'test', 'replay', 'histories');
const preLoopWorkflows = process.argv[2];
if (!preLoopWorkflows) throw new Error('usage: record-hand-over.js <workflows/index.ts of the commit before the command loop>');

installTemporalRuntime('warn');
const testServer = findExecutable('temporal-test-server', process.env.TEMPORAL_TEST_SERVER_PATH);
if (!testServer) throw new Error('temporal-test-server not found: run `source scripts/setup.sh` first');
const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer } } });
const taskQueue = 'hand-over';
const activities = new GatedActivities();
const ticketId = 'ticket-email-hand-over';
const handle = env.client.workflow.getHandle(ticketId);
const message = (messageId: string): InboundMessage => ({
  messageId,
  accountId: 'account-1',
  channel: 'email',
  receivedAt: new Date().toISOString(),
  body: `body of ${messageId}`,
  subject: 'Order 1001',
  sender: { name: null, phone: null, email: 'customer@example.com', visitorId: null },
  externalId: messageId,
  threadKey: '<hand-over@example.com>',
});
const runWorker = async (workflowsPath: string, work: () => Promise<void>) => {
  const { code } = await bundleWorkflowCode({ workflowsPath });
  // No sticky cache: the test server does not hand a stopped worker's sticky tasks back to the normal queue.
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: { code }, activities: activities.build(), maxCachedWorkflows: 0 });
  await worker.runUntil(work());
};
const act = (tag: string) => handle.executeUpdate(agentActionUpdate, { args: [{ action: { type: 'tag', add: [tag], remove: [] }, actorUserId: 'agent-recorded' }] });

try {
  await runWorker(preLoopWorkflows, async () => {
    const input: TicketWorkflowInput = { ticketId, accountId: 'account-1', channel: 'email', historyEventLimit: 10_000 };
    await env.client.workflow.signalWithStart(WORKFLOW_TYPES.ticket, { workflowId: ticketId, taskQueue, args: [input], signal: inboundMessageSignal, signalArgs: [message('hand-over-1')] });
    await act('before-hand-over');
  });
  const preLoopRunId = (await handle.describe()).runId;
  await runWorker(workflowsEntryPath(), async () => {
    await handle.signal(inboundMessageSignal, message('hand-over-2'));
    await eventually(async () => ((await handle.describe()).runId !== preLoopRunId ? true : undefined), 'the hand-over', 60_000).catch(async (error: unknown) => {
      const { events } = await handle.fetchHistory();
      process.stderr.write(`${(events ?? []).map((event) => `${event.eventId} ${event.eventType}`).join('\n')}\n`);
      throw error;
    });
    const after = await act('after-hand-over');
    if (after.messageCount !== 2 || after.tags.join() !== 'before-hand-over,after-hand-over') throw new Error(`unexpected state after the hand-over: ${JSON.stringify(after)}`);
    await handle.query(ticketStateQuery);
  });
  for (const [name, runId] of [['hand-over-pre-loop-run', preLoopRunId], ['hand-over-command-loop-run', (await handle.describe()).runId]] as const) {
    const history = await env.client.workflow.getHandle(ticketId, runId).fetchHistory();
    await writeFile(path.join(HISTORIES, `${name}.json`), JSON.stringify({ workflowId: ticketId, history: JSON.parse(historyToJSON(history)) }, null, 1) + '\n');
  }
  process.stdout.write(`hand-over histories written to ${HISTORIES}\n`);
} finally {
  await env.teardown();
}
