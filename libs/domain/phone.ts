/**
 * Phone numbers for the SMS channel: normalisation to E.164 and the check that
 * the inbox's own SMS number can actually receive texts.
 */

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

const E164_MIN_DIGITS = 8;
const E164_MAX_DIGITS = 15;
const NANP_CALLING_CODE = '1';
const NANP_NATIONAL_DIGITS = 10;
/** Countries whose leading 0 is part of the number, not a trunk prefix to drop. */
const CALLING_CODES_KEEPING_LEADING_ZERO = new Set(['39', '378', '379']);
const SEPARATORS = /[\s\-().]/g;
const ALPHANUMERIC_SENDER_ID = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;

function problem(reason: PhoneNumberProblem, message: string): PhoneNumberResult {
  return { ok: false, reason, message };
}

/** Checks the complete digit string (country calling code + national number). */
function withLength(digits: string): PhoneNumberResult {
  if (digits.startsWith('0')) {
    return problem('invalid_country_calling_code', 'A country calling code never starts with 0.');
  }
  if (digits.startsWith(NANP_CALLING_CODE) && digits.length !== NANP_CALLING_CODE.length + NANP_NATIONAL_DIGITS) {
    return problem(
      'invalid_national_number',
      `A North American number has ${NANP_NATIONAL_DIGITS} digits after the country calling code 1.`,
    );
  }
  if (digits.length < E164_MIN_DIGITS) {
    return problem('too_short', `A phone number needs at least ${E164_MIN_DIGITS} digits including the country calling code.`);
  }
  if (digits.length > E164_MAX_DIGITS) {
    return problem('too_long', `A phone number has at most ${E164_MAX_DIGITS} digits including the country calling code.`);
  }
  return { ok: true, e164: `+${digits}` };
}

/**
 * Normalises a number typed by a person or received from a carrier to E.164.
 *
 * International forms: `+44 20 7946 0000`, `0044 20 7946 0000` and, for North
 * American defaults, `011 44 20 7946 0000`. Anything else is national and gets
 * `defaultCountryCallingCode` (digits only, no `+`); a national trunk prefix is
 * dropped (`030 1234567` with '49' becomes `+49301234567`, `1 415 555 0100` with
 * '1' becomes `+14155550100`), except where the leading 0 belongs to the number
 * (Italy, San Marino, Vatican).
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

  if (compact.startsWith('+')) return withLength(compact.slice(1));
  if (compact.startsWith('00')) return withLength(compact.slice(2));
  if (defaultCountryCallingCode === NANP_CALLING_CODE && compact.startsWith('011')) {
    return withLength(compact.slice(3));
  }

  if (!/^[1-9]\d{0,2}$/.test(defaultCountryCallingCode)) {
    return problem(
      'invalid_country_calling_code',
      `"${defaultCountryCallingCode}" is not a country calling code (1 to 3 digits, not starting with 0).`,
    );
  }
  return withNationalNumber(compact, defaultCountryCallingCode);
}

function withNationalNumber(national: string, callingCode: string): PhoneNumberResult {
  if (callingCode === NANP_CALLING_CODE) {
    const hasTrunkPrefix = national.length === NANP_NATIONAL_DIGITS + 1 && national.startsWith('1');
    return withLength(callingCode + (hasTrunkPrefix ? national.slice(1) : national));
  }
  const keepsZero = CALLING_CODES_KEEPING_LEADING_ZERO.has(callingCode);
  const withoutTrunk = !keepsZero && national.startsWith('0') ? national.slice(1) : national;
  if (withoutTrunk === '') {
    return problem('invalid_national_number', 'The national number is not valid.');
  }
  return withLength(callingCode + withoutTrunk);
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
