import type { TicketState, Transition } from './ticket.js';

/**
 * How long a conversation that never got a message is kept (docs/web-chat.md, "Idle conversations"). The
 * widget starts one right before the visitor's first message, so one still empty after a day was abandoned
 * (or started by a script); housekeeping deletes it, and a widget that still holds it starts afresh.
 */
export const ABANDONED_CONVERSATION_KEPT_MS = 24 * 60 * 60 * 1000;

/**
 * Web chat conversations that go quiet are closed (docs/web-chat.md, "Idle conversations"), so their
 * tickets and workflows end instead of lingering open for ever. A conversation is idle when nothing has
 * happened to its ticket for this long; one whose visitor still waits for an agent's answer is never
 * closed this way: it stays in the agents' queue.
 */
export const CHAT_IDLE_CLOSE_AFTER_MS = 24 * 60 * 60 * 1000;

/** The visitor wrote after the last agent reply (or no agent has replied at all). */
export function visitorAwaitsReply(state: TicketState): boolean {
  if (state.lastInboundAt === null) return false;
  const lastReplyAt = state.lastAgentReplyAt ?? state.firstAgentReplyAt;
  return lastReplyAt === null || Date.parse(lastReplyAt) < Date.parse(state.lastInboundAt);
}

function closesWhenIdle(state: TicketState): boolean {
  return state.channel === 'web_chat' && state.status === 'open' && !visitorAwaitsReply(state);
}

/** Milliseconds until the open, answered conversation would close for idleness; undefined when it never will as it stands. */
export function msUntilIdleChatCloses(state: TicketState, now: string): number | undefined {
  if (!closesWhenIdle(state)) return undefined;
  return Math.max(0, Date.parse(state.updatedAt) + CHAT_IDLE_CLOSE_AFTER_MS - Date.parse(now));
}

/** The idle conversation's closing, with why; null while it is not due. */
export function closeIdleChat(state: TicketState, now: string): Transition | null {
  if (msUntilIdleChatCloses(state, now) !== 0) return null;
  return {
    state: { ...state, status: 'closed', closedAt: now, updatedAt: now, version: state.version + 1 },
    events: [
      {
        type: 'closed',
        at: now,
        actorUserId: null,
        detail: { previousStatus: state.status, reason: 'chat_idle', idleSince: state.updatedAt, idleHours: CHAT_IDLE_CLOSE_AFTER_MS / 3_600_000 },
      },
    ],
  };
}
