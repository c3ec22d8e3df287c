import { describe, expect, it } from '@jest/globals';
import { applyAgentAction, newTicketState, receiveInboundMessage, type InboundOutcome, type TicketState, type Transition } from '../../libs/domain/ticket.js';

const CREATED = '2030-01-01T10:00:00.000Z';
const T1 = '2030-01-01T10:05:00.000Z';
const T2 = '2030-01-01T10:10:00.000Z';
const LATER = '2030-01-02T09:00:00.000Z';
const AUTO_REPLY = { reasons: ['auto_submitted'] };

const fresh = (): TicketState => newTicketState({ ticketId: 't-1', accountId: 'acc-1', channel: 'email', createdAt: CREATED });
const closed = () => applyAgentAction(fresh(), { type: 'close' }, 'agent-1', T1).state;
const snoozed = () => applyAgentAction(fresh(), { type: 'snooze', until: LATER }, 'agent-1', T1).state;

function accepted(outcome: InboundOutcome): Transition {
  if (outcome.kind !== 'accepted') throw new Error(`expected an accepted message, got ${outcome.kind}`);
  return outcome.transition;
}

describe('receiveInboundMessage with automated mail (auto-replies, bounces, list mail)', () => {
  it('stores it in a closed ticket without reopening it, and says so in the event', () => {
    const state = closed();
    const { state: next, events } = accepted(receiveInboundMessage(state, { messageId: 'm-1', receivedAt: T2, automated: AUTO_REPLY }, T2));
    expect(next).toMatchObject({ status: 'closed', closedAt: T1, lastMessageId: 'm-1', messageCount: state.messageCount + 1, unreadSince: null });
    expect(next.lastInboundMessageId).toBe(state.lastInboundMessageId);
    expect(events).toEqual([
      { type: 'message_received', at: T2, actorUserId: null, detail: { messageId: 'm-1', automated: true, automatedReasons: ['auto_submitted'], suppressed: 'reopen' } },
    ]);
  });

  it('leaves a snooze running', () => {
    const { state: next, events } = accepted(receiveInboundMessage(snoozed(), { messageId: 'm-1', receivedAt: T2, automated: AUTO_REPLY }, T2));
    expect(next).toMatchObject({ status: 'snoozed', snoozedUntil: new Date(LATER).toISOString() });
    expect(events[0]!.detail).toMatchObject({ suppressed: 'snooze_end' });
  });

  it('lands in an open ticket like any message, flagged with its reasons', () => {
    const { state: next, events } = accepted(receiveInboundMessage(fresh(), { messageId: 'm-1', receivedAt: T2, automated: AUTO_REPLY }, T2));
    expect(next).toMatchObject({ status: 'open', lastInboundMessageId: 'm-1', unreadSince: T2 });
    expect(events[0]!.detail).toEqual({ messageId: 'm-1', automated: true, automatedReasons: ['auto_submitted'] });
  });

  it('does not change what a person\'s message does', () => {
    const { state: next, events } = accepted(receiveInboundMessage(closed(), { messageId: 'm-1', receivedAt: T2 }, T2));
    expect(next.status).toBe('open');
    expect(events.map((event) => event.type)).toEqual(['reopened', 'message_received']);
    expect(events[1]!.detail).toEqual({ messageId: 'm-1' });
  });
});
