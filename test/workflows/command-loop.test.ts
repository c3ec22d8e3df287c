import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WorkflowUpdateFailedError, WorkflowUpdateStage } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import {
  applyAgentAction,
  newTicketState,
  receiveInboundMessage,
  validateAgentAction,
  type AgentAction,
  type TicketState,
} from '../../libs/domain/ticket.js';
import {
  actionOutcomeQuery,
  AGENT_ACTION_CONFLICT,
  agentActionUpdate,
  inboundMessageSignal,
  ticketStateQuery,
  UNSTORABLE_DATA,
  visitorActivitySignal,
  type AgentActionRequest,
} from '../../libs/temporal/contracts/ticket.js';
import { eventually } from '../support/eventually.js';
import { startGatedWorkflowStack, type GatedWorkflowStack } from '../support/gated-activities.js';

const HOUR = 3600_000;

/**
 * The ticket command loop under interleavings the test controls: stub activities whose completion is
 * held until the test releases it, on the time-skipping server, with the real workflow bundle.
 */
describe('ticket command loop', () => {
  let stack: GatedWorkflowStack;
  let sequence = 0;
  const newTicketId = (channel = 'email') => `ticket-${channel}-${++sequence}`;

  beforeAll(async () => {
    stack = await startGatedWorkflowStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const handle = (ticketId: string) => stack.env.client.workflow.getHandle(ticketId);
  const act = (ticketId: string, action: AgentAction, updateId?: string) =>
    handle(ticketId).executeUpdate(agentActionUpdate, { args: [{ action, actorUserId: 'agent-1' }], ...(updateId ? { updateId } : {}) });
  const state = (ticketId: string) => handle(ticketId).query(ticketStateQuery);
  const until = (ticketId: string, predicate: (s: TicketState) => boolean, what: string) =>
    eventually(async () => {
      const current = await state(ticketId);
      return predicate(current) ? current : undefined;
    }, what);
  const started = async (ticketId: string, options: { channel?: 'email' | 'web_chat'; historyEventLimit?: number } = {}) => {
    await stack.sendInbound(ticketId, { messageId: `${ticketId}-m1` }, options);
    await until(ticketId, (s) => s.messageCount === 1, 'the first message');
  };
  const eventIdsAreUnique = (ticketId: string) => {
    const writes = stack.activities.writes.filter((write) => write.state.ticketId === ticketId && write.events.length > 0);
    const versions = writes.map((write) => write.state.version);
    expect(new Set(versions).size).toBe(versions.length);
    return versions;
  };

  it('never loses an update when updates and an inbound message interleave (the lost-update defect)', async () => {
    const ticketId = newTicketId();
    await started(ticketId);
    const u1Projection = stack.activities.hold('projectTicket', (projection) => projection.state.tags.includes('a'));
    const u1 = act(ticketId, { type: 'tag', add: ['a'], remove: [] });
    await u1Projection.reached;
    const u2 = act(ticketId, { type: 'tag', add: ['b'], remove: [] });
    const m2Stored = stack.activities.hold('recordInboundMessage', ({ message }) => message.messageId === `${ticketId}-m2`);
    await stack.sendInbound(ticketId, { messageId: `${ticketId}-m2` });
    u1Projection.release();
    await m2Stored.reached;
    const u3 = act(ticketId, { type: 'tag', add: ['c'], remove: [] });
    m2Stored.release();

    const [after1, after2, after3] = await Promise.all([u1, u2, u3]);
    expect(after1.tags).toEqual(['a']);
    expect(after2.tags).toEqual(['a', 'b']);
    expect(after3.tags).toEqual(['a', 'b', 'c']);
    const final = await state(ticketId);
    expect(final).toMatchObject({ tags: ['a', 'b', 'c'], messageCount: 2, version: after3.version });
    // Every transition has its own version, so no audit event shadows another.
    expect(eventIdsAreUnique(ticketId)).toEqual([1, 2, 3, 4, 5]);
    expect(stack.activities.tickets.get(ticketId)).toEqual(final);
  });

  it('keeps taking messages and actions while a delivery retries, and marks it failed with the reason when its budget runs out (the frozen-ticket defect)', async () => {
    const ticketId = newTicketId();
    await started(ticketId);
    let attempts = 0;
    stack.activities.override('deliverOutboundMessage', async () => {
      attempts += 1;
      throw ApplicationFailure.retryable('Twilio answered 503 Service Unavailable', 'ProviderUnavailable');
    });
    const replied = await act(ticketId, { type: 'reply', messageId: `${ticketId}-reply`, body: 'On its way' });
    expect(replied.messageCount).toBe(2);
    await eventually(async () => (attempts >= 2 ? true : undefined), 'the delivery to be retried');

    await stack.sendInbound(ticketId, { messageId: `${ticketId}-m2` });
    await until(ticketId, (s) => s.messageCount === 3, 'the message that came in during the retries');
    const assigned = await act(ticketId, { type: 'assign', assigneeId: 'agent-2' });
    expect(assigned.assigneeId).toBe('agent-2');
    expect(stack.activities.callsOf('recordDeliveryFailure')).toHaveLength(0);

    await stack.env.sleep(7 * HOUR);
    const [failure] = await eventually(async () => {
      const failures = stack.activities.callsOf('recordDeliveryFailure');
      return failures.length > 0 ? failures : undefined;
    }, 'the delivery to be given up');
    expect(failure.messageId).toBe(`${ticketId}-reply`);
    expect(failure.reason).toContain('Twilio answered 503 Service Unavailable');
    expect(stack.activities.eventsOf(ticketId).map((event) => event.type)).toContain('delivery_failed');

    // The agent retries it once the provider is back: it is sent, once.
    stack.activities.restore('deliverOutboundMessage');
    await act(ticketId, { type: 'retry_delivery', messageId: `${ticketId}-reply` });
    await eventually(async () => (stack.activities.storedMessages.get(`${ticketId}-reply`)?.status === 'sent' ? true : undefined), 'the retried delivery');
    const again = await act(ticketId, { type: 'retry_delivery', messageId: `${ticketId}-reply` }).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(((again as WorkflowUpdateFailedError).cause as Error).message).toContain('whose delivery failed');
  });

  it('records a provider\'s permanent refusal at once, with its reason', async () => {
    const ticketId = newTicketId();
    await started(ticketId);
    stack.activities.override('deliverOutboundMessage', async () => ({ status: 'failed', error: '21610: Attempt to send to unsubscribed recipient' }));
    await act(ticketId, { type: 'reply', messageId: `${ticketId}-reply`, body: 'Hello' });
    const failure = await eventually(async () => stack.activities.callsOf('recordDeliveryFailure').find((call) => call.messageId === `${ticketId}-reply`), 'the refusal');
    expect(failure.reason).toBe('21610: Attempt to send to unsubscribed recipient');
    stack.activities.restore('deliverOutboundMessage');
  });

  it('forwards a message for a closed chat that waits for its follow-up once, and never back to itself (the forwarding-loop defect)', async () => {
    const ticketId = newTicketId('web_chat');
    await started(ticketId, { channel: 'web_chat' });
    await act(ticketId, { type: 'reply', messageId: `${ticketId}-reply`, body: 'Are you still there?' });
    await act(ticketId, { type: 'close' });

    await stack.sendInbound(ticketId, { messageId: `${ticketId}-late` }, { channel: 'web_chat' });
    await stack.sendInbound(ticketId, { messageId: `${ticketId}-late` }, { channel: 'web_chat' });
    await eventually(async () => (stack.activities.callsOf('forwardChatMessage').some((call) => call.message.messageId === `${ticketId}-late`) ? true : undefined), 'the forward');
    const historyBefore = (await handle(ticketId).describe()).historyLength;
    await stack.sendInbound(ticketId, { messageId: `${ticketId}-later` }, { channel: 'web_chat' });
    await eventually(async () => (stack.activities.callsOf('forwardChatMessage').length >= 2 ? true : undefined), 'the second forward');

    const forwards = stack.activities.callsOf('forwardChatMessage').filter((call) => call.closedTicketId === ticketId);
    expect(forwards.map((call) => call.message.messageId)).toEqual([`${ticketId}-late`, `${ticketId}-later`]);
    expect((await handle(ticketId).describe()).historyLength - historyBefore).toBeLessThan(30);
    expect(stack.activities.storedMessages.has(`${ticketId}-late`)).toBe(false);
    expect((await state(ticketId)).status).toBe('closed');

    // The follow-up comes due, is decided and sent; then the closed chat's workflow ends.
    await stack.env.sleep(10 * 60_000);
    const result = await handle(ticketId).result();
    expect(result.closedAt).not.toBeNull();
    expect(stack.activities.callsOf('sendChatFollowUpEmail')).toEqual([expect.objectContaining({ ticketId, replyIds: [`${ticketId}-reply`] })]);
  });

  it('quarantines a message that can never be stored and goes on with the next one (no poison message)', async () => {
    const ticketId = newTicketId();
    stack.activities.override('recordInboundMessage', async (input, stub) => {
      if ((input as { message: { body: string } }).message.body.includes('\u0000')) {
        throw ApplicationFailure.nonRetryable('the database refused the data (SQLSTATE 22021)', UNSTORABLE_DATA);
      }
      return stub(input);
    });
    try {
      await stack.sendInbound(ticketId, { messageId: `${ticketId}-poison`, body: 'hello\u0000world' });
      await stack.sendInbound(ticketId, { messageId: `${ticketId}-fine`, body: 'a normal message' });
      const final = await until(ticketId, (s) => s.messageCount === 2, 'both messages');
      expect(final.lastInboundMessageId).toBe(`${ticketId}-fine`);
      expect(stack.activities.storedMessages.get(`${ticketId}-poison`)).toMatchObject({ rejectedReason: 'the database refused the data (SQLSTATE 22021)', body: 'hello\uFFFDworld' });
      expect(stack.activities.eventsOf(ticketId).map((event) => event.type)).toEqual(['created', 'message_rejected', 'message_received']);
    } finally {
      stack.activities.restore('recordInboundMessage');
    }
  });

  it('applies two updates that race an inbound message after it, in order', async () => {
    const ticketId = newTicketId();
    await started(ticketId);
    const m2Stored = stack.activities.hold('recordInboundMessage', ({ message }) => message.messageId === `${ticketId}-m2`);
    await stack.sendInbound(ticketId, { messageId: `${ticketId}-m2` });
    await m2Stored.reached;
    // Both are accepted while the message is still being stored, in this order.
    const assign = await handle(ticketId).startUpdate(agentActionUpdate, { args: [{ action: { type: 'assign', assigneeId: 'agent-9' }, actorUserId: 'agent-1' }], waitForStage: WorkflowUpdateStage.ACCEPTED });
    const read = await handle(ticketId).startUpdate(agentActionUpdate, { args: [{ action: { type: 'mark_read' }, actorUserId: 'agent-1' }], waitForStage: WorkflowUpdateStage.ACCEPTED });
    expect(await handle(ticketId).query(actionOutcomeQuery, read.updateId)).toEqual({ status: 'pending' });
    expect(await handle(ticketId).query(actionOutcomeQuery, 'unknown-action')).toBeNull();
    m2Stored.release();
    const [assigned, marked] = await Promise.all([assign.result(), read.result()]);
    expect(assigned).toMatchObject({ assigneeId: 'agent-9', messageCount: 2 });
    expect(marked).toMatchObject({ assigneeId: 'agent-9', unreadSince: null, messageCount: 2 });
    expect(stack.activities.eventsOf(ticketId).map((event) => event.type)).toEqual(['created', 'message_received', 'message_received', 'assigned', 'read']);
  });

  it('refuses a reply accepted while a customer message was being stored, when the message came after the version its agent saw', async () => {
    const ticketId = newTicketId();
    await started(ticketId);
    const seenVersion = (await state(ticketId)).version;
    const m2Stored = stack.activities.hold('recordInboundMessage', ({ message }) => message.messageId === `${ticketId}-m2`);
    await stack.sendInbound(ticketId, { messageId: `${ticketId}-m2` });
    await m2Stored.reached;
    // The validator still sees the ticket as the agent did, so it accepts the reply; the loop applies it after the message.
    const reply = await handle(ticketId).startUpdate(agentActionUpdate, {
      args: [{ action: { type: 'reply', messageId: `${ticketId}-r1`, body: 'On its way', seenVersion }, actorUserId: 'agent-1' }],
      waitForStage: WorkflowUpdateStage.ACCEPTED,
    });
    m2Stored.release();
    const refusal = await reply.result().catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (refusal as WorkflowUpdateFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe(AGENT_ACTION_CONFLICT);
    expect(cause.message).toContain('1 new customer message');
    expect((cause.details?.[0] as { messageId: string }[]).map((change) => change.messageId)).toEqual([`${ticketId}-m2`]);
    const after = await state(ticketId);
    expect(after.messageCount).toBe(2);
    expect(stack.activities.eventsOf(ticketId).map((event) => event.type)).not.toContain('replied');

    const forced = await act(ticketId, { type: 'reply', messageId: `${ticketId}-r1`, body: 'On its way', seenVersion, force: true });
    expect(forced.messageCount).toBe(3);
  });

  it('applies every update exactly once across continue-as-new, and answers a retried one from the earlier run', async () => {
    const ticketId = newTicketId();
    await started(ticketId, { historyEventLimit: 40 });
    const firstRunId = (await handle(ticketId).describe()).runId;
    await act(ticketId, { type: 'tag', add: ['before'], remove: [] }, 'retried-action');
    const tags = Array.from({ length: 12 }, (_, i) => `t${i}`);
    const results = await Promise.all(tags.map((tag) => act(ticketId, { type: 'tag', add: [tag], remove: [] })));
    expect(results.every((result, i) => result.tags.includes(tags[i]!))).toBe(true);
    await eventually(async () => ((await handle(ticketId).describe()).runId !== firstRunId ? true : undefined), 'continue-as-new');

    const final = await state(ticketId);
    expect([...final.tags].sort()).toEqual(['before', ...tags].sort());
    const tagEvents = stack.activities.eventsOf(ticketId).filter((event) => event.type === 'tags_changed');
    expect(tagEvents).toHaveLength(13);
    const retried = await act(ticketId, { type: 'tag', add: ['before'], remove: [] }, 'retried-action');
    expect(retried.tags).toEqual(['before']);
    expect((await handle(ticketId).query(actionOutcomeQuery, 'retried-action'))?.status).toBe('applied');
  });

  it('ends 50 mixed concurrent updates and signals in the state their sequential application in history order gives, projected version by version', async () => {
    const ticketId = newTicketId();
    await started(ticketId);
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 50; i++) {
      if (i % 2 === 0) work.push(stack.sendInbound(ticketId, { messageId: `${ticketId}-mixed-${i}` }));
      else if (i % 6 === 1) work.push(act(ticketId, { type: 'assign', assigneeId: `agent-${i}` }));
      else if (i % 6 === 3) work.push(act(ticketId, { type: 'tag', add: [`x${i % 4}`], remove: [`x${(i + 1) % 4}`] }));
      else work.push(act(ticketId, i % 10 === 5 ? { type: 'close' } : { type: 'mark_read' }).catch((error: unknown) => error));
      if (i % 7 === 0) work.push(handle(ticketId).signal(visitorActivitySignal, { presence: 'online', seenUpToMessageId: null }));
    }
    await Promise.all(work);
    const final = await until(ticketId, (s) => s.messageCount === 26, 'every message');

    const { events } = await handle(ticketId).fetchHistory();
    // A workflow task delivers signals and updates in the order they reached the server: an update is
    // sequenced right after its acceptedRequestSequencingEventId, although its Accepted event is written
    // only when the task completes (after the task's signals).
    type Step = { position: number; at: string } & ({ kind: 'inbound' } | { kind: 'action'; request: AgentActionRequest });
    const steps: Step[] = [];
    for (const event of events ?? []) {
      const at = eventTime(event);
      const eventId = Number(event.eventId);
      if (event.workflowExecutionSignaledEventAttributes?.signalName === inboundMessageSignal.name) steps.push({ position: eventId, at, kind: 'inbound' });
      const attributes = event.workflowExecutionUpdateAcceptedEventAttributes;
      const accepted = attributes?.acceptedRequest;
      if (accepted?.input?.name === agentActionUpdate.name) {
        const sequencedAfter = Number(attributes!.acceptedRequestSequencingEventId ?? eventId);
        steps.push({ position: sequencedAfter + 0.5, at, kind: 'action', request: decodePayload<AgentActionRequest>(accepted.input.args!.payloads![0]!) });
      }
    }
    steps.sort((a, b) => a.position - b.position);
    let expected = newTicketState({ ticketId, accountId: 'account-1', channel: 'email', createdAt: final.createdAt });
    for (const step of steps) {
      if (step.kind === 'inbound') {
        const outcome = receiveInboundMessage(expected, { messageId: 'x', receivedAt: step.at }, step.at);
        if (outcome.kind === 'accepted') expected = outcome.transition.state;
      } else if (validateAgentAction(expected, step.request.action, step.at) === null) {
        expected = applyAgentAction(expected, step.request.action, step.request.actorUserId, step.at).state;
      }
    }
    const comparable = (s: TicketState) => ({ status: s.status, assigneeId: s.assigneeId, tags: s.tags, messageCount: s.messageCount, unread: s.unreadSince !== null, version: s.version });
    expect(comparable(final)).toEqual(comparable(expected));

    // The projection holds every version from 1 to the last, each with its events, and ends at the workflow's state.
    const versions = eventIdsAreUnique(ticketId);
    expect(versions).toEqual(Array.from({ length: final.version }, (_, i) => i + 1));
    expect(new Set(stack.activities.eventsOf(ticketId).map((event) => event.version)).size).toBe(final.version);
    expect(stack.activities.tickets.get(ticketId)).toEqual(final);
  });
});

function eventTime(event: temporal.api.history.v1.IHistoryEvent): string {
  const seconds = Number(event.eventTime?.seconds ?? 0);
  return new Date(seconds * 1000 + Math.floor((event.eventTime?.nanos ?? 0) / 1e6)).toISOString();
}

function decodePayload<T>(payload: temporal.api.common.v1.IPayload): T {
  return JSON.parse(Buffer.from(payload.data!).toString('utf8')) as T;
}
