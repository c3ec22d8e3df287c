import { createHmac, randomUUID } from 'node:crypto';

/**
 * The one place that knows how workflows are named. Temporal stores workflow ids in plain text
 * (payload codecs do not cover them), so ids derived from personal data use a keyed hash.
 *
 *   SMS      ticket-sms-<account>-<hmac(E.164 number)>        one ticket per person, for ever
 *   email    ticket-email-<account>-<hmac(thread key)>         one ticket per thread
 *   web chat ticket-chat-<account>-<random uuid>               a new ticket per conversation
 */
export const WORKFLOW_TYPES = {
  roundTrip: 'roundTripWorkflow',
  ticket: 'ticketWorkflow',
} as const;

export function roundTripWorkflowId(roundTripId: string): string {
  return `round-trip:${roundTripId}`;
}

function keyedHash(secret: string, value: string): string {
  return createHmac('sha256', secret).update(value).digest('base64url').slice(0, 32);
}

export function smsTicketId(accountId: string, e164: string, secret: string): string {
  return `ticket-sms-${accountId}-${keyedHash(secret, e164)}`;
}

export function emailTicketId(accountId: string, threadKey: string, secret: string): string {
  return `ticket-email-${accountId}-${keyedHash(secret, threadKey)}`;
}

export function newChatTicketId(accountId: string): string {
  return `ticket-chat-${accountId}-${randomUUID()}`;
}

/** A keyed hash for lookups of personal data (chat conversation keys) without storing them. */
export function lookupKey(value: string, secret: string): string {
  return keyedHash(secret, value);
}

export function isTicketId(value: string): boolean {
  return /^ticket-(sms|email|chat)-[A-Za-z0-9-]+(-[A-Za-z0-9_-]+)?$/.test(value);
}
