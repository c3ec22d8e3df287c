/** SMS consent of a profile and what it allows the inbox to do (SPEC §3). */

import type { SmsKeyword } from './sms-keywords.js';

export type SmsConsent = 'marketing' | 'transactional' | 'none';

/**
 * Opt-out removes every consent. Opt-in restores transactional consent only:
 * marketing consent needs an explicit marketing sign-up, and an existing consent
 * is never downgraded by a START. HELP changes nothing.
 */
export function consentAfterKeyword(current: SmsConsent, keyword: SmsKeyword): SmsConsent {
  switch (keyword) {
    case 'opt_out':
      return 'none';
    case 'opt_in':
      return current === 'none' ? 'transactional' : current;
    case 'help':
      return current;
  }
}

export function canReplyBySms(consent: SmsConsent): boolean {
  return consent === 'marketing' || consent === 'transactional';
}

export const SMS_REPLY_REFUSED_REASON =
  'This customer has not consented to receive SMS, so the reply was not sent. ' +
  'Reply on another channel, or wait until the customer texts START to opt in.';
