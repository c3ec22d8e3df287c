import { channelPolicy, type Channel } from './channel-policy.js';
import type { SlaState } from './sla-clock.js';

/**
 * The ticket state machine (SPEC §1, §4). Pure and deterministic: the ticket workflow holds a
 * TicketState and moves it only through these functions, passing in its own clock.
 *
 *   open ──snooze──▶ snoozed ──(deadline | inbound message | cancel)──▶ open
 *   open|snoozed ──close──▶ closed ──(reopen | inbound message, email/SMS only)──▶ open
 */
export type TicketStatus = 'open' | 'snoozed' | 'closed';
export const TICKET_STATUSES: readonly TicketStatus[] = ['open', 'snoozed', 'closed'];

/** How urgent a ticket is (service levels, SPEC §12): agents set it, views filter and sort by it, SLA policies match on it. */
export type TicketPriority = 'low' | 'normal' | 'high' | 'urgent';
/** Least urgent first: a priority's index is its rank. */
export const TICKET_PRIORITIES: readonly TicketPriority[] = ['low', 'normal', 'high', 'urgent'];
export const DEFAULT_PRIORITY: TicketPriority = 'normal';

export interface TicketState {
  ticketId: string;
  accountId: string;
  channel: Channel;
  status: TicketStatus;
  assigneeId: string | null;
  tags: string[];
  snoozedUntil: string | null;
  /** Arrival of the oldest inbound message that no agent has read yet; null when all is read. */
  unreadSince: string | null;
  lastMessageId: string | null;
  lastInboundMessageId: string | null;
  lastInboundAt: string | null;
  firstAgentReplyAt: string | null;
  /** Absent in states carried from runs before it was kept: firstAgentReplyAt is then the best known. */
  lastAgentReplyAt?: string | null;
  messageCount: number;
  /**
   * The customer's profile (SPEC §6): matched from the sender's identifiers by the activity that stores the
   * first message, or chosen by an agent. Absent in states carried from runs before profiles existed.
   */
  profileId?: string | null;
  /** An agent linked or unlinked the profile: messages no longer change it. */
  profileChosenByAgent?: boolean;
  /** Absent in states carried from runs before priorities existed: those tickets are normal (priorityOf). */
  priority?: TicketPriority;
  /** The SLA clock (libs/domain/sla-clock.ts). Absent in states carried from runs before it existed. */
  sla?: SlaState;
  /** The conversation's latest turns with the version that recorded each, for the collision guard (conversationChangesSince). */
  thread?: ThreadEntry[];
  /** The team the routing rules sent the ticket to when it was created (docs/teams.md); its assigner hands it to an agent. */
  teamId?: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** Grows with every change, so a projection can ignore a write older than the one it holds. */
  version: number;
}

export type AgentAction =
  /** `ifUnassigned`: the team's auto-assigner's assignment, refused when the ticket has an assignee or is closed. */
  | { type: 'assign'; assigneeId: string; ifUnassigned?: boolean }
  | { type: 'unassign' }
  | { type: 'tag'; add: string[]; remove: string[] }
  /** Snoozes an open ticket, or changes the deadline of a snoozed one. */
  | { type: 'snooze'; until: string }
  | { type: 'cancel_snooze' }
  | { type: 'close' }
  | { type: 'reopen' }
  | { type: 'mark_read' }
  /**
   * `seenVersion`: the ticket version the agent saw when writing; the reply is refused (409, with what changed)
   * when a customer message or another agent's reply came after it, unless `force`.
   */
  | { type: 'reply'; messageId: string; body: string; seenVersion?: number; force?: boolean }
  /** Sends again an outbound message whose delivery failed (its retry budget ran out, or the provider refused it). */
  | { type: 'retry_delivery'; messageId: string }
  /** The ticket belongs to this profile (the API checks it is the account's). */
  | { type: 'link_profile'; profileId: string }
  | { type: 'unlink_profile' }
  | { type: 'set_priority'; priority: TicketPriority }
  /** A macro's steps applied as one action: all of them, or none when one is refused (productivity, docs/macros.md). */
  | { type: 'apply_macro'; macroId: string; macroName: string; steps: MacroStep[] };

/** What a macro may do: a reply (its variables already filled in), tags, assignment, priority, a snooze, a close. */
export type MacroStep = Extract<AgentAction, { type: 'reply' | 'tag' | 'assign' | 'unassign' | 'set_priority' | 'snooze' | 'close' }>;
export const MACRO_STEP_TYPES: readonly MacroStep['type'][] = ['reply', 'tag', 'assign', 'unassign', 'set_priority', 'snooze', 'close'];
export const MAX_MACRO_STEPS = 20;

export type AgentActionType = AgentAction['type'];

/** A turn of the conversation: a customer's message or an agent's reply, and the ticket version that recorded it. */
export interface ThreadEntry {
  version: number;
  kind: 'customer_message' | 'agent_reply';
  messageId: string;
  /** The agent who replied; null for a customer message. */
  authorUserId: string | null;
  at: string;
}

/** Turns kept: enough to say what changed while an agent wrote; an older seen version gets what is kept. */
export const THREAD_ENTRIES_KEPT = 20;

export type TicketEventType =
  | 'created'
  | 'message_received'
  | 'reopened'
  | 'snooze_ended_by_message'
  | 'assigned'
  | 'unassigned'
  | 'tags_changed'
  | 'snoozed'
  | 'snooze_changed'
  | 'snooze_cancelled'
  | 'snooze_expired'
  | 'closed'
  | 'read'
  | 'replied'
  /** SMS (SPEC §9): the inbound text was attributed to a campaign/flow send, or why not. */
  | 'sms_attributed'
  /** SMS (SPEC §7): the auto-responder answered, or why not. */
  | 'auto_response'
  /** Web chat (SPEC §7): which auto-response a new conversation got, and why (office hours). */
  | 'chat_auto_response'
  /** Web chat (SPEC §7): the offline follow-up email was sent, or why not. */
  | 'chat_follow_up'
  /** An outbound message could not be delivered: the provider refused it, or its retry budget ran out. */
  | 'delivery_failed'
  /** An agent asked for a failed outbound message to be sent again. */
  | 'delivery_retried'
  /** An inbound message could never be stored as it came (quarantined with the reason); the ticket went on. */
  | 'message_rejected'
  /** SPEC §6: the sender's profile was found or created by an identifier (or an anonymous chat profile joined a known one). */
  | 'profile_matched'
  /** An agent linked the ticket to a profile, or unlinked it. */
  | 'profile_linked'
  | 'profile_unlinked'
  /** SPEC §6: an order edit or cancel started from the ticket went through at the shop, or failed (with Shopify's reason). */
  | 'order_edited'
  | 'order_cancelled'
  | 'order_operation_failed'
  /** An agent changed the ticket's priority, or an SLA escalation raised it. */
  | 'priority_changed'
  /** Service levels (docs/service-levels.md): the policy that applies and the deadlines it sets, and why. */
  | 'sla_applied'
  | 'sla_warning'
  | 'sla_breached'
  /** A target reached: a response by an agent's reply, the resolution by the close (detail.breachedAt says if late). */
  | 'sla_met'
  /** A target that no longer applies: a response not owed since the ticket closed, or a policy without it. */
  | 'sla_cancelled'
  /** After a close: the satisfaction survey went out on the ticket's channel, or why not (CSAT). */
  | 'csat_survey'
  /** An agent applied a macro; the events of its steps follow it in the same transition. */
  | 'macro_applied'
  /** The routing rules sent the new ticket to a team, or to none (with the reason). */
  | 'team_routed';

/** What happened and why: the audit trail of a ticket, also written to its projection. */
export interface TicketEvent {
  type: TicketEventType;
  at: string;
  actorUserId: string | null;
  detail: Record<string, string | number | boolean | null | string[]>;
}

export interface Transition {
  state: TicketState;
  events: TicketEvent[];
}

export interface InboundMessageFacts {
  messageId: string;
  receivedAt: string;
  /** Set when a machine wrote the message (auto-reply, bounce, list mail): it is stored but wakes nothing. */
  automated?: { reasons: string[] } | null;
}

export const MAX_TAGS = 30;
export const MAX_TAG_LENGTH = 50;
export const MAX_REPLY_LENGTH = 20000;

export function newTicketState(init: { ticketId: string; accountId: string; channel: Channel; createdAt: string }): TicketState {
  return {
    ...init,
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
    messageCount: 0,
    profileId: null,
    profileChosenByAgent: false,
    priority: DEFAULT_PRIORITY,
    sla: { policy: null, clocks: [], startedCount: 0 },
    updatedAt: init.createdAt,
    closedAt: null,
    version: 0,
  };
}

export function priorityOf(state: TicketState): TicketPriority {
  return state.priority ?? DEFAULT_PRIORITY;
}

export function ticketCreatedEvent(state: TicketState): TicketEvent {
  return { type: 'created', at: state.createdAt, actorUserId: null, detail: { channel: state.channel } };
}

/** Lower-cased, trimmed, inner whitespace collapsed; null when the tag is unusable. */
export function normalizeTag(tag: string): string | null {
  const normalized = tag.trim().toLowerCase().replace(/\s+/g, ' ');
  return normalized.length > 0 && normalized.length <= MAX_TAG_LENGTH ? normalized : null;
}

export type InboundOutcome = { kind: 'accepted'; transition: Transition } | { kind: 'start_new_ticket' };

/**
 * A customer's message: it lands in the ticket, ending a snooze, and reopens a closed ticket where the channel allows.
 * An automated message (auto-reply, bounce, list mail) is stored but leaves a closed or snoozed ticket as it is,
 * so two auto-responders can never keep a ticket reopening; its event names the reasons and what it did not do.
 */
export function receiveInboundMessage(state: TicketState, message: InboundMessageFacts, now: string): InboundOutcome {
  const events: TicketEvent[] = [];
  let next: TicketState = { ...state };
  if (state.status === 'closed' && channelPolicy(state.channel).inboundOnClosedTicket === 'start_new_ticket') return { kind: 'start_new_ticket' };
  if (message.automated && state.status !== 'open') {
    const suppressed = state.status === 'closed' ? 'reopen' : 'snooze_end';
    const detail = { messageId: message.messageId, automated: true, automatedReasons: message.automated.reasons, suppressed };
    next = { ...next, lastMessageId: message.messageId, messageCount: state.messageCount + 1 };
    return { kind: 'accepted', transition: touch(next, state, now, [{ type: 'message_received', at: now, actorUserId: null, detail }]) };
  }
  if (state.status === 'closed') {
    next = { ...next, status: 'open', closedAt: null };
    events.push({ type: 'reopened', at: now, actorUserId: null, detail: { reason: 'inbound_message', channel: state.channel } });
  } else if (state.status === 'snoozed') {
    events.push({ type: 'snooze_ended_by_message', at: now, actorUserId: null, detail: { snoozedUntil: state.snoozedUntil } });
    next = { ...next, status: 'open', snoozedUntil: null };
  }
  next = {
    ...next,
    lastMessageId: message.messageId,
    lastInboundMessageId: message.messageId,
    lastInboundAt: latest(state.lastInboundAt, message.receivedAt),
    unreadSince: state.unreadSince === null ? message.receivedAt : earliest(state.unreadSince, message.receivedAt),
    messageCount: state.messageCount + 1,
  };
  const detail: TicketEvent['detail'] = { messageId: message.messageId };
  if (message.automated) Object.assign(detail, { automated: true, automatedReasons: message.automated.reasons });
  events.push({ type: 'message_received', at: now, actorUserId: null, detail });
  return { kind: 'accepted', transition: touch(next, state, now, events) };
}

/** Why an agent action cannot be applied now, or null when it can. Synchronous: used as an update validator. */
export function validateAgentAction(state: TicketState, action: AgentAction, now: string): string | null {
  switch (action.type) {
    case 'assign':
      if (!action.assigneeId.trim()) return 'assigneeId must name a user';
      if (action.ifUnassigned && state.assigneeId !== null) return 'the ticket is already assigned';
      if (action.ifUnassigned && state.status === 'closed') return 'the ticket is closed';
      return null;
    case 'tag': {
      const invalid = [...action.add, ...action.remove].find((tag) => normalizeTag(tag) === null);
      if (invalid !== undefined) return `tag "${invalid}" must be 1 to ${MAX_TAG_LENGTH} characters`;
      const tags = applyTagChange(state.tags, action.add, action.remove);
      return tags.length > MAX_TAGS ? `a ticket has at most ${MAX_TAGS} tags` : null;
    }
    case 'snooze': {
      const until = Date.parse(action.until);
      if (Number.isNaN(until)) return 'until must be an ISO 8601 date-time';
      if (until <= Date.parse(now)) return 'until must be in the future';
      return state.status === 'closed' ? 'a closed ticket cannot be snoozed; reopen it first' : null;
    }
    case 'cancel_snooze':
      return state.status === 'snoozed' ? null : 'the ticket is not snoozed';
    case 'reopen':
      if (state.status === 'closed' && !channelPolicy(state.channel).agentMayReopen) {
        return 'a closed web chat ticket never reopens; the customer starts a new conversation';
      }
      return null;
    case 'reply':
      if (!action.body.trim()) return 'body must not be empty';
      if (action.body.length > MAX_REPLY_LENGTH) return `body must be at most ${MAX_REPLY_LENGTH} characters`;
      if (state.status === 'closed' && state.channel === 'web_chat') return 'this web chat conversation is closed';
      return null;
    case 'retry_delivery':
      if (!action.messageId.trim()) return 'messageId must name an outbound message';
      return state.status === 'closed' && state.channel === 'web_chat' ? 'this web chat conversation is closed' : null;
    case 'link_profile':
      return action.profileId.trim() ? null : 'profileId must name a profile';
    case 'set_priority':
      return TICKET_PRIORITIES.includes(action.priority) ? null : `priority must be one of ${TICKET_PRIORITIES.join(', ')}`;
    case 'apply_macro':
      return macroRefusal(state, action.steps, now);
    case 'unlink_profile':
    case 'unassign':
    case 'close':
    case 'mark_read':
      return null;
  }
}

/** Why a macro's steps cannot all be applied, naming the first refused step; null when they can. */
function macroRefusal(state: TicketState, steps: readonly MacroStep[], now: string): string | null {
  if (steps.length === 0) return 'a macro needs at least one step';
  if (steps.length > MAX_MACRO_STEPS) return `a macro has at most ${MAX_MACRO_STEPS} steps`;
  if (steps.filter((step) => step.type === 'reply').length > 1) return 'a macro sends at most one reply';
  let current = state;
  for (const [index, step] of steps.entries()) {
    if (!MACRO_STEP_TYPES.includes(step.type)) return `step ${index + 1}: a macro cannot ${step.type}`;
    const refusal = validateAgentAction(current, step, now);
    if (refusal) return `step ${index + 1} (${step.type}): ${refusal}`;
    current = applyAgentAction(current, step, 'macro', now).state;
  }
  return null;
}

/** The reply an action sends, if any: the action itself, or a macro's reply step. */
export function replyOf(action: AgentAction): Extract<AgentAction, { type: 'reply' }> | null {
  if (action.type === 'reply') return action;
  if (action.type === 'apply_macro') return action.steps.find((step): step is Extract<MacroStep, { type: 'reply' }> => step.type === 'reply') ?? null;
  return null;
}

/** Refusal of an agent request whose sender has stopped waiting for it, or null. */
export function expiredRequestRefusal(expiresAt: string | undefined, now: string): string | null {
  return expiresAt !== undefined && Date.parse(now) > Date.parse(expiresAt) ? 'the request expired before a worker could apply it' : null;
}

/** Applies a validated agent action. Actions that change nothing (close a closed ticket) produce no event. */
export function applyAgentAction(state: TicketState, action: AgentAction, actorUserId: string, now: string): Transition {
  const event = (type: TicketEventType, detail: TicketEvent['detail'] = {}): TicketEvent => ({ type, at: now, actorUserId, detail });
  switch (action.type) {
    case 'assign':
      if (state.assigneeId === action.assigneeId) return unchanged(state);
      return touch({ ...state, assigneeId: action.assigneeId }, state, now, [
        event('assigned', { assigneeId: action.assigneeId, previousAssigneeId: state.assigneeId }),
      ]);
    case 'unassign':
      if (state.assigneeId === null) return unchanged(state);
      return touch({ ...state, assigneeId: null }, state, now, [event('unassigned', { previousAssigneeId: state.assigneeId })]);
    case 'tag': {
      const tags = applyTagChange(state.tags, action.add, action.remove);
      if (tags.join('\n') === state.tags.join('\n')) return unchanged(state);
      return touch({ ...state, tags }, state, now, [event('tags_changed', { tags, previousTags: state.tags })]);
    }
    case 'snooze': {
      const until = new Date(action.until).toISOString();
      if (state.status === 'snoozed' && state.snoozedUntil === until) return unchanged(state);
      const type = state.status === 'snoozed' ? 'snooze_changed' : 'snoozed';
      return touch({ ...state, status: 'snoozed', snoozedUntil: until }, state, now, [event(type, { until, previousUntil: state.snoozedUntil })]);
    }
    case 'cancel_snooze':
      return touch({ ...state, status: 'open', snoozedUntil: null }, state, now, [event('snooze_cancelled', { previousUntil: state.snoozedUntil })]);
    case 'close':
      if (state.status === 'closed') return unchanged(state);
      return touch({ ...state, status: 'closed', snoozedUntil: null, closedAt: now }, state, now, [event('closed', { previousStatus: state.status })]);
    case 'reopen':
      if (state.status !== 'closed') return unchanged(state);
      return touch({ ...state, status: 'open', closedAt: null }, state, now, [event('reopened', { reason: 'agent' })]);
    case 'mark_read':
      if (state.unreadSince === null) return unchanged(state);
      return touch({ ...state, unreadSince: null }, state, now, [event('read')]);
    case 'reply':
      return touch(
        {
          ...state,
          lastMessageId: action.messageId,
          messageCount: state.messageCount + 1,
          firstAgentReplyAt: state.firstAgentReplyAt ?? now,
          lastAgentReplyAt: now,
          unreadSince: null,
        },
        state,
        now,
        [event('replied', { messageId: action.messageId })],
      );
    case 'retry_delivery':
      return touch(state, state, now, [event('delivery_retried', { messageId: action.messageId })]);
    case 'link_profile':
      if (state.profileId === action.profileId && state.profileChosenByAgent) return unchanged(state);
      return touch({ ...state, profileId: action.profileId, profileChosenByAgent: true }, state, now, [
        event('profile_linked', { profileId: action.profileId, previousProfileId: state.profileId ?? null }),
      ]);
    case 'set_priority':
      if (priorityOf(state) === action.priority) return unchanged(state);
      return touch({ ...state, priority: action.priority }, state, now, [event('priority_changed', { priority: action.priority, previousPriority: priorityOf(state) })]);
    case 'apply_macro': {
      // Each step sees the ticket as the steps before it left it; the whole is one transition (one version).
      let current = state;
      const events: TicketEvent[] = [event('macro_applied', { macroId: action.macroId, macroName: action.macroName, steps: action.steps.map((step) => step.type) })];
      for (const step of action.steps) {
        const applied = applyAgentAction(current, step, actorUserId, now);
        current = applied.state;
        events.push(...applied.events.map((stepEvent) => ({ ...stepEvent, detail: { ...stepEvent.detail, macroId: action.macroId } })));
      }
      return touch(current, state, now, events);
    }
    case 'unlink_profile':
      if ((state.profileId ?? null) === null && state.profileChosenByAgent) return unchanged(state);
      return touch({ ...state, profileId: null, profileChosenByAgent: true }, state, now, [event('profile_unlinked', { previousProfileId: state.profileId ?? null })]);
  }
}

/** The facts of a finished order operation, as the ticket records them. */
export interface OrderOperationFacts {
  operationId: string;
  kind: 'edit' | 'cancel';
  orderId: string;
  /** The order's name as the shop shows it ("#1001"). */
  orderName: string | null;
  actorUserId: string;
  status: 'succeeded' | 'failed';
  /** Edit: one line per changed item ("Mug: 2 → 1"); cancel: the reason, restock and refund chosen. */
  changes: string[];
  /** Shopify's answer: its job or order state on success, its userErrors' messages on failure. */
  result: string;
}

/** An order edit or cancel started from this ticket finished: an event says who did what, and what the shop answered. */
export function orderOperationRecorded(state: TicketState, operation: OrderOperationFacts, now: string): Transition {
  const type: TicketEventType = operation.status === 'failed' ? 'order_operation_failed' : operation.kind === 'edit' ? 'order_edited' : 'order_cancelled';
  const detail = { operationId: operation.operationId, operation: operation.kind, orderId: operation.orderId, orderName: operation.orderName, changes: operation.changes, result: operation.result };
  return touch(state, state, now, [{ type, at: now, actorUserId: operation.actorUserId, detail }]);
}

/** The activity that stored a message found the sender's profile: the ticket now names it (its event is that activity's). */
export function withMatchedProfile(state: TicketState, profileId: string): TicketState {
  return { ...state, profileId };
}

/** An outbound message's delivery failed for good; the reason is the provider's, so an agent can act on it. */
export function deliveryFailed(state: TicketState, input: { messageId: string; reason: string }, now: string): Transition {
  return touch(state, state, now, [{ type: 'delivery_failed', at: now, actorUserId: null, detail: { messageId: input.messageId, reason: input.reason } }]);
}

/**
 * An inbound message that can never be stored as it came (for example a byte PostgreSQL refuses): it is kept
 * apart, marked rejected with the reason, and wakes nothing, so the ticket goes on with the next message.
 */
export function inboundMessageRejected(state: TicketState, input: { messageId: string; reason: string }, now: string): Transition {
  const next = { ...state, lastMessageId: input.messageId, messageCount: state.messageCount + 1 };
  return touch(next, state, now, [{ type: 'message_rejected', at: now, actorUserId: null, detail: { messageId: input.messageId, reason: input.reason } }]);
}

/** The snooze deadline has come: the ticket is open again (the workflow then alerts the assignee). */
export function expireSnooze(state: TicketState, now: string): Transition | null {
  if (state.status !== 'snoozed' || state.snoozedUntil === null || Date.parse(now) < Date.parse(state.snoozedUntil)) return null;
  return touch({ ...state, status: 'open', snoozedUntil: null }, state, now, [
    { type: 'snooze_expired', at: now, actorUserId: null, detail: { snoozedUntil: state.snoozedUntil, assigneeId: state.assigneeId } },
  ]);
}

/** Milliseconds until the snooze deadline, or undefined when there is nothing to wait for. */
export function msUntilSnoozeExpiry(state: TicketState, now: string): number | undefined {
  if (state.status !== 'snoozed' || state.snoozedUntil === null) return undefined;
  return Math.max(0, Date.parse(state.snoozedUntil) - Date.parse(now));
}

function applyTagChange(current: string[], add: string[], remove: string[]): string[] {
  const removed = new Set(remove.map(normalizeTag));
  const tags = current.filter((tag) => !removed.has(tag));
  for (const tag of add.map(normalizeTag)) {
    if (tag !== null && !removed.has(tag) && !tags.includes(tag)) tags.push(tag);
  }
  return tags;
}

const earliest = (a: string, b: string) => (Date.parse(b) < Date.parse(a) ? b : a);
const latest = (a: string | null, b: string) => (a !== null && Date.parse(a) > Date.parse(b) ? a : b);

function touch(next: TicketState, previous: TicketState, now: string, events: TicketEvent[]): Transition {
  const version = previous.version + 1;
  return { state: { ...next, updatedAt: now, version, thread: withTurns(next.thread, events, version) }, events };
}

/** The thread with the turns these events record (a turn already kept, as a macro's reply step is, is not added twice). */
function withTurns(thread: readonly ThreadEntry[] | undefined, events: readonly TicketEvent[], version: number): ThreadEntry[] | undefined {
  const turns: ThreadEntry[] = events.flatMap((event): ThreadEntry[] => {
    const messageId = typeof event.detail.messageId === 'string' ? event.detail.messageId : null;
    if (!messageId) return [];
    if (event.type === 'message_received' && event.detail.automated !== true) return [{ version, kind: 'customer_message', messageId, authorUserId: null, at: event.at }];
    if (event.type === 'replied') return [{ version, kind: 'agent_reply', messageId, authorUserId: event.actorUserId, at: event.at }];
    return [];
  });
  if (turns.length === 0) return thread ? [...thread] : thread;
  const kept = [...(thread ?? [])];
  for (const turn of turns) if (!kept.some((entry) => entry.messageId === turn.messageId)) kept.push(turn);
  return kept.slice(-THREAD_ENTRIES_KEPT);
}

/** What came into the conversation after `seenVersion` that the agent did not write: customer messages, other agents' replies. */
export function conversationChangesSince(state: TicketState, seenVersion: number, agentUserId: string): ThreadEntry[] {
  return (state.thread ?? []).filter((entry) => entry.version > seenVersion && !(entry.kind === 'agent_reply' && entry.authorUserId === agentUserId));
}

/** The collision guard's refusal of a reply written against an older view of the conversation, or null. */
export function replyCollision(state: TicketState, action: AgentAction, agentUserId: string): { message: string; changes: ThreadEntry[] } | null {
  if (action.type !== 'reply' || action.force || action.seenVersion === undefined) return null;
  const changes = conversationChangesSince(state, action.seenVersion, agentUserId);
  if (changes.length === 0) return null;
  const customer = changes.filter((change) => change.kind === 'customer_message').length;
  const replies = changes.length - customer;
  const parts = [customer > 0 ? `${customer} new customer message${customer > 1 ? 's' : ''}` : '', replies > 0 ? `${replies} repl${replies > 1 ? 'ies' : 'y'} by another agent` : ''].filter(Boolean);
  return { message: `the conversation changed since version ${action.seenVersion}: ${parts.join(' and ')}; read them, or send with force to reply anyway`, changes };
}

function unchanged(state: TicketState): Transition {
  return { state, events: [] };
}
