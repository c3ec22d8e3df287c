import { describe, it, expect } from '@jest/globals';
import type { Channel } from '../../../libs/domain/channel-policy.js';
import {
  MAX_REPLY_LENGTH,
  MAX_TAG_LENGTH,
  MAX_TAGS,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  applyAgentAction,
  conversationChangesSince,
  replyCollision,
  THREAD_ENTRIES_KEPT,
  deliveryFailed,
  expireSnooze,
  inboundMessageRejected,
  msUntilSnoozeExpiry,
  newTicketState,
  normalizeTag,
  priorityOf,
  receiveInboundMessage,
  ticketCreatedEvent,
  validateAgentAction,
  withMatchedProfile,
  type AgentAction,
  type InboundOutcome,
  type TicketState,
  type Transition,
} from '../../../libs/domain/ticket.js';

const CREATED = '2030-01-01T10:00:00.000Z';
const T1 = '2030-01-01T10:05:00.000Z';
const T2 = '2030-01-01T10:10:00.000Z';
const T3 = '2030-01-01T10:15:00.000Z';
const T4 = '2030-01-01T10:20:00.000Z';
const LATER = '2030-01-02T09:00:00.000Z';
const AGENT = 'agent-1';
const ALL_CHANNELS: Channel[] = ['web_chat', 'email', 'sms'];
const REOPENING_CHANNELS: Channel[] = ['email', 'sms'];

function fresh(channel: Channel = 'email', overrides: Partial<TicketState> = {}): TicketState {
  return { ...newTicketState({ ticketId: 't-1', accountId: 'acc-1', channel, createdAt: CREATED }), ...overrides };
}

function accepted(outcome: InboundOutcome): Transition {
  if (outcome.kind !== 'accepted') throw new Error(`expected an accepted inbound message, got ${outcome.kind}`);
  return outcome.transition;
}

/** Validates then applies, failing loudly if the action is refused. */
function act(state: TicketState, action: AgentAction, now: string, actor = AGENT): Transition {
  const refusal = validateAgentAction(state, action, now);
  if (refusal !== null) throw new Error(`action ${action.type} refused: ${refusal}`);
  return applyAgentAction(state, action, actor, now);
}

function inbound(state: TicketState, messageId: string, at: string): TicketState {
  return accepted(receiveInboundMessage(state, { messageId, receivedAt: at }, at)).state;
}

function snoozed(channel: Channel = 'email', until = LATER): TicketState {
  return act(fresh(channel), { type: 'snooze', until }, T1).state;
}

function closed(channel: Channel = 'email'): TicketState {
  return act(fresh(channel), { type: 'close' }, T1).state;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

describe('TICKET_STATUSES', () => {
  it('lists the three statuses of SPEC §4', () => {
    expect([...TICKET_STATUSES]).toEqual(['open', 'snoozed', 'closed']);
  });
});

describe('newTicketState', () => {
  it.each(ALL_CHANNELS)('starts an open, empty, unassigned %s ticket at version 0', (channel) => {
    expect(newTicketState({ ticketId: 't-9', accountId: 'acc-2', channel, createdAt: CREATED })).toEqual({
      ticketId: 't-9',
      accountId: 'acc-2',
      channel,
      status: 'open',
      assigneeId: null,
      tags: [],
      snoozedUntil: null,
      unreadSince: null,
      lastMessageId: null,
      lastInboundMessageId: null,
      lastInboundAt: null,
      firstAgentReplyAt: null,
      lastAgentReplyAt: null,
      profileId: null,
      profileChosenByAgent: false,
      priority: 'normal',
      sla: { policy: null, clocks: [], startedCount: 0 },
      messageCount: 0,
      createdAt: CREATED,
      updatedAt: CREATED,
      closedAt: null,
      version: 0,
    });
  });

  it('gives every ticket its own tags array', () => {
    const a = fresh();
    const b = fresh();
    expect(a.tags).not.toBe(b.tags);
  });
});

describe('ticketCreatedEvent', () => {
  it.each(ALL_CHANNELS)('records the creation of a %s ticket at its creation time, by no user', (channel) => {
    expect(ticketCreatedEvent(fresh(channel))).toEqual({ type: 'created', at: CREATED, actorUserId: null, detail: { channel } });
  });
});

describe('normalizeTag', () => {
  it.each([
    ['VIP', 'vip'],
    ['  Refund  ', 'refund'],
    ['Late   Delivery', 'late delivery'],
    ['late\t\ndelivery', 'late delivery'],
    ['already-normal', 'already-normal'],
    ['Ünïcode TAG', 'ünïcode tag'],
  ])('normalises %j to %j', (input, expected) => {
    expect(normalizeTag(input)).toBe(expected);
  });

  it.each([
    ['empty', ''],
    ['spaces only', '   '],
    ['whitespace only', '\t\n '],
    ['too long', 'a'.repeat(MAX_TAG_LENGTH + 1)],
  ])('refuses an unusable tag (%s)', (_label, input) => {
    expect(normalizeTag(input)).toBeNull();
  });

  it('accepts a tag of exactly the maximum length', () => {
    expect(normalizeTag('A'.repeat(MAX_TAG_LENGTH))).toBe('a'.repeat(MAX_TAG_LENGTH));
  });

  it('measures the length after trimming and collapsing whitespace', () => {
    const padded = `   ${'a'.repeat(MAX_TAG_LENGTH - 2)}    b   `;
    expect(normalizeTag(padded)).toBe(`${'a'.repeat(MAX_TAG_LENGTH - 2)} b`);
  });
});

describe('receiveInboundMessage', () => {
  describe.each(ALL_CHANNELS)('on an open %s ticket', (channel) => {
    it('lands the message without changing the status', () => {
      const state = fresh(channel);
      const { state: next, events } = accepted(receiveInboundMessage(state, { messageId: 'm-1', receivedAt: T1 }, T2));
      expect(next).toEqual({
        ...state,
        status: 'open',
        lastMessageId: 'm-1',
        lastInboundMessageId: 'm-1',
        lastInboundAt: T1,
        unreadSince: T1,
        messageCount: 1,
        updatedAt: T2,
        version: 1,
        thread: [{ version: 1, kind: 'customer_message', messageId: 'm-1', authorUserId: null, at: T2 }],
      });
      expect(events).toEqual([{ type: 'message_received', at: T2, actorUserId: null, detail: { messageId: 'm-1' } }]);
    });
  });

  describe.each(ALL_CHANNELS)('on a snoozed %s ticket', (channel) => {
    it('ends the snooze and lands the message', () => {
      const state = snoozed(channel, LATER);
      const { state: next, events } = accepted(receiveInboundMessage(state, { messageId: 'm-1', receivedAt: T2 }, T2));
      expect(next.status).toBe('open');
      expect(next.snoozedUntil).toBeNull();
      expect(next.lastInboundMessageId).toBe('m-1');
      expect(next.messageCount).toBe(1);
      expect(next.unreadSince).toBe(T2);
      expect(next.version).toBe(state.version + 1);
      expect(next.updatedAt).toBe(T2);
      expect(events).toEqual([
        { type: 'snooze_ended_by_message', at: T2, actorUserId: null, detail: { snoozedUntil: LATER } },
        { type: 'message_received', at: T2, actorUserId: null, detail: { messageId: 'm-1' } },
      ]);
      expect(msUntilSnoozeExpiry(next, T2)).toBeUndefined();
      expect(expireSnooze(next, LATER)).toBeNull();
    });
  });

  describe('on a closed web chat ticket', () => {
    it('asks for a new ticket and leaves the closed one alone', () => {
      const state = deepFreeze(closed('web_chat'));
      const outcome = receiveInboundMessage(state, { messageId: 'm-1', receivedAt: T2 }, T2);
      expect(outcome).toEqual({ kind: 'start_new_ticket' });
      expect(state.status).toBe('closed');
      expect(state.messageCount).toBe(0);
    });
  });

  describe.each(REOPENING_CHANNELS)('on a closed %s ticket', (channel) => {
    it('reopens the ticket because of the inbound message, then lands it', () => {
      const state = closed(channel);
      expect(state.closedAt).toBe(T1);
      const { state: next, events } = accepted(receiveInboundMessage(state, { messageId: 'm-1', receivedAt: T2 }, T3));
      expect(next).toEqual({
        ...state,
        status: 'open',
        closedAt: null,
        lastMessageId: 'm-1',
        lastInboundMessageId: 'm-1',
        lastInboundAt: T2,
        unreadSince: T2,
        messageCount: 1,
        updatedAt: T3,
        version: state.version + 1,
        thread: [{ version: state.version + 1, kind: 'customer_message', messageId: 'm-1', authorUserId: null, at: T3 }],
      });
      expect(events).toEqual([
        { type: 'reopened', at: T3, actorUserId: null, detail: { reason: 'inbound_message', channel } },
        { type: 'message_received', at: T3, actorUserId: null, detail: { messageId: 'm-1' } },
      ]);
      expect(events[0]!.detail.reason).toBe('inbound_message');
    });

    it('reopens however much time has passed since the close', () => {
      const state = closed(channel);
      const muchLater = '2035-06-01T00:00:00.000Z';
      const { state: next, events } = accepted(receiveInboundMessage(state, { messageId: 'm-x', receivedAt: muchLater }, muchLater));
      expect(next.status).toBe('open');
      expect(events.map((e) => e.type)).toEqual(['reopened', 'message_received']);
    });

    it('keeps the assignee and tags through the reopen', () => {
      let state = act(fresh(channel), { type: 'assign', assigneeId: 'agent-2' }, T1).state;
      state = act(state, { type: 'tag', add: ['vip'], remove: [] }, T1).state;
      state = act(state, { type: 'close' }, T1).state;
      const next = inbound(state, 'm-1', T2);
      expect(next.assigneeId).toBe('agent-2');
      expect(next.tags).toEqual(['vip']);
    });
  });

  it('moves last message and last inbound pointers to each new message and counts them all', () => {
    let state = inbound(fresh('sms'), 'm-1', T1);
    state = inbound(state, 'm-2', T2);
    state = inbound(state, 'm-3', T3);
    expect(state.lastMessageId).toBe('m-3');
    expect(state.lastInboundMessageId).toBe('m-3');
    expect(state.lastInboundAt).toBe(T3);
    expect(state.messageCount).toBe(3);
    expect(state.version).toBe(3);
    expect(state.updatedAt).toBe(T3);
  });

  it('does not mutate the state it is given', () => {
    const state = deepFreeze(snoozed('email'));
    const copy = structuredClone(state);
    accepted(receiveInboundMessage(state, { messageId: 'm-1', receivedAt: T2 }, T2));
    expect(state).toEqual(copy);
  });

  it('does not touch the first agent reply time', () => {
    const replied = act(inbound(fresh('email'), 'm-1', T1), { type: 'reply', messageId: 'r-1', body: 'hi' }, T2).state;
    expect(inbound(replied, 'm-2', T3).firstAgentReplyAt).toBe(T2);
  });
});

describe('unread tracking', () => {
  it('marks the ticket unread from the first unread inbound message', () => {
    expect(inbound(fresh(), 'm-1', T1).unreadSince).toBe(T1);
  });

  it('keeps the oldest unread inbound message while more arrive', () => {
    let state = inbound(fresh(), 'm-1', T1);
    state = inbound(state, 'm-2', T2);
    state = inbound(state, 'm-3', T3);
    expect(state.unreadSince).toBe(T1);
  });

  it('mark_read clears it, with a read event by the agent', () => {
    const state = inbound(inbound(fresh(), 'm-1', T1), 'm-2', T2);
    const { state: next, events } = act(state, { type: 'mark_read' }, T3);
    expect(next).toEqual({ ...state, unreadSince: null, updatedAt: T3, version: state.version + 1 });
    expect(events).toEqual([{ type: 'read', at: T3, actorUserId: AGENT, detail: {} }]);
  });

  it('a message after mark_read starts a new unread period at that message', () => {
    let state = inbound(fresh(), 'm-1', T1);
    state = act(state, { type: 'mark_read' }, T2).state;
    state = inbound(state, 'm-2', T3);
    expect(state.unreadSince).toBe(T3);
  });

  it('a reply clears it', () => {
    const state = inbound(fresh(), 'm-1', T1);
    expect(act(state, { type: 'reply', messageId: 'r-1', body: 'Hello' }, T2).state.unreadSince).toBeNull();
  });

  it('a message after a reply starts a new unread period at that message', () => {
    let state = inbound(fresh(), 'm-1', T1);
    state = act(state, { type: 'reply', messageId: 'r-1', body: 'Hello' }, T2).state;
    state = inbound(state, 'm-2', T3);
    expect(state.unreadSince).toBe(T3);
  });

  it('uses the message arrival time, not the processing time', () => {
    const state = accepted(receiveInboundMessage(fresh(), { messageId: 'm-1', receivedAt: T1 }, T3)).state;
    expect(state.unreadSince).toBe(T1);
    expect(state.lastInboundAt).toBe(T1);
    expect(state.updatedAt).toBe(T3);
  });

  it('survives a snooze ending by message and a reopen by message', () => {
    let state = inbound(fresh('sms'), 'm-1', T1);
    state = act(state, { type: 'snooze', until: LATER }, T1).state;
    state = inbound(state, 'm-2', T2);
    expect(state.unreadSince).toBe(T1);
    state = act(state, { type: 'close' }, T2).state;
    state = inbound(state, 'm-3', T3);
    expect(state.status).toBe('open');
    expect(state.unreadSince).toBe(T1);
  });
});

describe('validateAgentAction', () => {
  describe('assign', () => {
    it('accepts a user id', () => {
      expect(validateAgentAction(fresh(), { type: 'assign', assigneeId: 'agent-2' }, T1)).toBeNull();
    });

    it.each(['', '   ', '\t'])('refuses an empty assignee %j', (assigneeId) => {
      expect(validateAgentAction(fresh(), { type: 'assign', assigneeId }, T1)).toBe('assigneeId must name a user');
    });
  });

  describe('snooze', () => {
    it.each(['open', 'snoozed'] as const)('accepts a future deadline on a %s ticket', (status) => {
      const state = status === 'open' ? fresh() : snoozed();
      expect(validateAgentAction(state, { type: 'snooze', until: T2 }, T1)).toBeNull();
    });

    it('refuses a deadline in the past', () => {
      expect(validateAgentAction(fresh(), { type: 'snooze', until: T1 }, T2)).toBe('until must be in the future');
    });

    it('refuses a deadline equal to now', () => {
      expect(validateAgentAction(fresh(), { type: 'snooze', until: T1 }, T1)).toBe('until must be in the future');
    });

    it('refuses a past deadline when changing an existing snooze', () => {
      expect(validateAgentAction(snoozed(), { type: 'snooze', until: T1 }, T2)).toBe('until must be in the future');
    });

    it('compares instants, not strings (offsets)', () => {
      // 11:00+02:00 is 09:00Z, before 10:05Z
      expect(validateAgentAction(fresh(), { type: 'snooze', until: '2030-01-01T11:00:00+02:00' }, T1)).toBe('until must be in the future');
      // 08:00-05:00 is 13:00Z, after 10:05Z
      expect(validateAgentAction(fresh(), { type: 'snooze', until: '2030-01-01T08:00:00-05:00' }, T1)).toBeNull();
    });

    it.each(['', 'tomorrow', 'not-a-date', '2030-13-45T00:00:00Z'])('refuses an unparseable deadline %j', (until) => {
      expect(validateAgentAction(fresh(), { type: 'snooze', until }, T1)).toBe('until must be an ISO 8601 date-time');
    });

    it.each(ALL_CHANNELS)('refuses to snooze a closed %s ticket', (channel) => {
      expect(validateAgentAction(closed(channel), { type: 'snooze', until: LATER }, T2)).toBe(
        'a closed ticket cannot be snoozed; reopen it first',
      );
    });
  });

  describe('cancel_snooze', () => {
    it('accepts on a snoozed ticket', () => {
      expect(validateAgentAction(snoozed(), { type: 'cancel_snooze' }, T2)).toBeNull();
    });

    it.each([
      ['open', () => fresh()],
      ['closed', () => closed()],
    ])('refuses on an %s ticket', (_status, make) => {
      expect(validateAgentAction(make(), { type: 'cancel_snooze' }, T2)).toBe('the ticket is not snoozed');
    });

    it('refuses once the snooze has expired', () => {
      const expired = expireSnooze(snoozed('email', T2), T2)!.state;
      expect(validateAgentAction(expired, { type: 'cancel_snooze' }, T3)).toBe('the ticket is not snoozed');
    });
  });

  describe('reopen', () => {
    it('refuses to reopen a closed web chat ticket', () => {
      expect(validateAgentAction(closed('web_chat'), { type: 'reopen' }, T2)).toBe(
        'a closed web chat ticket never reopens; the customer starts a new conversation',
      );
    });

    it.each(REOPENING_CHANNELS)('accepts reopening a closed %s ticket', (channel) => {
      expect(validateAgentAction(closed(channel), { type: 'reopen' }, T2)).toBeNull();
    });

    it.each(ALL_CHANNELS)('accepts (as a no-op) reopening an open %s ticket', (channel) => {
      expect(validateAgentAction(fresh(channel), { type: 'reopen' }, T2)).toBeNull();
      expect(validateAgentAction(snoozed(channel), { type: 'reopen' }, T2)).toBeNull();
    });
  });

  describe('link_profile and unlink_profile', () => {
    it('names the profile an agent chose, with the one it replaces, and keeps it chosen', () => {
      const matched = withMatchedProfile(inbound(fresh(), 'm-1', T1), 'prof-matched');
      const { state, events } = act(matched, { type: 'link_profile', profileId: 'prof-other' }, T2);
      expect(state).toMatchObject({ profileId: 'prof-other', profileChosenByAgent: true, version: matched.version + 1 });
      expect(events).toEqual([{ type: 'profile_linked', at: T2, actorUserId: AGENT, detail: { profileId: 'prof-other', previousProfileId: 'prof-matched' } }]);
      expect(act(state, { type: 'link_profile', profileId: 'prof-other' }, T3).events).toEqual([]);
    });

    it('unlinks, and an unlinked ticket stays chosen so messages do not link it again', () => {
      const matched = withMatchedProfile(inbound(fresh(), 'm-1', T1), 'prof-matched');
      const { state, events } = act(matched, { type: 'unlink_profile' }, T2);
      expect(state).toMatchObject({ profileId: null, profileChosenByAgent: true });
      expect(events).toEqual([{ type: 'profile_unlinked', at: T2, actorUserId: AGENT, detail: { previousProfileId: 'prof-matched' } }]);
      expect(act(state, { type: 'unlink_profile' }, T3).events).toEqual([]);
    });

    it('refuses a link without a profile id', () => {
      expect(validateAgentAction(fresh(), { type: 'link_profile', profileId: ' ' }, T1)).toBe('profileId must name a profile');
    });
  });

  describe('reply', () => {
    it.each(['', '   ', '\n\t '])('refuses an empty body %j', (body) => {
      expect(validateAgentAction(fresh(), { type: 'reply', messageId: 'r-1', body }, T1)).toBe('body must not be empty');
    });

    it('accepts a body of exactly the maximum length', () => {
      expect(validateAgentAction(fresh(), { type: 'reply', messageId: 'r-1', body: 'x'.repeat(MAX_REPLY_LENGTH) }, T1)).toBeNull();
    });

    it('refuses a body over the maximum length', () => {
      expect(validateAgentAction(fresh(), { type: 'reply', messageId: 'r-1', body: 'x'.repeat(MAX_REPLY_LENGTH + 1) }, T1)).toBe(
        `body must be at most ${MAX_REPLY_LENGTH} characters`,
      );
    });

    it('refuses a reply to a closed web chat conversation', () => {
      expect(validateAgentAction(closed('web_chat'), { type: 'reply', messageId: 'r-1', body: 'hi' }, T2)).toBe(
        'this web chat conversation is closed',
      );
    });

    it.each(REOPENING_CHANNELS)('accepts a reply to a closed %s ticket', (channel) => {
      expect(validateAgentAction(closed(channel), { type: 'reply', messageId: 'r-1', body: 'hi' }, T2)).toBeNull();
    });

    it.each(ALL_CHANNELS)('accepts a reply to open and snoozed %s tickets', (channel) => {
      expect(validateAgentAction(fresh(channel), { type: 'reply', messageId: 'r-1', body: 'hi' }, T2)).toBeNull();
      expect(validateAgentAction(snoozed(channel), { type: 'reply', messageId: 'r-1', body: 'hi' }, T2)).toBeNull();
    });
  });

  describe('tag', () => {
    it('accepts adding and removing usable tags', () => {
      expect(validateAgentAction(fresh(), { type: 'tag', add: ['VIP', ' refund '], remove: ['other'] }, T1)).toBeNull();
    });

    it.each([
      ['empty add', [''], []],
      ['blank add', ['   '], []],
      ['too long add', ['a'.repeat(MAX_TAG_LENGTH + 1)], []],
      ['empty remove', [], ['']],
      ['too long remove', [], ['b'.repeat(MAX_TAG_LENGTH + 1)]],
    ])('refuses a bad tag (%s), naming it', (_label, add, remove) => {
      const bad = [...add, ...remove][0]!;
      expect(validateAgentAction(fresh(), { type: 'tag', add, remove }, T1)).toBe(`tag "${bad}" must be 1 to ${MAX_TAG_LENGTH} characters`);
    });

    it('refuses the whole action when one tag among good ones is bad', () => {
      expect(validateAgentAction(fresh(), { type: 'tag', add: ['ok', '  '], remove: [] }, T1)).toBe(
        `tag "  " must be 1 to ${MAX_TAG_LENGTH} characters`,
      );
    });

    it('accepts exactly the maximum number of tags', () => {
      const add = Array.from({ length: MAX_TAGS }, (_, i) => `tag-${i}`);
      expect(validateAgentAction(fresh(), { type: 'tag', add, remove: [] }, T1)).toBeNull();
    });

    it('refuses more than the maximum number of tags in one action', () => {
      const add = Array.from({ length: MAX_TAGS + 1 }, (_, i) => `tag-${i}`);
      expect(validateAgentAction(fresh(), { type: 'tag', add, remove: [] }, T1)).toBe(`a ticket has at most ${MAX_TAGS} tags`);
    });

    it('refuses going over the maximum together with the tags already there', () => {
      const full = act(fresh(), { type: 'tag', add: Array.from({ length: MAX_TAGS }, (_, i) => `tag-${i}`), remove: [] }, T1).state;
      expect(full.tags).toHaveLength(MAX_TAGS);
      expect(validateAgentAction(full, { type: 'tag', add: ['one-more'], remove: [] }, T2)).toBe(`a ticket has at most ${MAX_TAGS} tags`);
    });

    it('counts tags after the change: removing one makes room for another', () => {
      const full = act(fresh(), { type: 'tag', add: Array.from({ length: MAX_TAGS }, (_, i) => `tag-${i}`), remove: [] }, T1).state;
      expect(validateAgentAction(full, { type: 'tag', add: ['one-more'], remove: ['TAG-0'] }, T2)).toBeNull();
    });

    it('counts duplicates (after normalisation) once', () => {
      const add = [...Array.from({ length: MAX_TAGS }, (_, i) => `tag-${i}`), 'TAG-0', ' tag-1 '];
      expect(validateAgentAction(fresh(), { type: 'tag', add, remove: [] }, T1)).toBeNull();
    });
  });

  it.each(['unassign', 'close', 'mark_read'] as const)('always accepts %s', (type) => {
    for (const state of [fresh('web_chat'), snoozed('email'), closed('sms'), closed('web_chat')]) {
      expect(validateAgentAction(state, { type }, T2)).toBeNull();
    }
  });
});

describe('applyAgentAction', () => {
  describe('assign / unassign', () => {
    it('assigns an unassigned ticket', () => {
      const state = fresh();
      const { state: next, events } = act(state, { type: 'assign', assigneeId: 'agent-2' }, T1);
      expect(next).toEqual({ ...state, assigneeId: 'agent-2', updatedAt: T1, version: 1 });
      expect(events).toEqual([{ type: 'assigned', at: T1, actorUserId: AGENT, detail: { assigneeId: 'agent-2', previousAssigneeId: null } }]);
    });

    it('reassigns, recording the previous assignee', () => {
      const state = act(fresh(), { type: 'assign', assigneeId: 'agent-2' }, T1).state;
      const { state: next, events } = act(state, { type: 'assign', assigneeId: 'agent-3' }, T2);
      expect(next.assigneeId).toBe('agent-3');
      expect(next.version).toBe(2);
      expect(events).toEqual([
        { type: 'assigned', at: T2, actorUserId: AGENT, detail: { assigneeId: 'agent-3', previousAssigneeId: 'agent-2' } },
      ]);
    });

    it('unassigns, recording the previous assignee', () => {
      const state = act(fresh(), { type: 'assign', assigneeId: 'agent-2' }, T1).state;
      const { state: next, events } = act(state, { type: 'unassign' }, T2);
      expect(next).toEqual({ ...state, assigneeId: null, updatedAt: T2, version: 2 });
      expect(events).toEqual([{ type: 'unassigned', at: T2, actorUserId: AGENT, detail: { previousAssigneeId: 'agent-2' } }]);
    });

    it('can assign a closed ticket without reopening it', () => {
      const state = closed();
      const next = act(state, { type: 'assign', assigneeId: 'agent-2' }, T2).state;
      expect(next.status).toBe('closed');
      expect(next.closedAt).toBe(T1);
    });
  });

  describe('snooze', () => {
    it('snoozes an open ticket', () => {
      const state = fresh();
      const { state: next, events } = act(state, { type: 'snooze', until: LATER }, T1);
      expect(next).toEqual({ ...state, status: 'snoozed', snoozedUntil: LATER, updatedAt: T1, version: 1 });
      expect(events).toEqual([{ type: 'snoozed', at: T1, actorUserId: AGENT, detail: { until: LATER, previousUntil: null } }]);
    });

    it('stores the deadline as a canonical UTC ISO string', () => {
      const next = act(fresh(), { type: 'snooze', until: '2030-01-02T11:00:00+02:00' }, T1).state;
      expect(next.snoozedUntil).toBe('2030-01-02T09:00:00.000Z');
    });

    it('changes the deadline of a snoozed ticket', () => {
      const state = snoozed('email', LATER);
      const newUntil = '2030-01-03T09:00:00.000Z';
      const { state: next, events } = act(state, { type: 'snooze', until: newUntil }, T2);
      expect(next).toEqual({ ...state, status: 'snoozed', snoozedUntil: newUntil, updatedAt: T2, version: state.version + 1 });
      expect(events).toEqual([{ type: 'snooze_changed', at: T2, actorUserId: AGENT, detail: { until: newUntil, previousUntil: LATER } }]);
    });

    it('can bring a snooze deadline earlier', () => {
      const state = snoozed('email', LATER);
      const next = act(state, { type: 'snooze', until: T3 }, T2).state;
      expect(next.snoozedUntil).toBe(T3);
      expect(msUntilSnoozeExpiry(next, T2)).toBe(5 * 60_000);
    });

    it('cancels a snooze, reopening the ticket', () => {
      const state = snoozed('sms', LATER);
      const { state: next, events } = act(state, { type: 'cancel_snooze' }, T2);
      expect(next).toEqual({ ...state, status: 'open', snoozedUntil: null, updatedAt: T2, version: state.version + 1 });
      expect(events).toEqual([{ type: 'snooze_cancelled', at: T2, actorUserId: AGENT, detail: { previousUntil: LATER } }]);
      expect(msUntilSnoozeExpiry(next, T2)).toBeUndefined();
      expect(expireSnooze(next, LATER)).toBeNull();
    });
  });

  describe('close / reopen', () => {
    it.each(ALL_CHANNELS)('closes an open %s ticket', (channel) => {
      const state = fresh(channel);
      const { state: next, events } = act(state, { type: 'close' }, T1);
      expect(next).toEqual({ ...state, status: 'closed', closedAt: T1, updatedAt: T1, version: 1 });
      expect(events).toEqual([{ type: 'closed', at: T1, actorUserId: AGENT, detail: { previousStatus: 'open' } }]);
    });

    it('closes a snoozed ticket and drops its snooze', () => {
      const state = snoozed('email', LATER);
      const { state: next, events } = act(state, { type: 'close' }, T2);
      expect(next.status).toBe('closed');
      expect(next.snoozedUntil).toBeNull();
      expect(next.closedAt).toBe(T2);
      expect(events).toEqual([{ type: 'closed', at: T2, actorUserId: AGENT, detail: { previousStatus: 'snoozed' } }]);
      expect(msUntilSnoozeExpiry(next, T2)).toBeUndefined();
      expect(expireSnooze(next, LATER)).toBeNull();
    });

    it.each(REOPENING_CHANNELS)('an agent reopens a closed %s ticket', (channel) => {
      const state = closed(channel);
      const { state: next, events } = act(state, { type: 'reopen' }, T2);
      expect(next).toEqual({ ...state, status: 'open', closedAt: null, updatedAt: T2, version: state.version + 1 });
      expect(events).toEqual([{ type: 'reopened', at: T2, actorUserId: AGENT, detail: { reason: 'agent' } }]);
    });

    it('a reopened ticket closes again with a new close time', () => {
      let state = closed('sms');
      state = act(state, { type: 'reopen' }, T2).state;
      state = act(state, { type: 'close' }, T3).state;
      expect(state.closedAt).toBe(T3);
      expect(state.version).toBe(3);
    });
  });

  describe('reply', () => {
    it('records the reply and the first agent reply time', () => {
      const state = inbound(fresh(), 'm-1', T1);
      const { state: next, events } = act(state, { type: 'reply', messageId: 'r-1', body: 'Hello' }, T2);
      expect(next).toEqual({
        ...state,
        lastMessageId: 'r-1',
        messageCount: 2,
        firstAgentReplyAt: T2,
        lastAgentReplyAt: T2,
        unreadSince: null,
        updatedAt: T2,
        version: state.version + 1,
        thread: [...state.thread!, { version: state.version + 1, kind: 'agent_reply', messageId: 'r-1', authorUserId: AGENT, at: T2 }],
      });
      expect(events).toEqual([{ type: 'replied', at: T2, actorUserId: AGENT, detail: { messageId: 'r-1' } }]);
    });

    it('does not move the last inbound pointers', () => {
      const state = inbound(fresh(), 'm-1', T1);
      const next = act(state, { type: 'reply', messageId: 'r-1', body: 'Hello' }, T2).state;
      expect(next.lastInboundMessageId).toBe('m-1');
      expect(next.lastInboundAt).toBe(T1);
    });

    it('sets firstAgentReplyAt only once', () => {
      let state = inbound(fresh(), 'm-1', T1);
      state = act(state, { type: 'reply', messageId: 'r-1', body: 'one' }, T2).state;
      state = inbound(state, 'm-2', T3);
      state = act(state, { type: 'reply', messageId: 'r-2', body: 'two' }, T4).state;
      expect(state.firstAgentReplyAt).toBe(T2);
      expect(state.lastAgentReplyAt).toBe(T4);
      expect(state.lastMessageId).toBe('r-2');
      expect(state.messageCount).toBe(4);
    });

    it('keeps firstAgentReplyAt through close and reopen', () => {
      let state = act(inbound(fresh('email'), 'm-1', T1), { type: 'reply', messageId: 'r-1', body: 'one' }, T2).state;
      state = act(state, { type: 'close' }, T2).state;
      state = inbound(state, 'm-2', T3);
      state = act(state, { type: 'reply', messageId: 'r-2', body: 'two' }, T4).state;
      expect(state.firstAgentReplyAt).toBe(T2);
    });

    it('does not change the status of a snoozed or closed ticket', () => {
      const s = act(snoozed('email'), { type: 'reply', messageId: 'r-1', body: 'x' }, T2).state;
      expect(s.status).toBe('snoozed');
      expect(s.snoozedUntil).toBe(LATER);
      const c = act(closed('email'), { type: 'reply', messageId: 'r-1', body: 'x' }, T2).state;
      expect(c.status).toBe('closed');
      expect(c.closedAt).toBe(T1);
    });

    it('each reply is a change, even with the same body', () => {
      let state = fresh();
      state = act(state, { type: 'reply', messageId: 'r-1', body: 'same' }, T1).state;
      const { state: next, events } = act(state, { type: 'reply', messageId: 'r-2', body: 'same' }, T2);
      expect(next.version).toBe(2);
      expect(events).toHaveLength(1);
    });
  });

  describe('tags', () => {
    it('adds normalised tags in order, with previous tags in the event', () => {
      const state = fresh();
      const { state: next, events } = act(state, { type: 'tag', add: ['  VIP ', 'Late   Delivery'], remove: [] }, T1);
      expect(next).toEqual({ ...state, tags: ['vip', 'late delivery'], updatedAt: T1, version: 1 });
      expect(events).toEqual([
        { type: 'tags_changed', at: T1, actorUserId: AGENT, detail: { tags: ['vip', 'late delivery'], previousTags: [] } },
      ]);
    });

    it('drops duplicates that differ only by case or whitespace', () => {
      const next = act(fresh(), { type: 'tag', add: ['Refund', 'REFUND', ' refund ', 'vip'], remove: [] }, T1).state;
      expect(next.tags).toEqual(['refund', 'vip']);
    });

    it('does not add a tag the ticket already has', () => {
      const state = act(fresh(), { type: 'tag', add: ['refund'], remove: [] }, T1).state;
      const { state: next, events } = act(state, { type: 'tag', add: ['Refund', 'new'], remove: [] }, T2);
      expect(next.tags).toEqual(['refund', 'new']);
      expect(events[0]!.detail).toEqual({ tags: ['refund', 'new'], previousTags: ['refund'] });
    });

    it('removes tags matching after normalisation, keeping the order of the rest', () => {
      const state = act(fresh(), { type: 'tag', add: ['a', 'b', 'c', 'late delivery'], remove: [] }, T1).state;
      const { state: next, events } = act(state, { type: 'tag', add: [], remove: [' B ', 'LATE   delivery'] }, T2);
      expect(next.tags).toEqual(['a', 'c']);
      expect(events).toEqual([
        { type: 'tags_changed', at: T2, actorUserId: AGENT, detail: { tags: ['a', 'c'], previousTags: ['a', 'b', 'c', 'late delivery'] } },
      ]);
    });

    it('add and remove of the same tag: removal wins (not added to a ticket without it)', () => {
      const state = act(fresh(), { type: 'tag', add: ['x'], remove: [] }, T1).state;
      const { state: next, events } = act(state, { type: 'tag', add: ['VIP'], remove: ['vip'] }, T2);
      expect(next).toBe(state);
      expect(events).toEqual([]);
    });

    it('add and remove of the same tag: removal wins (removed from a ticket with it)', () => {
      const state = act(fresh(), { type: 'tag', add: ['vip', 'x'], remove: [] }, T1).state;
      const next = act(state, { type: 'tag', add: ['vip'], remove: [' VIP '] }, T2).state;
      expect(next.tags).toEqual(['x']);
    });

    it('does not mutate the previous tags array', () => {
      const state = deepFreeze(act(fresh(), { type: 'tag', add: ['a', 'b'], remove: [] }, T1).state);
      const next = act(state, { type: 'tag', add: ['c'], remove: ['a'] }, T2).state;
      expect(state.tags).toEqual(['a', 'b']);
      expect(next.tags).toEqual(['b', 'c']);
    });
  });
});

describe('idempotent no-op actions', () => {
  const cases: Array<[string, () => TicketState, AgentAction]> = [
    ['assign to the current assignee', () => act(fresh(), { type: 'assign', assigneeId: 'agent-2' }, T1).state, { type: 'assign', assigneeId: 'agent-2' }],
    ['unassign an unassigned ticket', () => fresh(), { type: 'unassign' }],
    ['close a closed ticket', () => closed('email'), { type: 'close' }],
    ['close a closed web chat ticket', () => closed('web_chat'), { type: 'close' }],
    ['reopen an open ticket', () => fresh('email'), { type: 'reopen' }],
    ['reopen a snoozed ticket', () => snoozed('sms'), { type: 'reopen' }],
    ['mark_read with nothing unread', () => fresh(), { type: 'mark_read' }],
    ['mark_read twice', () => act(inbound(fresh(), 'm-1', T1), { type: 'mark_read' }, T1).state, { type: 'mark_read' }],
    ['add tags already present (any case)', () => act(fresh(), { type: 'tag', add: ['vip'], remove: [] }, T1).state, { type: 'tag', add: ['VIP', ' vip '], remove: [] }],
    ['remove a tag that is absent', () => act(fresh(), { type: 'tag', add: ['vip'], remove: [] }, T1).state, { type: 'tag', add: [], remove: ['other'] }],
    ['empty tag change', () => fresh(), { type: 'tag', add: [], remove: [] }],
  ];

  it.each(cases)('%s: no event, same state, same version', (_label, make, action) => {
    const state = deepFreeze(make());
    const refusal = validateAgentAction(state, action, T3);
    expect(refusal).toBeNull();
    const { state: next, events } = applyAgentAction(state, action, AGENT, T3);
    expect(events).toEqual([]);
    expect(next).toBe(state);
    expect(next.version).toBe(state.version);
    expect(next.updatedAt).toBe(state.updatedAt);
  });

  it('changing a snooze to the deadline it already has is a no-op', () => {
    const state = snoozed('email', LATER);
    const { state: next, events } = act(state, { type: 'snooze', until: LATER }, T2);
    expect(events).toEqual([]);
    expect(next.version).toBe(state.version);
  });
});

describe('version', () => {
  it('grows by exactly one per change, whatever the number of events', () => {
    let state = fresh('email');
    const steps: Array<(s: TicketState) => Transition> = [
      (s) => accepted(receiveInboundMessage(s, { messageId: 'm-1', receivedAt: T1 }, T1)),
      (s) => act(s, { type: 'assign', assigneeId: 'agent-2' }, T1),
      (s) => act(s, { type: 'tag', add: ['vip'], remove: [] }, T1),
      (s) => act(s, { type: 'snooze', until: LATER }, T1),
      (s) => act(s, { type: 'snooze', until: '2030-01-03T00:00:00.000Z' }, T1),
      (s) => accepted(receiveInboundMessage(s, { messageId: 'm-2', receivedAt: T2 }, T2)), // two events
      (s) => act(s, { type: 'snooze', until: LATER }, T2),
      (s) => act(s, { type: 'cancel_snooze' }, T2),
      (s) => act(s, { type: 'reply', messageId: 'r-1', body: 'hi' }, T2),
      (s) => act(s, { type: 'close' }, T3),
      (s) => accepted(receiveInboundMessage(s, { messageId: 'm-3', receivedAt: T3 }, T3)), // two events
      (s) => act(s, { type: 'mark_read' }, T3),
      (s) => act(s, { type: 'close' }, T3),
      (s) => act(s, { type: 'reopen' }, T4),
      (s) => act(s, { type: 'snooze', until: LATER }, T4),
      (s) => expireSnooze(s, LATER)!,
      (s) => act(s, { type: 'unassign' }, LATER),
    ];
    steps.forEach((step, i) => {
      const before = state.version;
      const { state: next, events } = step(state);
      expect(events.length).toBeGreaterThan(0);
      expect(next.version).toBe(before + 1);
      expect(next.version).toBe(i + 1);
      state = next;
    });
    expect(state.version).toBe(steps.length);
  });

  it('stamps every event of a transition with the same time as updatedAt', () => {
    const { state, events } = accepted(receiveInboundMessage(closed('sms'), { messageId: 'm-1', receivedAt: T2 }, T3));
    expect(events).toHaveLength(2);
    for (const e of events) expect(e.at).toBe(state.updatedAt);
  });
});

describe('expireSnooze', () => {
  it('does nothing before the deadline', () => {
    const state = snoozed('email', T3);
    expect(expireSnooze(state, T2)).toBeNull();
    expect(expireSnooze(state, '2030-01-01T10:14:59.999Z')).toBeNull();
  });

  it('opens the ticket exactly at the deadline, alerting the assignee', () => {
    const state = act(snoozed('email', T3), { type: 'assign', assigneeId: 'agent-2' }, T2).state;
    const result = expireSnooze(state, T3);
    expect(result).not.toBeNull();
    expect(result!.state).toEqual({ ...state, status: 'open', snoozedUntil: null, updatedAt: T3, version: state.version + 1 });
    expect(result!.events).toEqual([
      { type: 'snooze_expired', at: T3, actorUserId: null, detail: { snoozedUntil: T3, assigneeId: 'agent-2' } },
    ]);
  });

  it('opens the ticket after the deadline (late timer), with a null assignee when unassigned', () => {
    const state = snoozed('sms', T3);
    const result = expireSnooze(state, LATER)!;
    expect(result.state.status).toBe('open');
    expect(result.state.updatedAt).toBe(LATER);
    expect(result.events).toEqual([{ type: 'snooze_expired', at: LATER, actorUserId: null, detail: { snoozedUntil: T3, assigneeId: null } }]);
  });

  it('uses the changed deadline, not the original one', () => {
    const state = act(snoozed('email', T3), { type: 'snooze', until: LATER }, T2).state;
    expect(expireSnooze(state, T3)).toBeNull();
    expect(expireSnooze(state, LATER)!.state.status).toBe('open');
  });

  it.each([
    ['open', () => fresh()],
    ['closed', () => closed()],
  ])('does nothing on an %s ticket', (_label, make) => {
    expect(expireSnooze(make(), LATER)).toBeNull();
  });

  it('does nothing once already expired', () => {
    const once = expireSnooze(snoozed('email', T3), T3)!.state;
    expect(expireSnooze(once, T4)).toBeNull();
  });

  it('does nothing on a snoozed state without a deadline', () => {
    expect(expireSnooze(fresh('email', { status: 'snoozed', snoozedUntil: null }), LATER)).toBeNull();
  });

  it('keeps unread state and tags', () => {
    let state = inbound(fresh(), 'm-1', T1);
    state = act(state, { type: 'tag', add: ['vip'], remove: [] }, T1).state;
    state = act(state, { type: 'snooze', until: T3 }, T1).state;
    const next = expireSnooze(state, T3)!.state;
    expect(next.unreadSince).toBe(T1);
    expect(next.tags).toEqual(['vip']);
  });
});

describe('msUntilSnoozeExpiry', () => {
  it('is the time left until the deadline', () => {
    const state = snoozed('email', T3);
    expect(msUntilSnoozeExpiry(state, T1)).toBe(10 * 60_000);
    expect(msUntilSnoozeExpiry(state, '2030-01-01T10:14:59.999Z')).toBe(1);
  });

  it('is 0 at and after the deadline', () => {
    const state = snoozed('email', T3);
    expect(msUntilSnoozeExpiry(state, T3)).toBe(0);
    expect(msUntilSnoozeExpiry(state, LATER)).toBe(0);
  });

  it('follows a changed deadline', () => {
    const state = act(snoozed('email', T3), { type: 'snooze', until: T4 }, T2).state;
    expect(msUntilSnoozeExpiry(state, T2)).toBe(10 * 60_000);
  });

  it.each([
    ['open', () => fresh()],
    ['closed', () => closed()],
    ['snoozed without a deadline', () => fresh('email', { status: 'snoozed', snoozedUntil: null })],
  ])('is undefined on an %s ticket', (_label, make) => {
    expect(msUntilSnoozeExpiry(make(), T1)).toBeUndefined();
  });
});

describe('purity', () => {
  it('no transition mutates its input state', () => {
    const base = deepFreeze(inbound(act(fresh('email'), { type: 'tag', add: ['a'], remove: [] }, T1).state, 'm-1', T1));
    const snap = structuredClone(base);
    const actions: AgentAction[] = [
      { type: 'assign', assigneeId: 'agent-2' },
      { type: 'tag', add: ['b'], remove: ['a'] },
      { type: 'snooze', until: LATER },
      { type: 'close' },
      { type: 'mark_read' },
      { type: 'reply', messageId: 'r-1', body: 'hi' },
    ];
    for (const action of actions) act(base, action, T2);
    const sn = deepFreeze(act(base, { type: 'snooze', until: T3 }, T2).state);
    act(sn, { type: 'cancel_snooze' }, T2);
    expireSnooze(sn, T3);
    receiveInboundMessage(base, { messageId: 'm-2', receivedAt: T2 }, T2);
    expect(base).toEqual(snap);
  });

  it('gives the same result for the same inputs', () => {
    const state = snoozed('sms', T3);
    expect(applyAgentAction(state, { type: 'snooze', until: T4 }, AGENT, T2)).toEqual(applyAgentAction(state, { type: 'snooze', until: T4 }, AGENT, T2));
    expect(receiveInboundMessage(state, { messageId: 'm', receivedAt: T2 }, T2)).toEqual(receiveInboundMessage(state, { messageId: 'm', receivedAt: T2 }, T2));
  });
});

describe('delivery failures and retries', () => {
  it('records a failed delivery with the provider\'s reason, changing nothing else', () => {
    const before = fresh('sms', { version: 3, messageCount: 2 });
    const { state, events } = deliveryFailed(before, { messageId: 'reply-1', reason: '21610: unsubscribed' }, T1);
    expect(state).toEqual({ ...before, version: 4, updatedAt: T1 });
    expect(events).toEqual([{ type: 'delivery_failed', at: T1, actorUserId: null, detail: { messageId: 'reply-1', reason: '21610: unsubscribed' } }]);
  });

  it('lets an agent retry a failed delivery as an event of its own', () => {
    const before = fresh('email', { version: 5 });
    expect(validateAgentAction(before, { type: 'retry_delivery', messageId: 'reply-1' }, T1)).toBeNull();
    expect(validateAgentAction(before, { type: 'retry_delivery', messageId: ' ' }, T1)).toBe('messageId must name an outbound message');
    const { state, events } = applyAgentAction(before, { type: 'retry_delivery', messageId: 'reply-1' }, AGENT, T1);
    expect(state.version).toBe(6);
    expect(events).toEqual([{ type: 'delivery_retried', at: T1, actorUserId: AGENT, detail: { messageId: 'reply-1' } }]);
  });

  it('refuses a retry in a closed web chat', () => {
    expect(validateAgentAction(fresh('web_chat', { status: 'closed' }), { type: 'retry_delivery', messageId: 'reply-1' }, T1)).toBe('this web chat conversation is closed');
  });
});

describe('quarantined inbound messages', () => {
  it('counts the message in the thread but wakes nothing: no reopen, no unread, no snooze end', () => {
    const snoozed = fresh('email', { status: 'snoozed', snoozedUntil: LATER, version: 2, messageCount: 1 });
    const { state, events } = inboundMessageRejected(snoozed, { messageId: 'm-2', reason: 'SQLSTATE 08P01' }, T1);
    expect(state).toMatchObject({ status: 'snoozed', snoozedUntil: LATER, unreadSince: null, lastMessageId: 'm-2', lastInboundMessageId: null, messageCount: 2, version: 3 });
    expect(events).toEqual([{ type: 'message_rejected', at: T1, actorUserId: null, detail: { messageId: 'm-2', reason: 'SQLSTATE 08P01' } }]);
  });
});

describe('priority', () => {
  it('is normal for a new ticket and for a state carried from before priorities existed', () => {
    expect(priorityOf(fresh())).toBe('normal');
    const { priority: _dropped, ...carried } = fresh();
    expect(priorityOf(carried as TicketState)).toBe('normal');
  });

  it('orders the priorities from least to most urgent', () => {
    expect(TICKET_PRIORITIES).toEqual(['low', 'normal', 'high', 'urgent']);
  });

  it('is set by an agent with an event naming both priorities, and setting it again changes nothing', () => {
    const raised = applyAgentAction(fresh(), { type: 'set_priority', priority: 'urgent' }, 'agent-1', T1);
    expect(raised.state).toMatchObject({ priority: 'urgent', version: 1, updatedAt: T1 });
    expect(raised.events).toEqual([{ type: 'priority_changed', at: T1, actorUserId: 'agent-1', detail: { priority: 'urgent', previousPriority: 'normal' } }]);
    const again = applyAgentAction(raised.state, { type: 'set_priority', priority: 'urgent' }, 'agent-1', T2);
    expect(again.events).toEqual([]);
    expect(again.state).toBe(raised.state);
  });

  it('refuses a priority that does not exist', () => {
    expect(validateAgentAction(fresh(), { type: 'set_priority', priority: 'critical' as never }, T1)).toBe('priority must be one of low, normal, high, urgent');
    expect(validateAgentAction(fresh(), { type: 'set_priority', priority: 'high' }, T1)).toBeNull();
  });
});

describe('apply_macro: the steps as one action', () => {
  const macro = (steps: import('../../../libs/domain/ticket.js').MacroStep[]) => ({ type: 'apply_macro' as const, macroId: 'macro-1', macroName: 'Refund sent', steps });
  const open = () => ({ ...newTicketState({ ticketId: 't-1', accountId: 'acc-1', channel: 'email', createdAt: CREATED }), version: 3 });

  it('applies every step in order in one transition, one version later, each event marked with the macro', () => {
    const action = macro([
      { type: 'tag', add: ['refund'], remove: [] },
      { type: 'reply', messageId: 'm-9', body: 'Your refund is on its way.' },
      { type: 'close' },
    ]);
    expect(validateAgentAction(open(), action, CREATED)).toBeNull();
    const { state, events } = applyAgentAction(open(), action, 'agent-1', CREATED);
    expect(state).toMatchObject({ status: 'closed', tags: ['refund'], lastMessageId: 'm-9', version: 4 });
    expect(events.map((event) => event.type)).toEqual(['macro_applied', 'tags_changed', 'replied', 'closed']);
    expect(events[0]!.detail).toEqual({ macroId: 'macro-1', macroName: 'Refund sent', steps: ['tag', 'reply', 'close'] });
    expect(events.slice(1).every((event) => event.detail.macroId === 'macro-1')).toBe(true);
  });

  it('refuses the whole macro when one step is refused, naming it, against the ticket as the steps before it leave it', () => {
    const chat = { ...open(), channel: 'web_chat' as const };
    expect(validateAgentAction(chat, macro([{ type: 'close' }, { type: 'reply', messageId: 'm-1', body: 'Bye' }]), CREATED)).toBe('step 2 (reply): this web chat conversation is closed');
    expect(validateAgentAction(open(), macro([{ type: 'tag', add: [''], remove: [] }]), CREATED)).toBe('step 1 (tag): tag "" must be 1 to 50 characters');
    expect(validateAgentAction(open(), macro([]), CREATED)).toBe('a macro needs at least one step');
    const twoReplies = macro([{ type: 'reply', messageId: 'a', body: 'x' }, { type: 'reply', messageId: 'b', body: 'y' }]);
    expect(validateAgentAction(open(), twoReplies, CREATED)).toBe('a macro sends at most one reply');
  });
});

describe('the collision guard', () => {
  const base = () => ({ ...newTicketState({ ticketId: 't-1', accountId: 'acc-1', channel: 'email', createdAt: CREATED }) });
  const customer = (state: TicketState, messageId: string) => {
    const outcome = receiveInboundMessage(state, { messageId, receivedAt: CREATED }, CREATED);
    if (outcome.kind !== 'accepted') throw new Error('expected accepted');
    return outcome.transition.state;
  };
  const reply = (state: TicketState, messageId: string, agent: string) => applyAgentAction(state, { type: 'reply', messageId, body: 'x' }, agent, CREATED).state;

  it('lists what came after the seen version, but never the agent\'s own replies; automated messages are no turn', () => {
    const seen = customer(base(), 'm-1');
    let state = customer(seen, 'm-2');
    state = reply(state, 'r-sam', 'sam');
    state = reply(state, 'r-alex', 'alex');
    expect(conversationChangesSince(state, seen.version, 'alex').map((turn) => [turn.kind, turn.messageId])).toEqual([
      ['customer_message', 'm-2'],
      ['agent_reply', 'r-sam'],
    ]);
    const automated = receiveInboundMessage(state, { messageId: 'auto-1', receivedAt: CREATED, automated: { reasons: ['auto-submitted'] } }, CREATED);
    expect(automated.kind === 'accepted' && automated.transition.state.thread!.map((turn) => turn.messageId)).toEqual(['m-1', 'm-2', 'r-sam', 'r-alex']);
  });

  it('refuses a reply on a stale view unless forced or unversioned, and keeps the last 20 turns', () => {
    const seen = customer(base(), 'm-1');
    const state = customer(seen, 'm-2');
    const stale = { type: 'reply' as const, messageId: 'r-1', body: 'x', seenVersion: seen.version };
    expect(replyCollision(state, stale, 'alex')?.message).toBe(`the conversation changed since version ${seen.version}: 1 new customer message; read them, or send with force to reply anyway`);
    expect(replyCollision(state, { ...stale, force: true }, 'alex')).toBeNull();
    expect(replyCollision(state, { type: 'reply', messageId: 'r-1', body: 'x' }, 'alex')).toBeNull();
    expect(replyCollision(state, { ...stale, seenVersion: state.version }, 'alex')).toBeNull();
    let long = state;
    for (let n = 3; n <= 30; n++) long = customer(long, `m-${n}`);
    expect(long.thread).toHaveLength(THREAD_ENTRIES_KEPT);
    expect(long.thread![0]!.messageId).toBe('m-11');
  });
});
