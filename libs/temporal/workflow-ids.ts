import { createHmac, randomUUID } from 'node:crypto';
import type { Channel } from '../domain/channel-policy.js';

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
  housekeeping: 'housekeepingWorkflow',
  predictionRefit: 'predictionRefitWorkflow',
  nightlyPredictionRefit: 'nightlyPredictionRefitWorkflow',
  shopifyOrderSync: 'shopifyOrderSyncWorkflow',
  shopifyOrderEdit: 'shopifyOrderEditWorkflow',
  shopifyOrderCancel: 'shopifyOrderCancelWorkflow',
  slaReplan: 'slaReplanWorkflow',
  teamAssigner: 'teamAssignerWorkflow',
} as const;

/** One backfill of a profile's Shopify orders at a time: a second request joins the running one. */
export function shopifyOrderSyncWorkflowId(accountId: string, profileId: string): string {
  return `shopify-order-sync:${accountId}:${profileId}`;
}

/** An order edit or cancel (order_operations row `opr-<uuid>`): one workflow per operation. */
export function orderOperationWorkflowId(operationId: string): string {
  return `order-operation:${operationId}`;
}

/** The schedule that refits every account's predictive analytics each night; one per task queue. */
export function predictionScheduleId(taskQueue: string): string {
  return `predictions-nightly:${taskQueue}`;
}

export { slaReplanWorkflowId } from './contracts/sla.js';
export { teamAssignerWorkflowId } from './contracts/teams.js';

// Workflow code names these too, so they live with the deterministic contracts.
export { nightlyPredictionRefitWorkflowId, predictionRefitWorkflowId } from './contracts/predictive-analytics.js';

/** The schedule that runs housekeeping; one per task queue, so that deployments sharing a namespace keep apart. */
export function housekeepingScheduleId(taskQueue: string): string {
  return `housekeeping:${taskQueue}`;
}

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

const TICKET_ID = /^ticket-(sms|email|chat)-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-[A-Za-z0-9_-]+$/;
const CHANNEL_OF_ID_PART: Record<string, Channel> = { sms: 'sms', email: 'email', chat: 'web_chat' };

/** The channel and account a ticket id names, or null when the value is not a ticket id. */
export function parseTicketId(value: string): { channel: Channel; accountId: string } | null {
  const match = TICKET_ID.exec(value);
  return match ? { channel: CHANNEL_OF_ID_PART[match[1]!]!, accountId: match[2]! } : null;
}
