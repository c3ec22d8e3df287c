/**
 * Phone numbers for the SMS channel: normalisation to E.164 and the check that
 * the inbox's own SMS number can actually receive texts.
 *
 * Parsing is libphonenumber-js with its `min` metadata (see docs/sms.md, "Phone numbers"): pure
 * JavaScript whose numbering-plan data is bundled in the package at the pinned version, so the same
 * input gives the same number in the API, the activities and the workflow bundle (the auto-responder's
 * loop guard compares numbers inside the workflow).
 */
import { parsePhoneNumberWithError, ParseError, validatePhoneNumberLength, type CountryCode } from 'libphonenumber-js/min';
import metadata from 'libphonenumber-js/min/metadata';

export const DEFAULT_COUNTRY_CALLING_CODE = '1';

export type PhoneNumberProblem =
  | 'empty'
  | 'invalid_characters'
  | 'misplaced_plus'
  | 'invalid_country_calling_code'
  | 'invalid_national_number'
  | 'too_short'
  | 'too_long'
  | 'alphanumeric_sender_id';

export type PhoneNumberResult =
  | { ok: true; e164: string }
  | { ok: false; reason: PhoneNumberProblem; message: string };

const NANP_CALLING_CODE = '1';
const E164_MAX_DIGITS = 15;
const SEPARATORS = /[\s\-().]/g;
const ALPHANUMERIC_SENDER_ID = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;

function problem(reason: PhoneNumberProblem, message: string): PhoneNumberResult {
  return { ok: false, reason, message };
}

const LENGTH_PROBLEMS: Record<string, { reason: PhoneNumberProblem; message: string }> = {
  TOO_SHORT: { reason: 'too_short', message: 'The phone number has too few digits for its country.' },
  TOO_LONG: { reason: 'too_long', message: 'The phone number has too many digits for its country.' },
  INVALID_LENGTH: { reason: 'invalid_national_number', message: 'The phone number has a number of digits that its country does not use.' },
  NOT_A_NUMBER: { reason: 'too_short', message: 'The phone number has too few digits to be a number.' },
  INVALID_COUNTRY: { reason: 'invalid_country_calling_code', message: 'The phone number does not start with a country calling code that exists.' },
};

function fromLibraryError(code: string): PhoneNumberResult {
  const known = LENGTH_PROBLEMS[code];
  return known ? problem(known.reason, known.message) : problem('invalid_national_number', 'The phone number is not valid.');
}

/**
 * Normalises a number typed by a person or received from a carrier to E.164.
 *
 * International forms: `+44 20 7946 0000` (also `+44 (0)20 7946 0000`: a trunk prefix after the
 * country calling code is dropped, as the country's numbering plan says), `0044 20 7946 0000` and,
 * for North American defaults, `011 44 20 7946 0000`. Anything else is national and gets
 * `defaultCountryCallingCode` (digits only, no `+`), whose numbering plan decides the trunk prefix
 * (`030 1234 5678` with '49' becomes `+493012345678`, `1 415 555 0100` with '1' becomes
 * `+14155550100`, `06 1234 5678` with '39' keeps its 0). The number must fit its country's
 * numbering plan (lengths and leading digits), so `+1 011 555 0100` is refused.
 *
 * Stricter than libphonenumber about the text itself: only digits, spaces, dashes, dots, parentheses
 * and one leading `+`, so letters or an extension are refused rather than dropped silently.
 */
export function normalisePhoneNumber(
  raw: string,
  defaultCountryCallingCode: string = DEFAULT_COUNTRY_CALLING_CODE,
): PhoneNumberResult {
  const trimmed = raw.trim();
  if (trimmed === '') return problem('empty', 'The phone number is empty.');

  const compact = trimmed.replace(SEPARATORS, '');
  if (/^\+*$/.test(compact)) return problem('too_short', 'The phone number has no digits.');
  if (!/^\+?\d+$/.test(compact)) {
    if (/^\d+$/.test(compact.replace(/\+/g, ''))) {
      return problem('misplaced_plus', 'A "+" may only appear at the start of the number.');
    }
    return problem(
      'invalid_characters',
      'A phone number may only contain digits, spaces, dashes, dots, parentheses and a leading "+".',
    );
  }

  // `00` is the international prefix in most of the world; from North America it is not (011 is),
  // but no North American number starts with 0, so it can only mean the same there.
  let text = compact;
  if (text.startsWith('00') && defaultCountryCallingCode === NANP_CALLING_CODE) text = `+${text.slice(2)}`;
  if (text.startsWith('+0')) {
    return problem('invalid_country_calling_code', 'A country calling code never starts with 0.');
  }
  if (!text.startsWith('+') && !/^[1-9]\d{0,2}$/.test(defaultCountryCallingCode)) {
    return problem(
      'invalid_country_calling_code',
      `"${defaultCountryCallingCode}" is not a country calling code (1 to 3 digits, not starting with 0).`,
    );
  }

  // The calling code's main country (US for 1, GB for 44, RU for 7) knows the international prefix
  // (011, 00, 8~10) and trunk prefix of a national number; a calling code without a country (800,
  // 870…) parses national numbers as they are.
  const countries = Object.hasOwn(metadata.country_calling_codes, defaultCountryCallingCode)
    ? metadata.country_calling_codes[defaultCountryCallingCode]
    : undefined;
  const mainCountry = countries?.[0] as CountryCode | undefined;
  const options = mainCountry ? { defaultCountry: mainCountry } : { defaultCallingCode: defaultCountryCallingCode };
  let parsed;
  try {
    parsed = parsePhoneNumberWithError(text, options);
  } catch (error) {
    if (error instanceof ParseError) return fromLibraryError(error.message);
    throw error;
  }
  if (!parsed.isPossible()) return fromLibraryError(validatePhoneNumberLength(text, options) ?? 'INVALID_LENGTH');
  if (!parsed.isValid()) {
    return problem(
      'invalid_national_number',
      `The phone number does not fit the numbering plan of +${parsed.countryCallingCode}.`,
    );
  }
  if (parsed.number.length - 1 > E164_MAX_DIGITS) {
    return problem('too_long', `A phone number has at most ${E164_MAX_DIGITS} digits including the country calling code.`);
  }
  return { ok: true, e164: parsed.number };
}

/**
 * A branded sender such as "ACME" or "Shop 24": 1–11 ASCII letters, digits or
 * spaces with at least one letter. Carriers let these send but not receive.
 */
export function isAlphanumericSenderId(value: string): boolean {
  return ALPHANUMERIC_SENDER_ID.test(value.trim());
}

/** Checks a number an admin wants to configure as the inbox's SMS number. */
export function validateInboxSmsNumber(
  value: string,
  defaultCountryCallingCode: string = DEFAULT_COUNTRY_CALLING_CODE,
): PhoneNumberResult {
  if (isAlphanumericSenderId(value)) {
    return problem(
      'alphanumeric_sender_id',
      `"${value.trim()}" is an alphanumeric sender ID. It can send texts but cannot receive them, ` +
        'so customers could not write to the inbox. Use a phone number that can receive SMS.',
    );
  }
  return normalisePhoneNumber(value, defaultCountryCallingCode);
}
