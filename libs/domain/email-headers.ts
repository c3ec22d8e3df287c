/** Reading parsed mail headers and the mailboxes in them. */

/** Header values by name, as a mail parser returns them (names are matched case-insensitively). */
export type EmailHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface Mailbox {
  /** Lower-cased addr-spec; mail systems treat addresses case-insensitively in practice. */
  address: string;
  displayName: string | null;
}

/** All values of a header, in order; a repeated header gives several. */
export function headerValues(headers: EmailHeaders, name: string): string[] {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    if (typeof value === 'string') values.push(value);
    else values.push(...value);
  }
  return values;
}

export function hasHeader(headers: EmailHeaders, name: string): boolean {
  const wanted = name.toLowerCase();
  return Object.entries(headers).some(([key, value]) => key.toLowerCase() === wanted && value !== undefined);
}

function blankOut(text: string, pattern: RegExp): string {
  return text.replace(pattern, (match) => ' '.repeat(match.length));
}

function cleanAddress(candidate: string): string | null {
  const address = candidate.trim().replace(/^mailto:/i, '');
  return /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+$/.test(address) ? address.toLowerCase() : null;
}

function cleanDisplayName(candidate: string): string | null {
  let name = candidate.trim().replace(/[[(]\s*$/, '').trim();
  if (name.length >= 2 && name.startsWith('"') && name.endsWith('"')) {
    name = name.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  name = name.trim();
  return name === '' ? null : name;
}

/** Splits an address list at top-level commas (not inside quotes, angle brackets or comments). */
function splitAddressList(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  let inQuotes = false;
  let angleDepth = 0;
  let commentDepth = 0;
  for (let i = 0; i < value.length; i += 1) {
    const char = value[i] as string;
    if (inQuotes && char === '\\') {
      current += char + (value[i + 1] ?? '');
      i += 1;
      continue;
    }
    if (char === '"' && commentDepth === 0) inQuotes = !inQuotes;
    else if (!inQuotes) {
      if (char === '<') angleDepth += 1;
      else if (char === '>') angleDepth = Math.max(0, angleDepth - 1);
      else if (char === '(') commentDepth += 1;
      else if (char === ')') commentDepth = Math.max(0, commentDepth - 1);
      else if (char === ',' && angleDepth === 0 && commentDepth === 0) {
        parts.push(current);
        current = '';
        continue;
      }
    }
    current += char;
  }
  parts.push(current);
  return parts;
}

/**
 * One mailbox: `Name <addr>`, `"Doe, Jane" <addr>`, `<addr>`, `addr (comment)`,
 * a bare `addr`, or Outlook's `Name [mailto:addr]`. Null when there is no address.
 */
export function parseMailbox(value: string): Mailbox | null {
  const text = value.trim();
  const withoutQuotes = blankOut(text, /"(?:[^"\\]|\\.)*"/g);
  const angleStart = withoutQuotes.lastIndexOf('<');
  const angleEnd = withoutQuotes.indexOf('>', angleStart);
  if (angleStart >= 0 && angleEnd > angleStart) {
    const address = cleanAddress(text.slice(angleStart + 1, angleEnd));
    return address === null ? null : { address, displayName: cleanDisplayName(text.slice(0, angleStart)) };
  }
  const withoutComments = blankOut(withoutQuotes, /\([^()]*\)/g);
  const match = /(?:mailto:)?[^\s<>()[\],;:"]+@[^\s<>()[\],;:"]+/i.exec(withoutComments);
  if (match === null) return null;
  const address = cleanAddress(match[0]);
  return address === null ? null : { address, displayName: cleanDisplayName(text.slice(0, match.index)) };
}

/** Every mailbox of an address header such as To or Reply-To; group syntax without addresses is skipped. */
export function parseMailboxList(value: string): Mailbox[] {
  return splitAddressList(value)
    .map(parseMailbox)
    .filter((mailbox): mailbox is Mailbox => mailbox !== null);
}

/** The lower-cased address in `value` (which may carry a display name), or null. */
export function normaliseEmailAddress(value: string): string | null {
  return parseMailbox(value)?.address ?? null;
}
