/** Attribution of an inbound SMS to the outbound send that prompted it (SPEC §9). */

export const DEFAULT_ATTRIBUTION_WINDOW_MS = 24 * 60 * 60 * 1000;

export type OutboundSendKind = 'campaign' | 'flow';

export interface OutboundSmsSend {
  id: string;
  kind: OutboundSendKind;
  /** The campaign or flow that produced the send. */
  sourceId: string;
  /** ISO 8601 instant. */
  sentAt: string;
}

export interface SmsAttributionInput {
  /** The person's outbound campaign/flow sends, in any order. */
  sends: readonly OutboundSmsSend[];
  /** ISO 8601 instant of the inbound message being attributed. */
  inboundAt: string;
  /** ISO 8601 instant of the person's previous inbound message, if any. */
  previousInboundAt: string | null;
  windowMs?: number;
}

export type SmsAttributionReason = 'within_window' | 'outside_window' | 'not_first_inbound_after_send' | 'no_outbound';

/** `candidate` is the last send before the inbound message, kept for the audit trail. */
export type SmsAttribution =
  | { send: OutboundSmsSend; reason: 'within_window'; candidate: OutboundSmsSend }
  | { send: null; reason: Exclude<SmsAttributionReason, 'within_window'>; candidate: OutboundSmsSend | null };

function parseInstant(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`${field} is not a valid ISO 8601 instant: "${iso}"`);
  return ms;
}

/** A flow beats a campaign sent in the same millisecond; the id makes any remaining tie deterministic. */
function isLaterSend(a: { send: OutboundSmsSend; at: number }, b: { send: OutboundSmsSend; at: number }): boolean {
  if (a.at !== b.at) return a.at > b.at;
  if (a.send.kind !== b.send.kind) return a.send.kind === 'flow';
  return a.send.id > b.send.id;
}

/**
 * Only the last send strictly before the inbound message can be attributed: an
 * older send is further away (so also outside the window if the last one is)
 * and was followed by the last one. If an earlier inbound message came after
 * that send, the send was already answered and this message is not the first.
 * When both rules fail, the window is reported.
 */
export function attributeInboundSms(input: SmsAttributionInput): SmsAttribution {
  const windowMs = input.windowMs ?? DEFAULT_ATTRIBUTION_WINDOW_MS;
  if (!Number.isFinite(windowMs) || windowMs < 0) {
    throw new RangeError(`windowMs must be a non-negative number of milliseconds, got ${windowMs}`);
  }
  const inboundAt = parseInstant(input.inboundAt, 'inboundAt');
  const previousInboundAt =
    input.previousInboundAt === null ? null : parseInstant(input.previousInboundAt, 'previousInboundAt');

  let last: { send: OutboundSmsSend; at: number } | null = null;
  for (const send of input.sends) {
    const candidate = { send, at: parseInstant(send.sentAt, `sentAt of send ${send.id}`) };
    if (candidate.at >= inboundAt) continue;
    if (last === null || isLaterSend(candidate, last)) last = candidate;
  }

  if (last === null) return { send: null, reason: 'no_outbound', candidate: null };
  if (inboundAt - last.at > windowMs) return { send: null, reason: 'outside_window', candidate: last.send };
  if (previousInboundAt !== null && previousInboundAt > last.at) {
    return { send: null, reason: 'not_first_inbound_after_send', candidate: last.send };
  }
  return { send: last.send, reason: 'within_window', candidate: last.send };
}
