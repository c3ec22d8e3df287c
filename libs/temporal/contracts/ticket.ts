import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Channel } from '../../domain/channel-policy.js';
import type { SlaAlertKind } from '../../domain/sla-clock.js';
import type { SlaNotifyChannel, SlaTargetKind } from '../../domain/sla-policies.js';
import type { AgentAction, OrderOperationFacts, ThreadEntry, TicketEvent, TicketState } from '../../domain/ticket.js';
import type { ChatFollowUpState, VisitorActivity } from '../../domain/web-chat.js';

/** Who wrote in, as far as the channel tells. */
export interface CustomerIdentity {
  name: string | null;
  phone: string | null;
  email: string | null;
  visitorId: string | null;
}

/** A customer's message as it reaches the ticket workflow (the body is stored by an activity, not kept in state). */
export interface InboundMessage {
  messageId: string;
  accountId: string;
  channel: Channel;
  receivedAt: string;
  body: string;
  subject: string | null;
  sender: CustomerIdentity;
  /** The channel's own id of the message (Twilio MessageSid, email Message-ID, integration id). */
  externalId: string;
  /** Email thread or chat conversation the message belongs to, as the channel named it. */
  threadKey: string | null;
  /** Written by a machine (auto-reply, bounce, list mail), with the reasons: stored, but triggers no automation. */
  automated?: { reasons: string[] };
}

/**
 * Work a ticket still owes when it continues as new; goes through JSON, so arrays only.
 * Runs recorded before the command loop carried the first five fields only.
 */
export interface CarriedTicketWork {
  state: TicketState;
  pendingInbound: InboundMessage[];
  /** Outbound messages whose delivery had not finished: the next run delivers them. */
  pendingDeliveries: string[];
  recentMessageIds: string[];
  /** Temporal de-duplicates update ids within one run only; these carry it across runs (before the command loop). */
  recentUpdateIds?: string[];
  /** Web chat: the visitor's presence and the agent replies they have not seen (offline follow-up). */
  chatFollowUp?: ChatFollowUpState;
  /** Commands accepted but not yet applied (inbound messages, visitor activity), in order. */
  pendingCommands?: CarriedCommand[];
  /** Side tasks (forwarding, notifications, follow-up emails) still in flight; deliveries are in pendingDeliveries. */
  sideTasks?: SideTask[];
  /** The outcomes of recent agent actions by action (update) id, so a retry in a later run gets the same answer. */
  actionOutcomes?: [string, SettledActionOutcome][];
}

/** A command that can wait across continue-as-new (agent actions never do: their handlers finish first). */
export type CarriedCommand =
  | { kind: 'inbound'; message: InboundMessage }
  | { kind: 'visitor_activity'; activity: VisitorActivity }
  | { kind: 'delivery_failed'; messageId: string; reason: string }
  | { kind: 'order_operation'; outcome: OrderOperationOutcome }
  /** The account's SLA policies or calendars changed: the clocks are timed again. */
  | { kind: 'sla_replan' };

/**
 * An order edit or cancel an agent started from this ticket has finished (SPEC §6): the operation's
 * workflow signals it, and the ticket records it as an event (who, what changed, Shopify's result).
 */
export type OrderOperationOutcome = OrderOperationFacts;

/** Work that runs beside the command loop, so a slow provider never holds up the ticket. */
export type SideTask =
  | { kind: 'delivery'; messageId: string }
  | { kind: 'forward_chat_message'; message: InboundMessage; closedTicketId: string }
  | { kind: 'chat_follow_up_email'; followUpId: string; ticketId: string; accountId: string; replyIds: string[] }
  | { kind: 'snooze_expired_notification'; notificationId: string; accountId: string; ticketId: string; assigneeId: string; snoozedUntil: string }
  | { kind: 'sms_team_notification'; accountId: string; ticketId: string; messageId: string; phone: string }
  | ({ kind: 'sla_notification' } & SlaAlertNotification)
  /** Tell the team's assigner that the ticket waits for an agent (docs/teams.md). */
  | { kind: 'team_assignment_request'; accountId: string; teamId: string; ticketId: string; since: string }
  /** Tell the team's assigner that an agent's load changed (keyed by the ticket version that changed it). */
  | { kind: 'team_capacity_changed'; accountId: string; teamId: string; changeId: string };

/** A notify escalation of an SLA warning or breach, for the users it names. */
export interface SlaAlertNotification {
  /** The alert's id (ticket, clock, warning or breach): with the user's, the key of each notification. */
  notificationId: string;
  accountId: string;
  ticketId: string;
  userIds: string[];
  channels: SlaNotifyChannel[];
  alert: SlaAlertKind;
  clockId: string;
  target: SlaTargetKind;
  policyName: string | null;
  dueAt: string | null;
}

export interface TicketWorkflowInput {
  ticketId: string;
  accountId: string;
  channel: Channel;
  /** History length at which the ticket continues as new even if the server has not suggested it. */
  historyEventLimit: number;
  carried?: CarriedTicketWork;
}

export interface AgentActionRequest {
  action: AgentAction;
  actorUserId: string;
  /**
   * The API stops waiting for the ticket to accept the action at this time. An update Temporal
   * delivers after it (it keeps admitted updates) is rejected by the validator, so it is never
   * accepted and never applied; once accepted, an action is always applied (or refused on its merits).
   */
  expiresAt?: string;
}

/** What became of an accepted agent action; read with `actionOutcomeQuery` by its action (update) id. */
export type ActionOutcome = { status: 'pending' } | SettledActionOutcome;
export type SettledActionOutcome =
  | { status: 'applied'; ticket: TicketState }
  /** `changes`: a reply refused by the collision guard, with the turns that came after the version the agent saw. */
  | { status: 'refused'; reason: string; changes?: ThreadEntry[] };

/** How a closed web-chat ticket's workflow ends; email and SMS tickets never end. */
export interface TicketWorkflowResult {
  ticketId: string;
  closedAt: string | null;
}

export const inboundMessageSignal = defineSignal<[InboundMessage]>('inboundMessage');
export const agentActionUpdate = defineUpdate<TicketState, [AgentActionRequest]>('agentAction');
export const ticketStateQuery = defineQuery<TicketState>('ticketState');
/** The outcome of an accepted agent action by its action (update) id; null when the ticket does not know it (never accepted, or long ago). */
export const actionOutcomeQuery = defineQuery<ActionOutcome | null, [string]>('actionOutcome');
/** Web chat: the visitor's heartbeat, goodbye and what they have seen, from the chat API. */
export const visitorActivitySignal = defineSignal<[VisitorActivity]>('visitorActivity');
/** An order operation started from the ticket finished: recorded as a ticket event. */
export const orderOperationSignal = defineSignal<[OrderOperationOutcome]>('orderOperation');

/** The account's SLA policies or business-hours calendars changed: the ticket times its clocks again (the SLA fan-out sends it). */
export const slaSettingsChangedSignal = defineSignal('slaSettingsChanged');

/** ApplicationFailure type of a refused agent action; its message says why. */
export const AGENT_ACTION_REFUSED = 'AgentActionRefused';
/** ApplicationFailure type of a reply the collision guard refused; its one detail is the ThreadEntry[] that came since. */
export const AGENT_ACTION_CONFLICT = 'AgentActionConflict';
/** ApplicationFailure type an activity raises, non-retryable, when the database refuses the data for good (a NUL byte, a value too long). */
export const UNSTORABLE_DATA = 'UnstorableData';
/** ApplicationFailure type of the validator's rejection of an update delivered after its `expiresAt`: never accepted, never applied. */
export const AGENT_ACTION_EXPIRED = 'AgentActionExpired';

/** The projection writes a transition causes; ids make every write idempotent. */
export interface TicketProjection {
  state: TicketState;
  events: TicketEvent[];
}
