import { describe, expect, it } from '@jest/globals';
import { newTicketState } from '../../../libs/domain/ticket.js';
import {
  agentRepliedInChat,
  chatAutoResponseReason,
  chatAutoResponseTransition,
  chooseChatAutoResponse,
  decideFollowUp,
  FOLLOW_UP_DELAY_MS,
  followUpDone,
  followUpDueAt,
  msUntilFollowUpDue,
  newChatFollowUpState,
  VISITOR_OFFLINE_GRACE_MS,
  visitorActivityReceived,
  visitorMessaged,
  type ChatFollowUpState,
} from '../../../libs/domain/web-chat.js';

const T0 = Date.parse('2027-01-04T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const hours = (count: number) => count * 60 * MINUTE;

/** A visitor who gave an email and wrote at T0, with one agent reply at `replyAt`. */
function chatWithReply(replyAt = 10 * SECOND, email: string | null = 'v@example.com'): ChatFollowUpState {
  const written = visitorMessaged(newChatFollowUpState(), { senderEmail: email }, at(0));
  return agentRepliedInChat(written, 'reply-1', at(replyAt));
}

describe('web-chat offline follow-up rules', () => {
  it('is due 3 minutes after the last reply when the visitor went quiet before that', () => {
    const state = chatWithReply();
    expect(followUpDueAt(state)).toBe(at(10 * SECOND + FOLLOW_UP_DELAY_MS));
    expect(decideFollowUp(state, at(10 * SECOND + FOLLOW_UP_DELAY_MS - 1)).due).toBe(false);
    expect(decideFollowUp(state, at(10 * SECOND + FOLLOW_UP_DELAY_MS))).toEqual({
      due: true,
      send: true,
      replyIds: ['reply-1'],
      reason: 'visitor_offline_with_unseen_replies',
    });
  });

  it('waits for the visitor to go offline when they are still beating after 3 minutes', () => {
    let state = chatWithReply();
    state = visitorActivityReceived(state, { presence: 'online', seenUpToMessageId: null }, at(4 * MINUTE)); // tab in the background: nothing seen
    expect(followUpDueAt(state)).toBe(at(4 * MINUTE + VISITOR_OFFLINE_GRACE_MS));
    state = visitorActivityReceived(state, { presence: 'offline', seenUpToMessageId: null }, at(4 * MINUTE + 5 * SECOND));
    expect(followUpDueAt(state)).toBe(at(4 * MINUTE + 5 * SECOND));
  });

  it('resets the deadline when the agent replies again, and carries every unseen reply', () => {
    let state = chatWithReply();
    state = agentRepliedInChat(state, 'reply-2', at(2 * MINUTE));
    expect(followUpDueAt(state)).toBe(at(2 * MINUTE + FOLLOW_UP_DELAY_MS));
    const decision = decideFollowUp(state, at(2 * MINUTE + FOLLOW_UP_DELAY_MS));
    expect(decision).toMatchObject({ due: true, send: true, replyIds: ['reply-1', 'reply-2'] });
  });

  it('is cancelled when the visitor comes back and sees the replies', () => {
    let state = chatWithReply();
    state = visitorActivityReceived(state, { presence: 'online', seenUpToMessageId: 'reply-1' }, at(2 * MINUTE));
    expect(state.unseenReplies).toEqual([]);
    expect(followUpDueAt(state)).toBeNull();
    expect(msUntilFollowUpDue(state, at(2 * MINUTE))).toBeUndefined();
  });

  it('sends one follow-up per absence', () => {
    const state = chatWithReply();
    const decision = decideFollowUp(state, at(5 * MINUTE));
    if (!decision.due) throw new Error('expected a due follow-up');
    let after = followUpDone(state, decision);
    expect(followUpDueAt(after)).toBeNull();
    after = agentRepliedInChat(after, 'reply-2', at(6 * MINUTE));
    expect(followUpDueAt(after)).toBeNull(); // still the same absence
    after = visitorActivityReceived(after, { presence: 'online', seenUpToMessageId: null }, at(7 * MINUTE));
    expect(followUpDueAt(after)).toBe(at(6 * MINUTE + FOLLOW_UP_DELAY_MS)); // came back without looking: owed again
  });

  it('decides "no email" once when the visitor gave none, keeping the replies unseen', () => {
    const state = chatWithReply(10 * SECOND, null);
    const decision = decideFollowUp(state, at(5 * MINUTE));
    expect(decision).toEqual({ due: true, send: false, replyIds: ['reply-1'], reason: 'visitor_gave_no_email' });
    if (!decision.due) throw new Error('unreachable');
    const after = followUpDone(state, decision);
    expect(after.unseenReplies).toHaveLength(1);
    expect(followUpDueAt(after)).toBeNull();
  });

  it('ignores a "seen" naming a message that is not an unseen reply', () => {
    const state = visitorActivityReceived(chatWithReply(), { presence: 'online', seenUpToMessageId: 'chat-auto-msg-1' }, at(MINUTE));
    expect(state.unseenReplies.map((reply) => reply.messageId)).toEqual(['reply-1']);
  });
});

describe('web-chat auto-response decision', () => {
  const ticket = newTicketState({ ticketId: 'ticket-chat-a-1', accountId: 'a', channel: 'web_chat', createdAt: at(0) });
  const facts = { configured: true, online: false, timeZone: 'America/New_York', nextChange: { kind: 'opens' as const, at: at(hours(20)) }, onlineText: 'Hi!', offlineText: 'We are away.' };

  it('names the reason from the office-hours facts', () => {
    expect(chatAutoResponseReason(facts)).toBe('outside_office_hours');
    expect(chatAutoResponseReason({ ...facts, online: true })).toBe('within_office_hours');
    expect(chatAutoResponseReason({ ...facts, configured: false, online: true })).toBe('no_office_hours');
  });

  it('records the decision with its reason and the auto-response as a message', () => {
    const transition = chatAutoResponseTransition(ticket, { inboundMessageId: 'msg-1', decision: { online: false, reason: 'outside_office_hours', text: 'We are away.' }, facts }, at(1));
    expect(transition.state).toMatchObject({ version: 1, messageCount: 1, lastMessageId: 'chat-auto-msg-1' });
    expect(transition.events).toEqual([
      {
        type: 'chat_auto_response',
        at: at(1),
        actorUserId: null,
        detail: { inReplyTo: 'msg-1', online: false, reason: 'outside_office_hours', sent: true, messageId: 'chat-auto-msg-1', timeZone: 'America/New_York', nextChangeKind: 'opens', nextChangeAt: at(hours(20)) },
      },
    ]);
  });

  it('records "not sent" when the matching text is not configured', () => {
    const transition = chatAutoResponseTransition(ticket, { inboundMessageId: 'msg-1', decision: { online: true, reason: 'no_office_hours', text: null }, facts }, at(1));
    expect(transition.state.messageCount).toBe(0);
    expect(transition.events[0]!.detail).toMatchObject({ sent: false, messageId: null, reason: 'no_office_hours' });
  });
});

describe('chooseChatAutoResponse', () => {
  it('picks the text for the current state', () => {
    expect(chooseChatAutoResponse({ online: true, onlineText: 'We are here!', offlineText: 'Back at 9.' })).toBe('We are here!');
    expect(chooseChatAutoResponse({ online: false, onlineText: 'We are here!', offlineText: 'Back at 9.' })).toBe('Back at 9.');
  });

  it('returns null when the text for that state is not configured', () => {
    expect(chooseChatAutoResponse({ online: true, onlineText: null, offlineText: 'Back at 9.' })).toBeNull();
    expect(chooseChatAutoResponse({ online: false, onlineText: 'Hi', offlineText: '  ' })).toBeNull();
  });
});
