import { createHash } from 'node:crypto';
import { parseAddressHeader, simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { EmailHeaders } from '../domain/email-headers.js';
import { normaliseMessageId, parseMessageIdList, threadKeysForMessage } from '../domain/email-threading.js';
import { sanitiseEmailHtml } from './sanitise-html.js';
import { storableText } from '../persistence/storable-text.js';

/** One received message, parsed once and then filed for every account it was addressed to. */
export interface InboundEmail {
  /** Header values by lower-cased name, folding undone, address headers' encoded words decoded. */
  headers: EmailHeaders;
  /** Normalised Message-ID (no angle brackets); synthesised from the raw bytes when the message has none. */
  messageIdKey: string;
  inReplyTo: string | null;
  /** Normalised References, oldest first. */
  references: string[];
  /** Message-IDs of earlier messages to look the thread up by, best first. */
  threadCandidates: string[];
  subject: string | null;
  to: string[];
  cc: string[];
  /** The whole plain text (HTML converted when there is no text part). */
  text: string;
  /** The HTML part, sanitised for display; null when there is none. */
  html: string | null;
  attachments: InboundAttachment[];
  raw: Buffer;
}

export interface InboundAttachment {
  filename: string | null;
  contentType: string;
  size: number;
  contentId: string | null;
  inline: boolean;
  content: Buffer;
}

/** A message the parser could not make sense of at all; `reason` says why. */
export class UnreadableEmail extends Error {
  constructor(readonly reason: string) {
    super(`the message could not be parsed: ${reason}`);
    this.name = 'UnreadableEmail';
  }
}

const ADDRESS_HEADERS = new Set(['from', 'to', 'cc', 'reply-to', 'sender', 'x-original-from']);
/** A Message-ID longer than this is replaced by a hash of itself, keeping keys and headers bounded. */
const MAX_MESSAGE_ID_LENGTH = 500;
/** Only this many thread candidates are looked up: a References header can be arbitrarily long. */
const MAX_THREAD_CANDIDATES = 50;
/** HTML longer than this is not converted to text (the converter is slow on huge documents). */
const MAX_HTML_TO_TEXT = 2 * 1024 * 1024;

export async function parseInboundEmail(raw: Buffer): Promise<InboundEmail> {
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, { maxHtmlLengthToParse: MAX_HTML_TO_TEXT, skipTextToHtml: true, keepCidLinks: false });
  } catch (error) {
    throw new UnreadableEmail(error instanceof Error ? error.message : String(error));
  }
  if (parsed.headerLines.every((line) => line.key === '')) throw new UnreadableEmail('it has no header section');

  const headers = headersOf(parsed);
  const ownId = parsed.messageId ? normaliseMessageId(storableText(parsed.messageId)) : null;
  const messageIdKey = boundedId(ownId ?? `${createHash('sha256').update(raw).digest('hex').slice(0, 40)}@synthesised.invalid`);
  const inReplyTo = parsed.inReplyTo ? storableText(parsed.inReplyTo) : null;
  const references = [parsed.references ?? []].flat().map(storableText);
  const keys = threadKeysForMessage({ messageId: messageIdKey, inReplyTo, references });

  return {
    headers,
    messageIdKey,
    inReplyTo: parseMessageIdList(inReplyTo).map(boundedId)[0] ?? null,
    references: parseMessageIdList(references).map(boundedId),
    threadCandidates: keys.candidates.map(boundedId).slice(0, MAX_THREAD_CANDIDATES),
    subject: storableText(parsed.subject ?? '').trim().slice(0, 998) || null,
    to: addressesOf(parsed.to),
    cc: addressesOf(parsed.cc),
    text: storableText(parsed.text ?? '').trim(),
    html: parsed.html ? storableText(sanitiseEmailHtml(parsed.html)) : null,
    attachments: parsed.attachments.map((attachment) => ({
      filename: attachment.filename ? storableText(attachment.filename).slice(0, 255) : null,
      contentType: storableText(attachment.contentType || '') || 'application/octet-stream',
      size: attachment.content.length,
      contentId: attachment.cid ?? null,
      inline: attachment.contentDisposition === 'inline' || attachment.related === true,
      content: attachment.content,
    })),
    raw,
  };
}

/** Header values as the domain rules read them: raw lines unfolded, address headers decoded (RFC 2047). */
function headersOf(parsed: ParsedMail): EmailHeaders {
  const headers: Record<string, string[]> = {};
  for (const { key, line } of parsed.headerLines) {
    if (!key) continue;
    let value = storableText(line.slice(line.indexOf(':') + 1)).replace(/\r?\n[ \t]+/g, ' ').trim();
    if (ADDRESS_HEADERS.has(key) && value.includes('=?')) value = parseAddressHeader(value).text || value;
    (headers[key] ??= []).push(value);
  }
  return headers;
}

function addressesOf(header: AddressObject | AddressObject[] | undefined): string[] {
  const objects = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const flatten = (entries: AddressObject['value']): string[] =>
    entries.flatMap((entry) => (entry.group ? flatten(entry.group) : entry.address ? [entry.address.toLowerCase()] : []));
  return [...new Set(objects.flatMap((object) => flatten(object.value)))];
}

function boundedId(id: string): string {
  return id.length <= MAX_MESSAGE_ID_LENGTH ? id : `${createHash('sha256').update(id).digest('hex').slice(0, 40)}@long-id.invalid`;
}
