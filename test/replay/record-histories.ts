/**
 * Records the histories that the replay test replays on every run. Not part of `npm test`:
 * run `npm run record-histories` after an intended workflow change, review, and commit the JSON.
 * A plain Node script (Jest's module sandbox breaks the SDK's history serialiser).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { AccountSettingsService } from '../../apps/api/settings/account-settings.service.js';
import { AccountsService } from '../../libs/accounts/accounts.service.js';
import type { AgentAction } from '../../libs/domain/ticket.js';
import type { InboundMessageRequest } from '../../libs/ingestion/inbound-ingestion.js';
import { agentActionUpdate, inboundMessageSignal, ticketStateQuery } from '../../libs/temporal/contracts/ticket.js';
import { eventually } from '../support/eventually.js';
import { startTimeSkippingStack, type TimeSkippingStack } from '../support/time-skipping.js';

const ACCOUNT = '22222222-2222-4222-8222-222222222222';
const DAY = 24 * 3600_000;
const HISTORIES = path.join(process.cwd(), 'test', 'replay', 'histories');

let stack: TimeSkippingStack;
let sequence = 0;


const send = (request: Pick<InboundMessageRequest, 'channel'> & Partial<InboundMessageRequest>) =>
  stack.ingestion.ingest({
    accountId: ACCOUNT,
    externalId: `recorded-${++sequence}`,
    body: `recorded message ${sequence}`,
    sender: { phone: '+14155550199', email: 'recorded@example.com', visitorId: 'recorded-visitor' },
    ...request,
  });
const act = (ticketId: string, action: AgentAction) =>
  stack.env.client.workflow.getHandle(ticketId).executeUpdate(agentActionUpdate, { args: [{ action, actorUserId: 'agent-recorded' }] });
const waitFor = (ticketId: string, predicate: (s: Awaited<ReturnType<typeof state>>) => boolean) =>
  eventually(async () => {
    const s = await state(ticketId);
    return predicate(s) ? s : undefined;
  }, `ticket ${ticketId}`);
const state = (ticketId: string) => stack.env.client.workflow.getHandle(ticketId).query(ticketStateQuery);

async function save(name: string, ticketId: string, runId?: string): Promise<void> {
  const history = await stack.env.client.workflow.getHandle(ticketId, runId).fetchHistory();
  await writeFile(path.join(HISTORIES, `${name}.json`), JSON.stringify({ workflowId: ticketId, history: JSON.parse(historyToJSON(history)) }, null, 1) + '\n');
}

async function recordSmsSnoozeAndReopen(): Promise<void> {
  const { ticketId } = await send({ channel: 'sms' });
  await waitFor(ticketId, (s) => s.messageCount === 1);
  await act(ticketId, { type: 'assign', assigneeId: 'agent-recorded' });
  await act(ticketId, { type: 'tag', add: ['billing'], remove: [] });
  await act(ticketId, { type: 'snooze', until: new Date((await stack.env.currentTimeMs()) + 3 * DAY).toISOString() });
  await stack.env.sleep(3 * DAY + 1000);
  await waitFor(ticketId, (s) => s.status === 'open');
  await act(ticketId, { type: 'reply', messageId: 'recorded-reply-1', body: 'Thanks, on it.' });
  await act(ticketId, { type: 'close' });
  await send({ channel: 'sms' });
  await waitFor(ticketId, (s) => s.status === 'open' && s.messageCount === 3);
  await save('command-loop-sms-snooze-reopen', ticketId);
}

async function recordChatClosed(): Promise<void> {
  const { ticketId } = await send({ channel: 'web_chat', threadKey: 'recorded-conversation' });
  await waitFor(ticketId, (s) => s.messageCount === 1);
  await act(ticketId, { type: 'reply', messageId: 'recorded-reply-2', body: 'Hello!' });
  await act(ticketId, { type: 'mark_read' });
  await act(ticketId, { type: 'close' });
  await stack.env.client.workflow.getHandle(ticketId).result();
  await save('command-loop-chat-closed', ticketId);
}

async function recordEmailContinueAsNew(): Promise<void> {
  const { ticketId } = await send({ channel: 'email', threadKey: '<recorded-thread@example.com>', subject: 'Order 1001' });
  await waitFor(ticketId, (s) => s.messageCount === 1);
  const handle = stack.env.client.workflow.getHandle(ticketId);
  const firstRunId = (await handle.describe()).runId;
  for (let i = 0; i < 10; i++) await act(ticketId, { type: 'tag', add: [`step-${i}`], remove: [] });
  await eventually(async () => ((await handle.describe()).runId !== firstRunId ? true : undefined), 'continue-as-new');
  await save('command-loop-email-continue-as-new', ticketId, firstRunId);
}

/** A closed chat that waits for its follow-up forwards a late message to the next ticket, then sends the follow-up and ends. */
async function recordChatForwardAndFollowUp(): Promise<void> {
  const { ticketId } = await send({ channel: 'web_chat', threadKey: 'recorded-conversation-late' });
  await waitFor(ticketId, (s) => s.messageCount === 1);
  await act(ticketId, { type: 'reply', messageId: 'recorded-reply-3', body: 'Anything else?' });
  await act(ticketId, { type: 'close' });
  const late = await send({ channel: 'web_chat', threadKey: 'recorded-conversation-late' });
  await stack.env.client.workflow.getHandle(ticketId).signal(inboundMessageSignal, {
    messageId: `${late.messageId}-direct`,
    accountId: ACCOUNT,
    channel: 'web_chat',
    receivedAt: new Date(await stack.env.currentTimeMs()).toISOString(),
    body: 'one more thing',
    subject: null,
    sender: { name: null, phone: null, email: null, visitorId: 'recorded-visitor' },
    externalId: 'recorded-late-direct',
    threadKey: 'recorded-conversation-late',
  });
  await waitFor(late.ticketId, (s) => s.messageCount === 2);
  await stack.env.sleep(10 * 60_000);
  await stack.env.client.workflow.getHandle(ticketId).result();
  await save('command-loop-chat-forward-follow-up', ticketId);
}

/**
 * The SLA clock and CSAT: a policy with a 30-minute first response (warning at 80 %, paused while snoozed,
 * escalating a breach), a breach, a snooze that pauses the resolution, a late reply, a close that surveys.
 */
async function recordSlaClockAndCsat(): Promise<void> {
  const accounts = new AccountsService(stack.orm);
  const { account } = await accounts.createAccount({ name: 'Recorded SLA brand', ownerEmail: 'sla-owner@example.test', ownerName: 'SLA owner' });
  await new AccountSettingsService(stack.orm).updateSection(account.id, 'csat', { enabledChannels: ['email'], resendAfterDays: 7, question: 'How did we do?' });
  await stack.orm.em.fork().execute(
    `INSERT INTO sla_policies (id, account_id, position, name, targets, pause_while_snoozed, warn_at_percent, on_breach)
     VALUES ('recorded-policy', ?, 0, 'Recorded', ?::jsonb, true, 80, ?::jsonb)`,
    [
      account.id,
      JSON.stringify({ first_response: { minutes: 30, calendarId: null }, resolution: { minutes: 24 * 60, calendarId: null } }),
      JSON.stringify([{ type: 'raise_priority', to: 'high' }, { type: 'add_tag', tag: 'late' }]),
    ],
  );
  const { ticketId } = await stack.ingestion.ingest({
    accountId: account.id,
    channel: 'email',
    externalId: '<recorded-sla@example.com>',
    threadKey: '<recorded-sla@example.com>',
    subject: 'Recorded SLA',
    body: 'Where is my order?',
    sender: { email: 'recorded-sla@example.com' },
  });
  await waitFor(ticketId, (s) => s.sla?.policy?.id === 'recorded-policy');
  const firstRunId = (await stack.env.client.workflow.getHandle(ticketId).describe()).runId;
  await stack.env.sleep(31 * 60_000);
  await waitFor(ticketId, (s) => s.priority === 'high');
  await act(ticketId, { type: 'snooze', until: new Date((await stack.env.currentTimeMs()) + 2 * 3600_000).toISOString() });
  await stack.env.sleep(2 * 3600_000 + 1000);
  await waitFor(ticketId, (s) => s.status === 'open' && (s.sla?.clocks.every((clock) => clock.pausedSince === null) ?? false));
  await act(ticketId, { type: 'reply', messageId: 'recorded-sla-reply', body: 'Sorry for the wait: it ships today.' });
  await act(ticketId, { type: 'close' });
  await waitFor(ticketId, (s) => s.lastMessageId?.startsWith('csat-') ?? false);
  await save('sla-clock-email-breach-snooze-csat', ticketId);
  // The history limit hands the ticket to a new run along the way: the first run holds the creation and the breach.
  await save('sla-clock-email-created-breached', ticketId, firstRunId);
}

// Run from dist/test/replay: the plain-JavaScript server set-up stays in the source tree.
const { default: startServers } = (await import(new URL('../../../test/support/global-setup.mjs', import.meta.url).href)) as { default: () => Promise<void> };
const { default: stopServers } = (await import(new URL('../../../test/support/global-teardown.mjs', import.meta.url).href)) as { default: () => Promise<void> };
await startServers();
try {
  stack = await startTimeSkippingStack({ TICKET_HISTORY_EVENT_LIMIT: '60' });
  await recordSmsSnoozeAndReopen();
  await recordChatClosed();
  await recordEmailContinueAsNew();
  await recordChatForwardAndFollowUp();
  await recordSlaClockAndCsat();
  await stack.stop();
} finally {
  await stopServers();
}
process.stdout.write(`histories written to ${HISTORIES}\n`);
