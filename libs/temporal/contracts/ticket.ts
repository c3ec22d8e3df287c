import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Channel } from '../../domain/channel-policy.js';
import type { AgentAction, TicketEvent, TicketState } from '../../domain/ticket.js';
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

/** Work a ticket still owes when it continues as new; goes through JSON, so arrays only. */
export interface CarriedTicketWork {
  state: TicketState;
  pendingInbound: InboundMessage[];
  pendingDeliveries: string[];
  recentMessageIds: string[];
  /** Temporal de-duplicates update ids within one run only; these carry it across runs. */
  recentUpdateIds?: string[];
  /** Web chat: the visitor's presence and the agent replies they have not seen (offline follow-up). */
  chatFollowUp?: ChatFollowUpState;
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
   * The API stops waiting for a worker at this time and tells the agent nothing was applied; an
   * update still delivered after it (Temporal keeps admitted updates) is refused, keeping that true.
   */
  expiresAt?: string;
}

/** How a closed web-chat ticket's workflow ends; email and SMS tickets never end. */
export interface TicketWorkflowResult {
  ticketId: string;
  closedAt: string | null;
}

export const inboundMessageSignal = defineSignal<[InboundMessage]>('inboundMessage');
export const agentActionUpdate = defineUpdate<TicketState, [AgentActionRequest]>('agentAction');
export const ticketStateQuery = defineQuery<TicketState>('ticketState');
/** Web chat: the visitor's heartbeat, goodbye and what they have seen, from the chat API. */
export const visitorActivitySignal = defineSignal<[VisitorActivity]>('visitorActivity');

/** ApplicationFailure type of a refused agent action; its message says why. */
export const AGENT_ACTION_REFUSED = 'AgentActionRefused';

/** The projection writes a transition causes; ids make every write idempotent. */
export interface TicketProjection {
  state: TicketState;
  events: TicketEvent[];
}
