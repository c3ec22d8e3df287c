/**
 * Web-chat rules the ticket workflow applies (SPEC §7): the auto-response a new conversation gets,
 * and the offline follow-up email. Pure and deterministic: the workflow passes in its own clock and
 * the facts an activity read (office hours are computed in an activity, never here: see office-hours.ts).
 *
 * Offline follow-up:
 * - The visitor is online while heartbeats arrive. They are offline once VISITOR_OFFLINE_GRACE_MS pass
 *   without one, or at once when the widget says goodbye (page closed).
 * - An agent reply the visitor has not seen becomes due for the follow-up FOLLOW_UP_DELAY_MS after the
 *   agent's last reply; the email goes out when the visitor is offline at that time, or later, as soon as
 *   they go offline. A new reply pushes the deadline back; the visitor coming back cancels it (their
 *   heartbeats say they are online, and what they saw is no longer unseen).
 * - One follow-up per absence: once sent (or skipped because the visitor gave no email), nothing more
 *   is sent until the visitor has come back.
 */
import type { TicketEvent, TicketState, Transition } from './ticket.js';

/** No heartbeat for this long means the visitor has gone (the widget beats every 15 seconds). */
export const VISITOR_OFFLINE_GRACE_MS = 60_000;
/** SPEC §7: more than 3 minutes after the agent's last reply. */
export const FOLLOW_UP_DELAY_MS = 3 * 60_000;

/** What the widget tells about the visitor, forwarded by the chat API to the ticket workflow. */
export interface VisitorActivity {
  presence: 'online' | 'offline';
  /** The newest agent or system message the visitor has had on screen, if any. */
  seenUpToMessageId: string | null;
}

export interface UnseenReply {
  messageId: string;
  at: string;
}

/** Kept in the workflow (and carried across continue-as-new); goes through JSON. */
export interface ChatFollowUpState {
  /** Last sign of life from the visitor: a heartbeat or a message. */
  lastAliveAt: string | null;
  /** When the widget said goodbye; cleared by the next sign of life. */
  leftAt: string | null;
  /** Agent replies the visitor has not seen, oldest first. */
  unseenReplies: UnseenReply[];
  visitorGaveEmail: boolean;
  /** A follow-up was decided during the current absence: no second one until the visitor comes back. */
  followedUpThisAbsence: boolean;
}

export function newChatFollowUpState(): ChatFollowUpState {
  return { lastAliveAt: null, leftAt: null, unseenReplies: [], visitorGaveEmail: false, followedUpThisAbsence: false };
}

function alive(state: ChatFollowUpState, now: string): ChatFollowUpState {
  return { ...state, lastAliveAt: now, leftAt: null, followedUpThisAbsence: false };
}

/** A message from the visitor: they are here, and may have given their email. */
export function visitorMessaged(state: ChatFollowUpState, input: { senderEmail: string | null }, now: string): ChatFollowUpState {
  return { ...alive(state, now), visitorGaveEmail: state.visitorGaveEmail || Boolean(input.senderEmail) };
}

export function visitorActivityReceived(state: ChatFollowUpState, activity: VisitorActivity, now: string): ChatFollowUpState {
  const next = activity.presence === 'online' ? alive(state, now) : { ...state, leftAt: state.leftAt ?? now };
  const seenIndex = activity.seenUpToMessageId === null ? -1 : next.unseenReplies.findIndex((reply) => reply.messageId === activity.seenUpToMessageId);
  return seenIndex < 0 ? next : { ...next, unseenReplies: next.unseenReplies.slice(seenIndex + 1) };
}

export function agentRepliedInChat(state: ChatFollowUpState, messageId: string, now: string): ChatFollowUpState {
  return { ...state, unseenReplies: [...state.unseenReplies, { messageId, at: now }] };
}

/** When the visitor went (or will count as gone), or null when they have never shown up. */
export function visitorOfflineSince(state: ChatFollowUpState): string | null {
  if (state.leftAt !== null) return state.leftAt;
  if (state.lastAliveAt === null) return null;
  return new Date(Date.parse(state.lastAliveAt) + VISITOR_OFFLINE_GRACE_MS).toISOString();
}

/** When the follow-up is to be decided, or null when nothing is pending. */
export function followUpDueAt(state: ChatFollowUpState): string | null {
  const lastReply = state.unseenReplies[state.unseenReplies.length - 1];
  if (lastReply === undefined || state.followedUpThisAbsence) return null;
  const afterLastReply = Date.parse(lastReply.at) + FOLLOW_UP_DELAY_MS;
  const offlineSince = visitorOfflineSince(state);
  return new Date(Math.max(afterLastReply, offlineSince === null ? afterLastReply : Date.parse(offlineSince))).toISOString();
}

/** Milliseconds the workflow may sleep before the follow-up is due; undefined when none is pending. */
export function msUntilFollowUpDue(state: ChatFollowUpState, now: string): number | undefined {
  const due = followUpDueAt(state);
  return due === null ? undefined : Math.max(0, Date.parse(due) - Date.parse(now));
}

export type FollowUpDecision =
  | { due: false }
  | { due: true; send: true; replyIds: string[]; reason: 'visitor_offline_with_unseen_replies' }
  | { due: true; send: false; replyIds: string[]; reason: 'visitor_gave_no_email' };

export function decideFollowUp(state: ChatFollowUpState, now: string): FollowUpDecision {
  const due = followUpDueAt(state);
  if (due === null || Date.parse(now) < Date.parse(due)) return { due: false };
  const replyIds = state.unseenReplies.map((reply) => reply.messageId);
  return state.visitorGaveEmail
    ? { due: true, send: true, replyIds, reason: 'visitor_offline_with_unseen_replies' }
    : { due: true, send: false, replyIds, reason: 'visitor_gave_no_email' };
}

/** After the decision: emailed replies are no longer owed, and this absence has had its one follow-up. */
export function followUpDone(state: ChatFollowUpState, decision: Extract<FollowUpDecision, { due: true }>): ChatFollowUpState {
  return { ...state, unseenReplies: decision.send ? [] : state.unseenReplies, followedUpThisAbsence: true };
}

/** Deterministic id of a follow-up email: the ticket and the newest reply it carries. */
export function followUpId(ticketId: string, replyIds: string[]): string {
  return `${ticketId}:follow-up:${replyIds[replyIds.length - 1] ?? 'none'}`;
}

export function followUpTransition(state: TicketState, decision: Extract<FollowUpDecision, { due: true }>, offlineSince: string | null, now: string): Transition {
  const event: TicketEvent = {
    type: 'chat_follow_up',
    at: now,
    actorUserId: null,
    detail: { sent: decision.send, reason: decision.reason, replyIds: decision.replyIds, visitorOfflineSince: offlineSince },
  };
  return { state: { ...state, updatedAt: now, version: state.version + 1 }, events: [event] };
}

/** What an activity computed about office hours at the moment a conversation started. */
export interface OfficeHoursFacts {
  /** False when the account has no office hours: the team counts as online. */
  configured: boolean;
  online: boolean;
  timeZone: string | null;
  /** The next opening or closing (UTC, ISO 8601), null when none within the search window. */
  nextChange: { kind: 'opens' | 'closes'; at: string } | null;
  /** The business-hours calendar the hours came from, when one is chosen (absent: the web-chat settings' own hours). */
  calendarId?: string;
  onlineText: string | null;
  offlineText: string | null;
}

export type ChatAutoResponseReason = 'within_office_hours' | 'outside_office_hours' | 'no_office_hours';

export interface ChatAutoResponseDecision {
  online: boolean;
  reason: ChatAutoResponseReason;
  /** The text to post, or null when the matching text is not configured. */
  text: string | null;
}

export interface ChatAutoResponseInput {
  online: boolean;
  onlineText: string | null;
  offlineText: string | null;
}

/** The chat auto-response for the team's current state; null when that text is not configured. */
export function chooseChatAutoResponse({ online, onlineText, offlineText }: ChatAutoResponseInput): string | null {
  const text = online ? onlineText : offlineText;
  return text === null || text.trim() === '' ? null : text;
}

export function chatAutoResponseReason(facts: OfficeHoursFacts): ChatAutoResponseReason {
  if (!facts.configured) return 'no_office_hours';
  return facts.online ? 'within_office_hours' : 'outside_office_hours';
}

export function chatAutoResponseMessageId(inboundMessageId: string): string {
  return `chat-auto-${inboundMessageId}`;
}

/** Records the decision (and the auto-response as a message of the thread, when there is one). */
export function chatAutoResponseTransition(
  state: TicketState,
  input: { inboundMessageId: string; decision: ChatAutoResponseDecision; facts: OfficeHoursFacts },
  now: string,
): Transition {
  const { decision, facts } = input;
  const messageId = decision.text === null ? null : chatAutoResponseMessageId(input.inboundMessageId);
  const event: TicketEvent = {
    type: 'chat_auto_response',
    at: now,
    actorUserId: null,
    detail: {
      inReplyTo: input.inboundMessageId,
      online: decision.online,
      reason: decision.reason,
      sent: messageId !== null,
      messageId,
      timeZone: facts.timeZone,
      nextChangeKind: facts.nextChange?.kind ?? null,
      nextChangeAt: facts.nextChange?.at ?? null,
    },
  };
  const next = messageId === null ? state : { ...state, lastMessageId: messageId, messageCount: state.messageCount + 1 };
  return { state: { ...next, updatedAt: now, version: state.version + 1 }, events: [event] };
}
