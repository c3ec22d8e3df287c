import { describe, expect, it } from '@jest/globals';
import { emailTicketId, lookupKey, newChatTicketId, parseTicketId, smsTicketId } from '../../libs/temporal/workflow-ids.js';

const ACCOUNT = '3f1c9a52-8d3e-4b7a-9c11-2a5e6f708192';
const SECRET = 'a-secret-of-sixteen-chars';

describe('ticket workflow ids', () => {
  it('never carry the phone number or the thread key in clear', () => {
    const sms = smsTicketId(ACCOUNT, '+14155550100', SECRET);
    const email = emailTicketId(ACCOUNT, '<root@example.com>', SECRET);
    expect(sms).not.toContain('4155550100');
    expect(email).not.toContain('example.com');
    expect(smsTicketId(ACCOUNT, '+14155550100', SECRET)).toBe(sms);
    expect(smsTicketId(ACCOUNT, '+14155550100', 'another-secret-value')).not.toBe(sms);
    expect(lookupKey('conversation-1', SECRET)).not.toContain('conversation');
  });

  it('give back the channel and account they were made for', () => {
    expect(parseTicketId(smsTicketId(ACCOUNT, '+14155550100', SECRET))).toEqual({ channel: 'sms', accountId: ACCOUNT });
    expect(parseTicketId(emailTicketId(ACCOUNT, '<root@example.com>', SECRET))).toEqual({ channel: 'email', accountId: ACCOUNT });
    expect(parseTicketId(newChatTicketId(ACCOUNT))).toEqual({ channel: 'web_chat', accountId: ACCOUNT });
    expect(newChatTicketId(ACCOUNT)).not.toBe(newChatTicketId(ACCOUNT));
  });

  it.each(['', 'round-trip:1', `ticket-fax-${ACCOUNT}-x`, `ticket-sms-not-an-account-x`, `ticket-sms-${ACCOUNT}-`, `ticket-sms-${ACCOUNT}-a/b`])(
    'reject %j as a ticket id',
    (value) => {
      expect(parseTicketId(value)).toBeNull();
    },
  );
});
