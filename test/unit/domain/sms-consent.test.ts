import { describe, it, expect } from '@jest/globals';
import {
  SMS_REPLY_REFUSED_REASON,
  canReplyBySms,
  consentAfterKeyword,
  type SmsConsent,
} from '../../../libs/domain/sms-consent.js';

const ALL_CONSENTS: SmsConsent[] = ['marketing', 'transactional', 'none'];

describe('consentAfterKeyword', () => {
  it.each(ALL_CONSENTS)('opt-out turns %s into none', (current) => {
    expect(consentAfterKeyword(current, 'opt_out')).toBe('none');
  });

  it('opt-in gives a non-consented profile transactional consent', () => {
    expect(consentAfterKeyword('none', 'opt_in')).toBe('transactional');
  });

  it('opt-in never changes an existing consent', () => {
    expect(consentAfterKeyword('marketing', 'opt_in')).toBe('marketing');
    expect(consentAfterKeyword('transactional', 'opt_in')).toBe('transactional');
  });

  it.each(ALL_CONSENTS)('help leaves %s unchanged', (current) => {
    expect(consentAfterKeyword(current, 'help')).toBe(current);
  });
});

describe('canReplyBySms', () => {
  it('allows replies with marketing or transactional consent', () => {
    expect(canReplyBySms('marketing')).toBe(true);
    expect(canReplyBySms('transactional')).toBe(true);
  });

  it('refuses replies without consent', () => {
    expect(canReplyBySms('none')).toBe(false);
  });
});

describe('SMS_REPLY_REFUSED_REASON', () => {
  it('tells the agent why nothing was sent', () => {
    expect(SMS_REPLY_REFUSED_REASON).toMatch(/not consented/);
    expect(SMS_REPLY_REFUSED_REASON).toMatch(/not sent/);
  });
});
