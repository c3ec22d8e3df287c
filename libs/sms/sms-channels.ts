import type { Logger } from '../logger/logger.js';
import type { Orm } from '../persistence/orm.js';
import { SecretBox, SecretBoxError } from '../secrets/secret-box.js';
import type { TwilioCredentials } from './twilio-client.js';

/** An account's Twilio connection: the credentials and the inbox's own number (E.164). */
export interface SmsChannel extends TwilioCredentials {
  accountId: string;
  inboxNumber: string;
}

/** The connection without its auth token (settings, the inbox's own number). */
export type SmsConnection = Omit<SmsChannel, 'authToken'>;

/**
 * The auth token is stored sealed (libs/secrets/secret-box.ts) in `twilio_auth_token_sealed`, bound
 * to its row: a sealed token copied to another account's row does not open.
 */
const tokenContext = (accountId: string) => `sms_channels.twilio_auth_token:${accountId}`;

export async function findSmsConnection(orm: Orm, accountId: string): Promise<SmsConnection | null> {
  const [row] = await orm.em.fork().execute<{ twilio_account_sid: string; inbox_number: string }[]>(
    'SELECT twilio_account_sid, inbox_number FROM sms_channels WHERE account_id = ?',
    [accountId],
  );
  return row ? { accountId, accountSid: row.twilio_account_sid, inboxNumber: row.inbox_number } : null;
}

/** The connection with its auth token opened; fails (without the value) when the token cannot be opened. */
export async function findSmsChannel(orm: Orm, secrets: SecretBox, accountId: string): Promise<SmsChannel | null> {
  const [row] = await orm.em.fork().execute<{ twilio_account_sid: string; twilio_auth_token_sealed: string; inbox_number: string }[]>(
    'SELECT twilio_account_sid, twilio_auth_token_sealed, inbox_number FROM sms_channels WHERE account_id = ?',
    [accountId],
  );
  if (!row) return null;
  if (!SecretBox.isSealed(row.twilio_auth_token_sealed)) {
    throw new SecretBoxError(`the Twilio auth token of account ${accountId} is not sealed yet; the API seals it when it starts`);
  }
  const authToken = secrets.open(row.twilio_auth_token_sealed, tokenContext(accountId));
  return { accountId, accountSid: row.twilio_account_sid, authToken, inboxNumber: row.inbox_number };
}

export async function saveSmsChannel(orm: Orm, secrets: SecretBox, channel: SmsChannel): Promise<void> {
  await orm.em.fork().execute(
    `INSERT INTO sms_channels (account_id, twilio_account_sid, twilio_auth_token_sealed, inbox_number, updated_at) VALUES (?, ?, ?, ?, now())
     ON CONFLICT (account_id) DO UPDATE SET twilio_account_sid = excluded.twilio_account_sid,
       twilio_auth_token_sealed = excluded.twilio_auth_token_sealed, inbox_number = excluded.inbox_number, updated_at = excluded.updated_at`,
    [channel.accountId, channel.accountSid, secrets.seal(channel.authToken, tokenContext(channel.accountId)), channel.inboxNumber],
  );
}

/**
 * Start-up step of the API (after the migrations): seals every auth token still in plain text (rows
 * from before migration 0010) and re-seals tokens sealed with an older key of the keyring (rotation).
 * Idempotent and safe with several API replicas (each row is only updated if it still holds the value
 * read); logs account ids and counts, never a value. Without a keyring it only warns.
 */
export async function sealSmsAuthTokens(orm: Orm, secrets: SecretBox | undefined, log: Logger): Promise<{ sealed: number; resealed: number }> {
  const em = orm.em.fork();
  const rows = await em.execute<{ account_id: string; twilio_auth_token_sealed: string }[]>('SELECT account_id, twilio_auth_token_sealed FROM sms_channels');
  const plain = rows.filter((row) => !SecretBox.isSealed(row.twilio_auth_token_sealed));
  if (!secrets) {
    if (plain.length > 0) log.warn('Twilio auth tokens are stored in plain text: set SECRETS_KEYRING so the API seals them at start', { accounts: plain.map((row) => row.account_id) });
    return { sealed: 0, resealed: 0 };
  }
  const stale = rows.filter((row) => SecretBox.isSealed(row.twilio_auth_token_sealed) && secrets.needsResealing(row.twilio_auth_token_sealed));
  let sealed = 0;
  let resealed = 0;
  for (const row of [...plain, ...stale]) {
    const context = tokenContext(row.account_id);
    const isPlain = !SecretBox.isSealed(row.twilio_auth_token_sealed);
    let token: string;
    try {
      token = isPlain ? row.twilio_auth_token_sealed : secrets.open(row.twilio_auth_token_sealed, context);
    } catch (error) {
      log.error('cannot re-seal a Twilio auth token', { accountId: row.account_id, error: (error as Error).message });
      continue;
    }
    const updated = await em.execute<{ account_id: string }[]>(
      'UPDATE sms_channels SET twilio_auth_token_sealed = ? WHERE account_id = ? AND twilio_auth_token_sealed = ? RETURNING account_id',
      [secrets.seal(token, context), row.account_id, row.twilio_auth_token_sealed],
    );
    if (updated.length === 0) continue;
    if (isPlain) sealed += 1;
    else resealed += 1;
  }
  if (sealed + resealed > 0) log.info('sealed Twilio auth tokens', { sealed, resealed, keyId: secrets.currentKeyId });
  return { sealed, resealed };
}

/** Where Twilio posts for an account, under PUBLIC_URL. */
export function smsWebhookPaths(accountId: string): { inbound: string; status: string } {
  return { inbound: `/webhooks/twilio/sms/${accountId}`, status: `/webhooks/twilio/sms/${accountId}/status` };
}
