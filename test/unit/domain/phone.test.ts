import { describe, it, expect } from '@jest/globals';
import { isAlphanumericSenderId, normalisePhoneNumber, validateInboxSmsNumber } from '../../../libs/domain/phone.js';

describe('normalisePhoneNumber', () => {
  it.each([
    ['+14155550100', '+14155550100'],
    ['+1 (415) 555-0100', '+14155550100'],
    ['+44 20 7946 0000', '+442079460000'],
    ['+49.30.1234.5678', '+493012345678'],
    ['  +33 6 12 34 56 78 \n', '+33612345678'],
    ['0044 20 7946 0000', '+442079460000'],
  ])('keeps an international number %j as %s', (raw, e164) => {
    expect(normalisePhoneNumber(raw)).toEqual({ ok: true, e164 });
  });

  it('gives a national number the default country calling code 1', () => {
    expect(normalisePhoneNumber('(415) 555-0100')).toEqual({ ok: true, e164: '+14155550100' });
    expect(normalisePhoneNumber('415.555.0100')).toEqual({ ok: true, e164: '+14155550100' });
  });

  it('drops the North American trunk prefix 1 of an 11-digit national number', () => {
    expect(normalisePhoneNumber('1-415-555-0100')).toEqual({ ok: true, e164: '+14155550100' });
  });

  it('accepts the North American international prefix 011 when the default is 1', () => {
    expect(normalisePhoneNumber('011 44 20 7946 0000')).toEqual({ ok: true, e164: '+442079460000' });
  });

  it('uses another default country calling code and drops its trunk 0', () => {
    expect(normalisePhoneNumber('030 1234 5678', '49')).toEqual({ ok: true, e164: '+493012345678' });
    expect(normalisePhoneNumber('07400 123456', '44')).toEqual({ ok: true, e164: '+447400123456' });
  });

  it("uses the default country's own international prefix", () => {
    expect(normalisePhoneNumber('0011 44 20 7946 0000', '61')).toEqual({ ok: true, e164: '+442079460000' });
  });

  // Each of these keyed one person under two numbers, or accepted a number that cannot exist, with the
  // hand-written parser this replaced.
  it('drops a trunk prefix written after the country calling code, so both spellings are one number', () => {
    expect(normalisePhoneNumber('+44 (0)20 7946 0000')).toEqual({ ok: true, e164: '+442079460000' });
    expect(normalisePhoneNumber('+44 20 7946 0000')).toEqual({ ok: true, e164: '+442079460000' });
    expect(normalisePhoneNumber('+49 030 1234 5678')).toEqual({ ok: true, e164: '+493012345678' });
    expect(normalisePhoneNumber('+49 30 1234 5678')).toEqual({ ok: true, e164: '+493012345678' });
  });

  it('turns a number stored in the old normal form into the new one', () => {
    expect(normalisePhoneNumber('+4402079460000')).toEqual({ ok: true, e164: '+442079460000' });
    expect(normalisePhoneNumber('+49030123456789')).toEqual({ ok: true, e164: '+4930123456789' });
  });

  it("refuses a number that does not fit its country's numbering plan", () => {
    expect(normalisePhoneNumber('+1 (011) 555-0100')).toMatchObject({ ok: false, reason: 'invalid_national_number' });
    expect(normalisePhoneNumber('+1 (123) 555-0100')).toMatchObject({ ok: false, reason: 'invalid_national_number' });
  });

  it('refuses a country calling code that does not exist', () => {
    expect(normalisePhoneNumber('+999 1234 5678')).toMatchObject({ ok: false, reason: 'invalid_country_calling_code' });
  });

  it('keeps the leading 0 of an Italian national number', () => {
    expect(normalisePhoneNumber('06 1234 5678', '39')).toEqual({ ok: true, e164: '+390612345678' });
  });

  it('refuses an empty value', () => {
    expect(normalisePhoneNumber('   ')).toMatchObject({ ok: false, reason: 'empty' });
  });

  it('refuses a value without digits', () => {
    expect(normalisePhoneNumber('+')).toMatchObject({ ok: false, reason: 'too_short' });
    expect(normalisePhoneNumber('()-')).toMatchObject({ ok: false, reason: 'too_short' });
  });

  it('refuses letters and other characters', () => {
    expect(normalisePhoneNumber('1-800-FLOWERS')).toMatchObject({ ok: false, reason: 'invalid_characters' });
    expect(normalisePhoneNumber('+1 415 555 0100 ext 12')).toMatchObject({ ok: false, reason: 'invalid_characters' });
    expect(normalisePhoneNumber('+1/415/555/0100')).toMatchObject({ ok: false, reason: 'invalid_characters' });
  });

  it('refuses a "+" that is not at the start', () => {
    expect(normalisePhoneNumber('1+4155550100')).toMatchObject({ ok: false, reason: 'misplaced_plus' });
    expect(normalisePhoneNumber('++14155550100')).toMatchObject({ ok: false, reason: 'misplaced_plus' });
  });

  it('refuses a country calling code starting with 0', () => {
    expect(normalisePhoneNumber('+0441234567890')).toMatchObject({ ok: false, reason: 'invalid_country_calling_code' });
    expect(normalisePhoneNumber('000441234567')).toMatchObject({ ok: false, reason: 'invalid_country_calling_code' });
  });

  it('refuses an invalid default country calling code', () => {
    expect(normalisePhoneNumber('0301234567', '+49')).toMatchObject({ ok: false, reason: 'invalid_country_calling_code' });
    expect(normalisePhoneNumber('0301234567', '0049')).toMatchObject({ ok: false, reason: 'invalid_country_calling_code' });
  });

  it("enforces the country's lengths and E.164's 15 digits", () => {
    expect(normalisePhoneNumber('+49301')).toMatchObject({ ok: false, reason: 'too_short' });
    expect(normalisePhoneNumber('+49301234')).toEqual({ ok: true, e164: '+49301234' });
    expect(normalisePhoneNumber('+493012345678901')).toEqual({ ok: true, e164: '+493012345678901' });
    expect(normalisePhoneNumber('+4930123456789012')).toMatchObject({ ok: false, reason: 'too_long' });
  });

  it('refuses a North American number without exactly 10 national digits', () => {
    expect(normalisePhoneNumber('(415) 555-010')).toMatchObject({ ok: false, reason: 'too_short' });
    expect(normalisePhoneNumber('+1 415 555 01000')).toMatchObject({ ok: false, reason: 'too_long' });
    expect(normalisePhoneNumber('020 7946 0000')).toMatchObject({ ok: false, reason: 'too_long' });
  });

  it('refuses a national number that is only a trunk prefix', () => {
    expect(normalisePhoneNumber('0', '49')).toMatchObject({ ok: false, reason: 'too_short' });
  });

  it('reads a leading 00 as the international prefix even with a non-1 default', () => {
    expect(normalisePhoneNumber('00 30 21 0123 4567', '49')).toEqual({ ok: true, e164: '+302101234567' });
  });

  it('explains every refusal in words', () => {
    const result = normalisePhoneNumber('abc');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message.length).toBeGreaterThan(10);
  });
});

describe('isAlphanumericSenderId', () => {
  it.each(['ACME', 'Shop 24', 'A', 'ABCDEFGHIJK', 'acme', '  ACME  ', '2FA Bank'])('recognises %j', (value) => {
    expect(isAlphanumericSenderId(value)).toBe(true);
  });

  it.each([
    ['a phone number', '+14155550100'],
    ['digits only', '12345678'],
    ['a short code', '55555'],
    ['12 characters', 'ABCDEFGHIJKL'],
    ['empty', ''],
    ['only spaces', '   '],
    ['punctuation', 'ACME-SHOP'],
    ['a non-ASCII letter', 'Café'],
  ])('rejects %s', (_label, value) => {
    expect(isAlphanumericSenderId(value)).toBe(false);
  });
});

describe('validateInboxSmsNumber', () => {
  it('refuses a branded sender ID with a clear reason', () => {
    const result = validateInboxSmsNumber('ACME');
    expect(result).toMatchObject({ ok: false, reason: 'alphanumeric_sender_id' });
    if (!result.ok) {
      expect(result.message).toContain('ACME');
      expect(result.message).toMatch(/cannot receive/);
    }
  });

  it('accepts and normalises a phone number', () => {
    expect(validateInboxSmsNumber('+1 (415) 555-0100')).toEqual({ ok: true, e164: '+14155550100' });
    expect(validateInboxSmsNumber('030 1234 5678', '49')).toEqual({ ok: true, e164: '+493012345678' });
  });

  it('refuses a malformed phone number with its normalisation reason', () => {
    expect(validateInboxSmsNumber('+1 415')).toMatchObject({ ok: false, reason: 'too_short' });
    expect(validateInboxSmsNumber('ACME-SHOP')).toMatchObject({ ok: false, reason: 'invalid_characters' });
  });
});
