/**
 * SMS keywords are consent commands (SPEC §2): they change the profile's consent
 * and never create or reopen a ticket.
 */

export type SmsKeyword = 'opt_out' | 'opt_in' | 'help';

export interface SmsKeywordSettings {
  optOut: string[];
  optIn: string[];
  help: string[];
}

export const DEFAULT_SMS_KEYWORDS: Readonly<SmsKeywordSettings> = Object.freeze({
  optOut: ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'],
  optIn: ['START', 'YES', 'UNSTOP'],
  help: ['HELP', 'INFO'],
});

/**
 * Canonical form for comparison: compatibility-normalised (full-width letters
 * become ASCII), upper-cased, whitespace collapsed, and trailing sentence
 * punctuation dropped so that "Stop." and "STOP!" still count as STOP.
 */
export function normaliseSmsKeywordText(text: string): string {
  return text
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[.!?]+\s*$/u, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

function matchesAny(normalisedBody: string, keywords: readonly string[]): boolean {
  return keywords.some((keyword) => {
    const normalisedKeyword = normaliseSmsKeywordText(keyword);
    return normalisedKeyword !== '' && normalisedKeyword === normalisedBody;
  });
}

/**
 * The keyword the whole message consists of, or null for an ordinary message
 * ("stop sending me this" is a message, not an opt-out). When a word is
 * configured in several lists, opt-out wins, then opt-in: never keep texting
 * someone who may have asked us to stop.
 */
export function classifySmsKeyword(
  body: string,
  settings: Readonly<SmsKeywordSettings> = DEFAULT_SMS_KEYWORDS,
): SmsKeyword | null {
  const normalisedBody = normaliseSmsKeywordText(body);
  if (normalisedBody === '') return null;
  if (matchesAny(normalisedBody, settings.optOut)) return 'opt_out';
  if (matchesAny(normalisedBody, settings.optIn)) return 'opt_in';
  if (matchesAny(normalisedBody, settings.help)) return 'help';
  return null;
}
