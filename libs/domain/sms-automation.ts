/**
 * What the ticket workflow records after a new (non-keyword) inbound SMS: its attribution (SPEC §9)
 * and the auto-responder's decision (SPEC §7), each as a ticket event with its reason, so both can
 * be explained from the ticket's history. An auto-response is a message of the thread.
 */
import type { SmsAttribution } from './attribution.js';
import type { SmsAutoResponseDecision } from './auto-responder.js';
import type { TicketEvent, TicketState, Transition } from './ticket.js';

export interface SmsAutomationOutcome {
  /** The inbound message the decisions are about. */
  messageId: string;
  attribution: SmsAttribution;
  autoResponse: SmsAutoResponseDecision;
  /** Id the auto-response gets when it is sent. */
  autoResponseMessageId: string;
}

/** Deterministic id of the auto-response to an inbound message, so a replay or retry names the same message. */
export function autoResponseMessageId(inboundMessageId: string): string {
  return `auto-${inboundMessageId}`;
}

export function smsAutomationTransition(state: TicketState, outcome: SmsAutomationOutcome, now: string): Transition {
  const { attribution, autoResponse } = outcome;
  const attributed: TicketEvent = {
    type: 'sms_attributed',
    at: now,
    actorUserId: null,
    detail: {
      messageId: outcome.messageId,
      reason: attribution.reason,
      sendId: attribution.send?.id ?? null,
      kind: attribution.send?.kind ?? null,
      sourceId: attribution.send?.sourceId ?? null,
      sentAt: attribution.send?.sentAt ?? null,
      candidateSendId: attribution.candidate?.id ?? null,
    },
  };
  const responded: TicketEvent = {
    type: 'auto_response',
    at: now,
    actorUserId: null,
    detail: {
      inReplyTo: outcome.messageId,
      sent: autoResponse.send,
      reason: autoResponse.reason,
      messageId: autoResponse.send ? outcome.autoResponseMessageId : null,
    },
  };
  const next: TicketState = autoResponse.send
    ? { ...state, lastMessageId: outcome.autoResponseMessageId, messageCount: state.messageCount + 1 }
    : state;
  return { state: { ...next, updatedAt: now, version: state.version + 1 }, events: [attributed, responded] };
}
