/**
 * Recognises mail written by machines (auto-replies, mailing lists, bounces, our
 * own sends) so that it never triggers an automated answer and no two
 * auto-responders can talk to each other for ever. Such mail can still land in
 * a ticket; only automation is suppressed.
 */

import { type EmailHeaders, hasHeader, headerValues, normaliseEmailAddress, parseMailboxList } from './email-headers.js';

export type AutomatedEmailReason =
  | 'auto_submitted'
  | 'precedence'
  | 'x_autoreply'
  | 'x_autorespond'
  | 'auto_response_suppressed'
  | 'list_id'
  | 'list_unsubscribe'
  | 'null_return_path'
  | 'from_own_address'
  | 'from_mailer_daemon'
  | 'delivery_report';

export interface InboundEmailClassification {
  automated: boolean;
  /** Every rule that matched, in a fixed order, for the audit trail. */
  reasons: AutomatedEmailReason[];
}

export interface InboundEmailToClassify {
  headers: EmailHeaders;
  /** The SMTP envelope sender (MAIL FROM); null when unknown. '<>' marks a bounce. */
  returnPath: string | null;
  /** The account's own addresses (support address, forwarding addresses…). */
  ownAddresses: readonly string[];
}

const AUTOMATED_PRECEDENCE = new Set(['bulk', 'junk', 'list', 'auto_reply']);
/** Microsoft's X-Auto-Response-Suppress values that ask us not to auto-reply. */
const SUPPRESSED_RESPONSES = new Set(['all', 'oof', 'autoreply']);
const SYSTEM_LOCAL_PARTS = new Set(['mailer-daemon', 'postmaster']);

function firstToken(value: string): string {
  return (value.split(';')[0] ?? '').trim().toLowerCase();
}

function isNullReturnPath(value: string): boolean {
  return /^<\s*>$/.test(value.trim()) || value.trim() === '';
}

export function classifyInboundEmail({ headers, returnPath, ownAddresses }: InboundEmailToClassify): InboundEmailClassification {
  const reasons: AutomatedEmailReason[] = [];

  // RFC 3834: any value other than "no" (including "auto-generated", "auto-replied") is automated.
  if (headerValues(headers, 'auto-submitted').some((value) => !['no', ''].includes(firstToken(value)))) {
    reasons.push('auto_submitted');
  }
  if (headerValues(headers, 'precedence').some((value) => AUTOMATED_PRECEDENCE.has(firstToken(value)))) {
    reasons.push('precedence');
  }
  if (hasHeader(headers, 'x-autoreply')) reasons.push('x_autoreply');
  if (hasHeader(headers, 'x-autorespond')) reasons.push('x_autorespond');
  const suppressed = headerValues(headers, 'x-auto-response-suppress').some((value) =>
    value.split(',').some((token) => SUPPRESSED_RESPONSES.has(token.trim().toLowerCase())),
  );
  if (suppressed) reasons.push('auto_response_suppressed');
  if (hasHeader(headers, 'list-id')) reasons.push('list_id');
  if (hasHeader(headers, 'list-unsubscribe')) reasons.push('list_unsubscribe');

  const returnPaths = returnPath === null ? headerValues(headers, 'return-path') : [returnPath];
  if (returnPaths.some(isNullReturnPath)) reasons.push('null_return_path');

  const own = new Set(ownAddresses.map(normaliseEmailAddress).filter((address) => address !== null));
  const senders = headerValues(headers, 'from').flatMap(parseMailboxList);
  if (senders.some(({ address }) => own.has(address))) reasons.push('from_own_address');
  if (senders.some(({ address }) => SYSTEM_LOCAL_PARTS.has(address.slice(0, address.lastIndexOf('@'))))) {
    reasons.push('from_mailer_daemon');
  }

  // Delivery status notifications and read receipts.
  if (headerValues(headers, 'content-type').some((value) => firstToken(value) === 'multipart/report')) {
    reasons.push('delivery_report');
  }

  return { automated: reasons.length > 0, reasons };
}
