import { createHash } from 'node:crypto';
import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { consentAfterKeyword, type SmsConsent } from '../domain/sms-consent.js';
import type { SmsKeyword } from '../domain/sms-keywords.js';
import type { Orm } from '../persistence/orm.js';

/**
 * The SMS side of a customer profile: one per (account, E.164 number), created on first contact
 * with no consent, and every consent change kept with where it came from.
 */
export interface ConsentChange {
  previousConsent: SmsConsent;
  consent: SmsConsent;
  source: 'keyword' | 'integration';
  keyword: string | null;
  messageSid: string | null;
  changedAt: string;
}

/** Creates the profile on first contact (no consent) and locks it for the rest of the transaction. */
async function lockProfile(em: SqlEntityManager, accountId: string, phone: string): Promise<SmsConsent> {
  await em.execute(
    `INSERT INTO sms_profiles (account_id, phone, consent, created_at, updated_at) VALUES (?, ?, 'none', now(), now())
     ON CONFLICT (account_id, phone) DO NOTHING`,
    [accountId, phone],
  );
  const [row] = await em.execute<{ consent: SmsConsent }[]>('SELECT consent FROM sms_profiles WHERE account_id = ? AND phone = ? FOR UPDATE', [accountId, phone]);
  return row!.consent;
}

export async function ensureSmsProfile(orm: Orm, accountId: string, phone: string): Promise<SmsConsent> {
  return orm.em.fork().transactional((em) => lockProfile(em, accountId, phone));
}

/** No profile yet means no consent. */
export async function currentSmsConsent(orm: Orm, accountId: string, phone: string): Promise<SmsConsent> {
  const [row] = await orm.em.fork().execute<{ consent: SmsConsent }[]>('SELECT consent FROM sms_profiles WHERE account_id = ? AND phone = ?', [accountId, phone]);
  return row?.consent ?? 'none';
}

async function recordChange(em: SqlEntityManager, accountId: string, phone: string, change: ConsentChange): Promise<void> {
  const id = `consent-${createHash('sha256').update(`${accountId}\n${phone}\n${change.messageSid ?? change.changedAt}\n${change.consent}`).digest('base64url').slice(0, 32)}`;
  await em.execute(
    `INSERT INTO sms_consent_changes (id, account_id, phone, previous_consent, consent, source, keyword, message_sid, changed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    [id, accountId, phone, change.previousConsent, change.consent, change.source, change.keyword, change.messageSid, change.changedAt],
  );
  await em.execute('UPDATE sms_profiles SET consent = ?, updated_at = ? WHERE account_id = ? AND phone = ?', [change.consent, change.changedAt, accountId, phone]);
}

/**
 * An opt-out or opt-in keyword texted by the customer. The MessageSid keys the change, so a webhook
 * Twilio retries changes consent once (a later STOP/START is a new change, even to the same value).
 */
export async function applyConsentKeyword(
  orm: Orm,
  input: { accountId: string; phone: string; keyword: Exclude<SmsKeyword, 'help'>; text: string; messageSid: string },
): Promise<{ consent: SmsConsent; duplicate: boolean }> {
  return orm.em.fork().transactional(async (em) => {
    const current = await lockProfile(em, input.accountId, input.phone);
    const seen = await em.execute('SELECT 1 FROM sms_consent_changes WHERE account_id = ? AND message_sid = ?', [input.accountId, input.messageSid]);
    if (seen.length > 0) return { consent: current, duplicate: true };
    const consent = consentAfterKeyword(current, input.keyword);
    await recordChange(em, input.accountId, input.phone, {
      previousConsent: current,
      consent,
      source: 'keyword',
      keyword: input.text.trim(),
      messageSid: input.messageSid,
      changedAt: new Date().toISOString(),
    });
    return { consent, duplicate: false };
  });
}

/** Consent given or withdrawn elsewhere (a marketing sign-up form), reported by the marketing side. */
export async function setSmsConsent(orm: Orm, input: { accountId: string; phone: string; consent: SmsConsent }): Promise<void> {
  await orm.em.fork().transactional(async (em) => {
    const current = await lockProfile(em, input.accountId, input.phone);
    if (current === input.consent) return;
    await recordChange(em, input.accountId, input.phone, {
      previousConsent: current,
      consent: input.consent,
      source: 'integration',
      keyword: null,
      messageSid: null,
      changedAt: new Date().toISOString(),
    });
  });
}

export async function smsConsentHistory(orm: Orm, accountId: string, phone: string): Promise<ConsentChange[]> {
  const rows = await orm.em.fork().execute<
    { previous_consent: SmsConsent; consent: SmsConsent; source: ConsentChange['source']; keyword: string | null; message_sid: string | null; changed_at: Date }[]
  >('SELECT * FROM sms_consent_changes WHERE account_id = ? AND phone = ? ORDER BY changed_at, id', [accountId, phone]);
  return rows.map((row) => ({
    previousConsent: row.previous_consent,
    consent: row.consent,
    source: row.source,
    keyword: row.keyword,
    messageSid: row.message_sid,
    changedAt: new Date(row.changed_at).toISOString(),
  }));
}
