import type { Orm } from '../persistence/orm.js';
import type { TwilioCredentials } from './twilio-client.js';

/** An account's Twilio connection: the credentials and the inbox's own number (E.164). */
export interface SmsChannel extends TwilioCredentials {
  accountId: string;
  inboxNumber: string;
}

export async function findSmsChannel(orm: Orm, accountId: string): Promise<SmsChannel | null> {
  const [row] = await orm.em.fork().execute<{ twilio_account_sid: string; twilio_auth_token: string; inbox_number: string }[]>(
    'SELECT twilio_account_sid, twilio_auth_token, inbox_number FROM sms_channels WHERE account_id = ?',
    [accountId],
  );
  return row ? { accountId, accountSid: row.twilio_account_sid, authToken: row.twilio_auth_token, inboxNumber: row.inbox_number } : null;
}

export async function saveSmsChannel(orm: Orm, channel: SmsChannel): Promise<void> {
  await orm.em.fork().execute(
    `INSERT INTO sms_channels (account_id, twilio_account_sid, twilio_auth_token, inbox_number, updated_at) VALUES (?, ?, ?, ?, now())
     ON CONFLICT (account_id) DO UPDATE SET twilio_account_sid = excluded.twilio_account_sid,
       twilio_auth_token = excluded.twilio_auth_token, inbox_number = excluded.inbox_number, updated_at = excluded.updated_at`,
    [channel.accountId, channel.accountSid, channel.authToken, channel.inboxNumber],
  );
}

/** Where Twilio posts for an account, under PUBLIC_URL. */
export function smsWebhookPaths(accountId: string): { inbound: string; status: string } {
  return { inbound: `/webhooks/twilio/sms/${accountId}`, status: `/webhooks/twilio/sms/${accountId}/status` };
}
