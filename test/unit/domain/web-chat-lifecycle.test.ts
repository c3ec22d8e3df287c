import { describe, expect, it } from '@jest/globals';
import { applyAgentAction, newTicketState, receiveInboundMessage, type TicketState } from '../../../libs/domain/ticket.js';
import { CHAT_IDLE_CLOSE_AFTER_MS, closeIdleChat, msUntilIdleChatCloses, visitorAwaitsReply } from '../../../libs/domain/web-chat-lifecycle.js';

const at = (iso: string, plusMs = 0) => new Date(Date.parse(iso) + plusMs).toISOString();
const T0 = '2027-01-04T10:00:00.000Z';

function chatWith(steps: ('visitor' | 'agent')[], channel: TicketState['channel'] = 'web_chat'): TicketState {
  let state = newTicketState({ ticketId: 't1', accountId: 'a1', channel, createdAt: T0 });
  steps.forEach((step, index) => {
    const now = at(T0, index * 60_000);
    if (step === 'visitor') {
      const outcome = receiveInboundMessage(state, { messageId: `in-${index}`, receivedAt: now }, now);
      if (outcome.kind !== 'accepted') throw new Error('not accepted');
      state = outcome.transition.state;
    } else {
      state = applyAgentAction(state, { type: 'reply', messageId: `out-${index}`, body: 'answer' }, 'agent-1', now).state;
    }
  });
  return state;
}

describe('idle web chats close on their own', () => {
  it('closes an answered conversation when nothing has happened for 24 hours, saying why', () => {
    const state = chatWith(['visitor', 'agent']);
    expect(msUntilIdleChatCloses(state, state.updatedAt)).toBe(CHAT_IDLE_CLOSE_AFTER_MS);
    expect(closeIdleChat(state, at(state.updatedAt, CHAT_IDLE_CLOSE_AFTER_MS - 1))).toBeNull();
    const closing = closeIdleChat(state, at(state.updatedAt, CHAT_IDLE_CLOSE_AFTER_MS))!;
    expect(closing.state).toMatchObject({ status: 'closed', closedAt: at(state.updatedAt, CHAT_IDLE_CLOSE_AFTER_MS), version: state.version + 1 });
    expect(closing.events).toEqual([expect.objectContaining({ type: 'closed', actorUserId: null, detail: expect.objectContaining({ reason: 'chat_idle', idleSince: state.updatedAt }) })]);
  });

  it('never closes a conversation whose visitor wrote after the last agent reply', () => {
    for (const steps of [['visitor'], ['visitor', 'agent', 'visitor']] as const) {
      const state = chatWith([...steps]);
      expect(visitorAwaitsReply(state)).toBe(true);
      expect(msUntilIdleChatCloses(state, state.updatedAt)).toBeUndefined();
      expect(closeIdleChat(state, at(state.updatedAt, 30 * CHAT_IDLE_CLOSE_AFTER_MS))).toBeNull();
    }
  });

  it('counts from the latest reply, also for a state carried without lastAgentReplyAt (then it waits, to be safe)', () => {
    const answeredAgain = chatWith(['visitor', 'agent', 'visitor', 'agent']);
    expect(visitorAwaitsReply(answeredAgain)).toBe(false);
    const carried: TicketState = { ...answeredAgain };
    delete carried.lastAgentReplyAt;
    expect(visitorAwaitsReply(carried)).toBe(true);
  });

  it('leaves snoozed, closed and other channels\' tickets alone', () => {
    const answered = chatWith(['visitor', 'agent']);
    const later = at(answered.updatedAt, 2 * CHAT_IDLE_CLOSE_AFTER_MS);
    expect(closeIdleChat({ ...answered, status: 'snoozed', snoozedUntil: later }, later)).toBeNull();
    expect(closeIdleChat({ ...answered, status: 'closed' }, later)).toBeNull();
    expect(closeIdleChat(chatWith(['visitor', 'agent'], 'email'), later)).toBeNull();
  });
});
