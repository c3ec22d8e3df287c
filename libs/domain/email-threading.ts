/** Email threading (SPEC §2: one ticket per email thread) and the original sender of forwarded mail. */

import { type EmailHeaders, type Mailbox, headerValues, normaliseEmailAddress, parseMailbox, parseMailboxList } from './email-headers.js';

/**
 * The canonical form of a Message-ID used as a thread key: angle brackets and
 * whitespace (left by header folding) removed, the domain part after the last
 * "@" lower-cased because domains are case-insensitive, the local part kept
 * exactly (it is case-sensitive, so two IDs differing only there are different
 * messages). Null when nothing is left.
 */
export function normaliseMessageId(raw: string): string | null {
  const compact = raw.replace(/\s+/g, '');
  const unbracketed = compact.startsWith('<') && compact.endsWith('>') ? compact.slice(1, -1) : compact;
  if (unbracketed === '') return null;
  const at = unbracketed.lastIndexOf('@');
  return at < 0 ? unbracketed : unbracketed.slice(0, at + 1) + unbracketed.slice(at + 1).toLowerCase();
}

type MessageIdHeader = string | readonly string[] | null | undefined;

/**
 * The Message-IDs in an In-Reply-To or References header, in header order. IDs
 * in angle brackets are taken and anything around them ignored (old clients
 * write `<id> (from Jane)`); without brackets, whitespace or commas separate IDs.
 */
export function parseMessageIdList(header: MessageIdHeader): string[] {
  if (header === null || header === undefined) return [];
  const text = typeof header === 'string' ? header : header.join(' ');
  const rawIds = text.includes('<') ? [...text.matchAll(/<([^<>]*)>/g)].map((match) => match[1] ?? '') : text.split(/[\s,]+/);
  return rawIds.map(normaliseMessageId).filter((id): id is string => id !== null);
}

export interface MessageThreadingHeaders {
  messageId: string | null | undefined;
  inReplyTo: MessageIdHeader;
  references: MessageIdHeader;
}

export interface ThreadKeys {
  /** The key under which this message is stored, so that replies to it find the ticket. */
  messageId: string | null;
  /** Keys of earlier messages to look up, best first: In-Reply-To, then References newest to oldest. */
  candidates: string[];
}

export function threadKeysForMessage({ messageId, inReplyTo, references }: MessageThreadingHeaders): ThreadKeys {
  const ownKey = messageId === null || messageId === undefined ? null : normaliseMessageId(messageId);
  // References lists the thread oldest first.
  const ordered = [...parseMessageIdList(inReplyTo), ...parseMessageIdList(references).reverse()];
  const candidates = [...new Set(ordered)].filter((key) => key !== ownKey);
  return { messageId: ownKey, candidates };
}

export type OriginalSenderSource = 'x_original_from' | 'from' | 'reply_to' | 'forwarded_body' | 'forwarder';

/**
 * `source` 'forwarder' means the mail came from a forwarder and the original
 * sender could not be found: the address is the forwarder's.
 */
export interface OriginalSender extends Mailbox {
  source: OriginalSenderSource;
}

const FORWARD_MARKERS = [
  /^-{2,}\s*Forwarded message\s*-{2,}$/i,
  /^Begin forwarded message:$/i,
  /^-{2,}\s*Original Message\s*-{2,}$/i,
];
const MAX_FORWARDED_HEADER_LINES = 12;

function unquoteLine(line: string): string {
  return line.replace(/^(?:\s*>)+/, '').trim();
}

/** The "From:" line of the first forwarded-message section of a plain-text body. */
export function findForwardedSender(body: string): Mailbox | null {
  const lines = body.split(/\r\n|\r|\n/).map(unquoteLine);
  const markerIndex = lines.findIndex((line) => FORWARD_MARKERS.some((marker) => marker.test(line)));
  if (markerIndex < 0) return null;

  let sawHeaderLine = false;
  for (const line of lines.slice(markerIndex + 1, markerIndex + 1 + MAX_FORWARDED_HEADER_LINES)) {
    if (line === '') {
      if (sawHeaderLine) return null;
      continue;
    }
    // Gmail's plain text sometimes bolds the labels and names with asterisks.
    const from = /^\*?From:\*?\s*(.+)$/i.exec(line);
    if (from !== null) return parseMailbox((from[1] ?? '').replace(/\*/g, ''));
    sawHeaderLine = true;
  }
  return null;
}

/**
 * Who really wrote a message that reached the support address through a
 * forwarder (a group, a mailbox rule, an agent's manual forward). In order:
 * X-Original-From; the From itself unless it is a forwarder; then, only for a
 * forwarder's mail, Reply-To and the "From:" line of a forwarded body section.
 * A customer forwarding someone else's mail to us stays the sender.
 * Null when the message names no sender at all.
 */
export function resolveOriginalSender(
  headers: EmailHeaders,
  forwarderAddresses: readonly string[],
  body: string | null = null,
): OriginalSender | null {
  const forwarders = new Set(forwarderAddresses.map(normaliseEmailAddress).filter((address) => address !== null));
  const firstOutsider = (values: string[]): Mailbox | null =>
    values.flatMap(parseMailboxList).find(({ address }) => !forwarders.has(address)) ?? null;

  const originalFrom = firstOutsider(headerValues(headers, 'x-original-from'));
  if (originalFrom !== null) return { ...originalFrom, source: 'x_original_from' };

  const from = headerValues(headers, 'from').flatMap(parseMailboxList)[0] ?? null;
  if (from !== null && !forwarders.has(from.address)) return { ...from, source: 'from' };

  const replyTo = firstOutsider(headerValues(headers, 'reply-to'));
  if (replyTo !== null) return { ...replyTo, source: 'reply_to' };

  const forwarded = body === null ? null : findForwardedSender(body);
  if (forwarded !== null && !forwarders.has(forwarded.address)) return { ...forwarded, source: 'forwarded_body' };

  return from === null ? null : { ...from, source: 'forwarder' };
}

const ATTRIBUTION_START = /^On\s.+/i;
const ATTRIBUTION_END = /wrote:\s*$/i;
const MAX_ATTRIBUTION_LINES = 3;
const OUTLOOK_SEPARATOR = /^(?:-{3,}\s*Original Message\s*-{3,}|_{10,})$/i;

const isQuoted = (line: string): boolean => /^\s*>/.test(line);
const isBlank = (line: string): boolean => line.trim() === '';

/** Number of lines of an "On <date>, <name> wrote:" line starting at `index` (clients wrap it), or 0. */
function attributionLength(lines: string[], index: number): number {
  if (!ATTRIBUTION_START.test((lines[index] ?? '').trim())) return 0;
  for (let length = 1; length <= MAX_ATTRIBUTION_LINES && index + length <= lines.length; length += 1) {
    const candidate = lines.slice(index, index + length);
    if (candidate.slice(1).some((line) => isBlank(line) || isQuoted(line))) return 0;
    if (ATTRIBUTION_END.test(candidate.join(' ').trim())) return length;
  }
  return 0;
}

/**
 * The new part of a plain-text email for the thread view: ">"-quoted lines go,
 * as does an "On … wrote:" line introducing them, and an Outlook-style
 * unquoted history from "-----Original Message-----" or an underscore rule
 * followed by "From:" to the end. Text between quotes (inline answers) stays.
 * If nothing would remain, the text is returned unchanged rather than empty.
 */
export function stripQuotedHistory(text: string): string {
  let lines = text.split(/\r\n|\r|\n/);

  const outlookStart = lines.findIndex(
    (line, index) =>
      OUTLOOK_SEPARATOR.test(line.trim()) &&
      (/^-/.test(line.trim()) || /^\*?From:/i.test((lines[index + 1] ?? '').trim())),
  );
  if (outlookStart >= 0) lines = lines.slice(0, outlookStart);

  const kept: string[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] as string;
    if (isQuoted(line)) continue;
    const length = attributionLength(lines, index);
    if (length > 0) {
      const next = lines.slice(index + length).find((candidate) => !isBlank(candidate));
      if (next === undefined || isQuoted(next)) {
        index += length - 1;
        continue;
      }
    }
    kept.push(line);
  }

  const result = kept
    .join('\n')
    .replace(/\n[ \t]*(?:\n[ \t]*)+\n/g, '\n\n')
    .trim();
  return result === '' ? text.trim() : result;
}
