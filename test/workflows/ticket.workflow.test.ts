import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { AgentAction, TicketState } from '../../libs/domain/ticket.js';
import type { InboundMessageRequest } from '../../libs/ingestion/inbound-ingestion.js';
import { agentActionUpdate, inboundMessageSignal, ticketStateQuery, type InboundMessage } from '../../libs/temporal/contracts/ticket.js';
import { eventually } from '../support/eventually.js';
import { startTimeSkippingStack, type TimeSkippingStack } from '../support/time-skipping.js';

const ACCOUNT = '11111111-1111-4111-8111-111111111111';
const HOUR = 3600_000;
const DAY = 24 * HOUR;

describe('ticket workflow on the time-skipping test server', () => {
  let stack: TimeSkippingStack;
  let sequence = 0;

  beforeAll(async () => {
    // A low history limit forces continue-as-new within a few dozen events.
    stack = await startTimeSkippingStack({ TICKET_HISTORY_EVENT_LIMIT: '80' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const send = (request: Partial<InboundMessageRequest> & Pick<InboundMessageRequest, 'channel'>) =>
    stack.ingestion.ingest({
      accountId: ACCOUNT,
      externalId: `ext-${++sequence}`,
      body: `message ${sequence}`,
      sender: { phone: '+14155550100', email: 'customer@example.com', visitorId: 'visitor-1' },
      ...request,
    });
  const act = (ticketId: string, action: AgentAction) =>
    stack.env.client.workflow.getHandle(ticketId).executeUpdate(agentActionUpdate, { args: [{ action, actorUserId: 'agent-1' }] });
  const state = (ticketId: string) => stack.env.client.workflow.getHandle(ticketId).query(ticketStateQuery);
  const nowMs = () => stack.env.currentTimeMs();
  const messageCount = async (ticketId: string) => {
    const [row] = await stack.orm.em.fork().execute<{ count: string }[]>('SELECT count(*) AS count FROM messages WHERE ticket_id = ?', [ticketId]);
    return Number(row!.count);
  };
  const settled = (ticketId: string, messages: number) =>
    eventually(async () => ((await messageCount(ticketId)) >= messages ? true : undefined), `${messages} messages in ${ticketId}`);

  it('wakes a ticket after a 3-day snooze and alerts its assignee', async () => {
    const phone = '+14155550111';
    const { ticketId } = await send({ channel: 'sms', sender: { phone } });
    await settled(ticketId, 1);
    await act(ticketId, { type: 'assign', assigneeId: 'agent-7' });
    const until = new Date((await nowMs()) + 3 * DAY).toISOString();
    const snoozed = await act(ticketId, { type: 'snooze', until });
    expect(snoozed.status).toBe('snoozed');

    const started = Date.now();
    await stack.env.sleep(3 * DAY + HOUR);
    const woken = await eventually(async () => {
      const current = await state(ticketId);
      return current.status === 'open' ? current : undefined;
    }, 'the snooze to end');
    process.stdout.write(`3-day snooze took ${Date.now() - started} ms of wall time\n`);

    expect(woken.snoozedUntil).toBeNull();
    const notifications = await eventually(async () => {
      const rows = await stack.orm.em.fork().execute<{ user_id: string; type: string }[]>('SELECT user_id, type FROM notifications WHERE ticket_id = ?', [ticketId]);
      return rows.length > 0 ? rows : undefined;
    }, 'the snooze alert');
    expect(notifications).toEqual([{ user_id: 'agent-7', type: 'snooze_expired' }]);
  });

  it('ends a snooze early when the customer writes', async () => {
    const phone = '+14155550122';
    const { ticketId } = await send({ channel: 'sms', sender: { phone } });
    await settled(ticketId, 1);
    await act(ticketId, { type: 'snooze', until: new Date((await nowMs()) + DAY).toISOString() });
    await send({ channel: 'sms', sender: { phone } });
    const current = await eventually(async () => {
      const s = await state(ticketId);
      return s.status === 'open' ? s : undefined;
    }, 'the inbound message to end the snooze');
    expect(current.messageCount).toBe(2);
    const events = await stack.orm.em.fork().execute<{ type: string }[]>('SELECT type FROM ticket_events WHERE ticket_id = ? ORDER BY occurred_at, id', [ticketId]);
    expect(events.map((event) => event.type)).toContain('snooze_ended_by_message');
  });

  it('refuses a snooze in the past with a reason', async () => {
    const { ticketId } = await send({ channel: 'sms', sender: { phone: '+14155550133' } });
    await settled(ticketId, 1);
    const refusal = await act(ticketId, { type: 'snooze', until: new Date((await nowMs()) - HOUR).toISOString() }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(((refusal as WorkflowUpdateFailedError).cause as Error).message).toBe('until must be in the future');
  });

  it('stores a message delivered twice once', async () => {
    const phone = '+14155550144';
    const first = await send({ channel: 'sms', sender: { phone }, externalId: 'SM-duplicate' });
    const second = await send({ channel: 'sms', sender: { phone }, externalId: 'SM-duplicate' });
    expect(second).toEqual(first);
    await send({ channel: 'sms', sender: { phone } });
    await settled(first.ticketId, 2);
    expect(await messageCount(first.ticketId)).toBe(2);
    expect((await state(first.ticketId)).messageCount).toBe(2);
  });

  it('keeps status, assignee, tags and the snooze across a forced continue-as-new', async () => {
    const phone = '+14155550155';
    const { ticketId } = await send({ channel: 'sms', sender: { phone } });
    await settled(ticketId, 1);
    const handle = stack.env.client.workflow.getHandle(ticketId);
    const firstRunId = (await handle.describe()).runId;
    await act(ticketId, { type: 'assign', assigneeId: 'agent-3' });
    await act(ticketId, { type: 'tag', add: ['VIP', 'refund'], remove: [] });
    for (let i = 0; i < 12; i++) await act(ticketId, { type: 'tag', add: [`t${i}`], remove: [`t${i - 1}`] });
    const until = new Date((await nowMs()) + 2 * DAY).toISOString();
    await act(ticketId, { type: 'snooze', until });

    const laterRunId = await eventually(async () => {
      const runId = (await handle.describe()).runId;
      return runId !== firstRunId ? runId : undefined;
    }, 'continue-as-new');
    expect(laterRunId).not.toBe(firstRunId);
    const carried: TicketState = await state(ticketId);
    expect(carried).toMatchObject({ status: 'snoozed', assigneeId: 'agent-3', snoozedUntil: until });
    expect(carried.tags).toEqual(['vip', 'refund', 't11']);

    await stack.env.sleep(2 * DAY + HOUR);
    await eventually(async () => ((await state(ticketId)).status === 'open' ? true : undefined), 'the carried snooze to end');
  });

  it('applies a retried update once even when a continue-as-new came in between', async () => {
    const { ticketId } = await send({ channel: 'sms', sender: { phone: '+14155550156' } });
    await settled(ticketId, 1);
    const handle = stack.env.client.workflow.getHandle(ticketId);
    const reply = { action: { type: 'reply' as const, messageId: 'reply-once', body: 'On its way' }, actorUserId: 'agent-1' };
    await handle.executeUpdate(agentActionUpdate, { args: [reply], updateId: 'idempotency-key-1' });
    const firstRunId = (await handle.describe()).runId;
    for (let i = 0; i < 14; i++) await act(ticketId, { type: 'tag', add: [`n${i}`], remove: [] });
    await eventually(async () => ((await handle.describe()).runId !== firstRunId ? true : undefined), 'continue-as-new');

    const again = await handle.executeUpdate(agentActionUpdate, { args: [reply], updateId: 'idempotency-key-1' });
    expect(again.messageCount).toBe(2);
    expect((await state(ticketId)).messageCount).toBe(2);
  });

  it('reopens a closed email thread when the customer replies in it', async () => {
    const { ticketId } = await send({ channel: 'email', threadKey: '<root@example.com>', subject: 'Broken zipper' });
    await settled(ticketId, 1);
    await act(ticketId, { type: 'close' });
    await stack.env.sleep(400 * DAY);
    const reply = await send({ channel: 'email', threadKey: '<root@example.com>' });
    expect(reply.ticketId).toBe(ticketId);
    const reopened = await eventually(async () => {
      const s = await state(ticketId);
      return s.status === 'open' ? s : undefined;
    }, 'the reply to reopen the ticket');
    expect(reopened.messageCount).toBe(2);
  });

  it('never reopens a closed web chat: the conversation\'s next message is a new ticket', async () => {
    const conversation = { channel: 'web_chat' as const, threadKey: 'conversation-1' };
    const first = await send(conversation);
    await settled(first.ticketId, 1);
    await act(first.ticketId, { type: 'close' });
    await stack.env.client.workflow.getHandle(first.ticketId).result();

    const refused = await act(first.ticketId, { type: 'reopen' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Error);

    const next = await send(conversation);
    expect(next.ticketId).not.toBe(first.ticketId);
    await settled(next.ticketId, 1);
    expect((await state(next.ticketId)).status).toBe('open');
  });

  it('sends a message for a closed chat that still waits for its follow-up to a new ticket, once, without looping', async () => {
    const conversation = { channel: 'web_chat' as const, threadKey: 'conversation-follow-up-pending' };
    const first = await send(conversation);
    await settled(first.ticketId, 1);
    await act(first.ticketId, { type: 'reply', messageId: 'reply-before-close', body: 'Still there?' });
    await act(first.ticketId, { type: 'close' });
    const closed = stack.env.client.workflow.getHandle(first.ticketId);
    expect((await closed.describe()).status.name).toBe('RUNNING'); // the follow-up is pending

    // The message reaches the closed ticket's workflow itself (the projection is not consulted here).
    const late = await stack.ingestion.ingest({ accountId: ACCOUNT, channel: 'web_chat', threadKey: 'conversation-follow-up-pending', externalId: 'late-1', body: 'one more thing', sender: { visitorId: 'visitor-1' } });
    const lateMessageId = late.messageId;
    const direct: InboundMessage = {
      messageId: `${lateMessageId}-direct`,
      accountId: ACCOUNT,
      channel: 'web_chat',
      receivedAt: new Date(await nowMs()).toISOString(),
      body: 'and another',
      subject: null,
      sender: { name: null, phone: null, email: null, visitorId: 'visitor-1' },
      externalId: 'late-2',
      threadKey: 'conversation-follow-up-pending',
    };
    await closed.signal(inboundMessageSignal, direct);

    const rows = await eventually(async () => {
      const found = await stack.orm.em.fork().execute<{ ticket_id: string }[]>('SELECT ticket_id FROM messages WHERE id IN (?, ?)', [lateMessageId, `${lateMessageId}-direct`]);
      return found.length === 2 ? found : undefined;
    }, 'both late messages in a new ticket');
    expect(rows.every((row) => row.ticket_id !== first.ticketId)).toBe(true);
    const historyLength = (await closed.describe()).historyLength;
    expect(historyLength).toBeLessThan(120);
    await stack.env.sleep(10 * 60_000);
    await closed.result();
  });

  it('quarantines a message PostgreSQL cannot store and stores the sender\'s next message', async () => {
    // The ingestion door refuses such text now; a message that reaches the ticket some other way must still not wedge it.
    const phone = '+14155550177';
    const first = await send({ channel: 'sms', sender: { phone }, body: 'hello' });
    await settled(first.ticketId, 1);
    const poison: InboundMessage = {
      messageId: 'msg-poison',
      accountId: ACCOUNT,
      channel: 'sms',
      receivedAt: new Date(await nowMs()).toISOString(),
      body: 'refund\u0000please',
      subject: null,
      sender: { name: null, phone, email: null, visitorId: null },
      externalId: 'SM-poison',
      threadKey: null,
    };
    await stack.env.client.workflow.getHandle(first.ticketId).signal(inboundMessageSignal, poison);
    const next = await send({ channel: 'sms', sender: { phone }, body: 'my order is 1001' });
    await settled(first.ticketId, 3);
    const rows = await stack.orm.em.fork().execute<{ id: string; body: string; rejected_reason: string | null }[]>(
      'SELECT id, body, rejected_reason FROM messages WHERE ticket_id = ? AND direction = ? ORDER BY created_at, id',
      [first.ticketId, 'inbound'],
    );
    expect(rows).toHaveLength(3);
    expect(rows).toEqual(expect.arrayContaining([
      { id: first.messageId, body: 'hello', rejected_reason: null },
      { id: 'msg-poison', body: 'refund\uFFFDplease', rejected_reason: expect.stringContaining('the database refused the data (SQLSTATE 08P01)') },
      { id: next.messageId, body: 'my order is 1001', rejected_reason: null },
    ]));
    const events = await stack.orm.em.fork().execute<{ type: string }[]>('SELECT type FROM ticket_events WHERE ticket_id = ? ORDER BY occurred_at, id', [first.ticketId]);
    expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['message_rejected', 'message_received']));
    expect((await state(first.ticketId)).lastInboundMessageId).toBe(next.messageId);
  });
});
