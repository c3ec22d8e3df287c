import { describe, it, expect } from '@jest/globals';
import {
  DEFAULT_SMS_KEYWORDS,
  classifySmsKeyword,
  normaliseSmsKeywordText,
  type SmsKeywordSettings,
} from '../../../libs/domain/sms-keywords.js';

describe('DEFAULT_SMS_KEYWORDS', () => {
  it('lists the carrier-standard keywords', () => {
    expect(DEFAULT_SMS_KEYWORDS.optOut).toEqual(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT']);
    expect(DEFAULT_SMS_KEYWORDS.optIn).toEqual(['START', 'YES', 'UNSTOP']);
    expect(DEFAULT_SMS_KEYWORDS.help).toEqual(['HELP', 'INFO']);
  });
});

describe('classifySmsKeyword', () => {
  it.each(DEFAULT_SMS_KEYWORDS.optOut)('treats %s as opt-out', (keyword) => {
    expect(classifySmsKeyword(keyword)).toBe('opt_out');
  });

  it.each(DEFAULT_SMS_KEYWORDS.optIn)('treats %s as opt-in', (keyword) => {
    expect(classifySmsKeyword(keyword)).toBe('opt_in');
  });

  it.each(DEFAULT_SMS_KEYWORDS.help)('treats %s as help', (keyword) => {
    expect(classifySmsKeyword(keyword)).toBe('help');
  });

  it('ignores case and surrounding whitespace', () => {
    expect(classifySmsKeyword(' stop \n')).toBe('opt_out');
    expect(classifySmsKeyword('\tStArT')).toBe('opt_in');
    expect(classifySmsKeyword('help\r\n')).toBe('help');
  });

  it('counts trailing sentence punctuation as part of the keyword', () => {
    expect(classifySmsKeyword('STOP.')).toBe('opt_out');
    expect(classifySmsKeyword('stop!!')).toBe('opt_out');
    expect(classifySmsKeyword('Help? ')).toBe('help');
  });

  it('does not accept other punctuation around a keyword', () => {
    expect(classifySmsKeyword('"STOP"')).toBeNull();
    expect(classifySmsKeyword('STOP,')).toBeNull();
    expect(classifySmsKeyword('.STOP')).toBeNull();
  });

  it('requires the whole message to be the keyword', () => {
    expect(classifySmsKeyword('stop sending me this')).toBeNull();
    expect(classifySmsKeyword('please stop')).toBeNull();
    expect(classifySmsKeyword('STOPPED')).toBeNull();
    expect(classifySmsKeyword('I need help with my order')).toBeNull();
  });

  it('does not split a keyword with inner spaces', () => {
    expect(classifySmsKeyword('STOP ALL')).toBeNull();
  });

  it('reads full-width letters as their ASCII form', () => {
    expect(classifySmsKeyword('ＳＴＯＰ')).toBe('opt_out');
  });

  it('returns null for an empty message or only punctuation', () => {
    expect(classifySmsKeyword('')).toBeNull();
    expect(classifySmsKeyword('  \n ')).toBeNull();
    expect(classifySmsKeyword('?')).toBeNull();
  });

  it('uses the account settings instead of the defaults', () => {
    const settings: SmsKeywordSettings = { optOut: ['arret', 'stop please'], optIn: ['go'], help: ['aide'] };
    expect(classifySmsKeyword('ARRET', settings)).toBe('opt_out');
    expect(classifySmsKeyword('Stop   Please', settings)).toBe('opt_out');
    expect(classifySmsKeyword('go', settings)).toBe('opt_in');
    expect(classifySmsKeyword('AIDE', settings)).toBe('help');
    expect(classifySmsKeyword('STOP', settings)).toBeNull();
  });

  it('never matches a blank configured keyword', () => {
    const settings: SmsKeywordSettings = { optOut: ['', '  '], optIn: [], help: ['.'] };
    expect(classifySmsKeyword('', settings)).toBeNull();
    expect(classifySmsKeyword('.', settings)).toBeNull();
  });

  it('lets opt-out win when a word is configured in several lists', () => {
    const settings: SmsKeywordSettings = { optOut: ['END'], optIn: ['END', 'GO'], help: ['END', 'GO'] };
    expect(classifySmsKeyword('end', settings)).toBe('opt_out');
    expect(classifySmsKeyword('go', settings)).toBe('opt_in');
  });
});

describe('normaliseSmsKeywordText', () => {
  it('upper-cases, collapses whitespace and drops trailing sentence punctuation', () => {
    expect(normaliseSmsKeywordText('  stop \n  all ?! ')).toBe('STOP ALL');
  });
});
