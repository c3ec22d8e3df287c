import { Migration } from '@mikro-orm/migrations';
import { normalisePhoneNumber } from '../../domain/phone.js';

/** Runs one SQL statement with `?` parameters; every call must run in the same transaction (temporary tables). */
export type ExecuteSql = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

export interface PhoneNumberRewrite {
  /** Stored numbers that the parser now writes differently (old form → new form). */
  rewritten: Record<string, string>;
  /** Stored numbers the parser now refuses (e.g. `+10115550100`); they are left as they are. */
  refused: string[];
}

/** Every column that holds an E.164 number. */
const PHONE_COLUMNS: ReadonlyArray<{ table: string; column: string }> = [
  { table: 'sms_channels', column: 'inbox_number' },
  { table: 'sms_profiles', column: 'phone' },
  { table: 'sms_consent_changes', column: 'phone' },
  { table: 'sms_outbound', column: 'to_number' },
  { table: 'sms_outbound', column: 'from_number' },
  { table: 'sms_auto_responses', column: 'phone' },
  { table: 'sms_marketing_sends', column: 'phone' },
  { table: 'tickets', column: 'customer_phone' },
];

/** Least permissive first: when two merged profiles changed at the same instant, the stricter consent wins. */
const CONSENT_RANK = `CASE c.consent WHEN 'none' THEN 0 WHEN 'transactional' THEN 1 ELSE 2 END`;

/**
 * Phone numbers move from the hand-written parser's normal form to libphonenumber-js's (docs/sms.md,
 * "Phone numbers"): `+4402079460000` becomes `+442079460000`, `+49030…` becomes `+4930…`. SQL cannot
 * parse numbers, so `up()` reads the distinct stored numbers, parses them with the same
 * `normalisePhoneNumber` the API uses and rewrites the ones that differ, all in the migration's
 * transaction:
 *
 * - profiles that become one number merge: the most recently updated one's consent is kept (the
 *   stricter on a tie), with the earliest `created_at`; both consent histories stay, under the new number;
 * - sends, auto-responses, outbound attempts, the inbox's own number and tickets' `customer_phone` are
 *   rewritten in place;
 * - an SMS ticket's workflow id is an HMAC of the number it was first keyed by, which a migration cannot
 *   recompute (no secret) and Temporal cannot rename. So `sms_ticket_aliases` maps the new number to
 *   the existing ticket, and ingestion sends the person's next text there, unless a ticket keyed by the
 *   new form already exists (it is the one the new key names anyway).
 */
export class Migration0009PhoneNumbers extends Migration {
  override name = '0009-phone-numbers';

  override async up(): Promise<void> {
    await this.execute(`
      CREATE TABLE sms_ticket_aliases (
        account_id text NOT NULL,
        phone text NOT NULL,
        ticket_id text NOT NULL,
        PRIMARY KEY (account_id, phone)
      )`);
    await rewritePhoneNumbers((sql, params) => this.execute(sql, params));
  }
}

/** The data part of the migration, separate so that a test can run it on rows written in the old form. */
export async function rewritePhoneNumbers(execute: ExecuteSql): Promise<PhoneNumberRewrite> {
  const stored = await execute(
    PHONE_COLUMNS.map(({ table, column }) => `SELECT ${column} AS phone FROM ${table} WHERE ${column} IS NOT NULL`).join(' UNION '),
  );
  const rewritten: Record<string, string> = {};
  const refused: string[] = [];
  for (const { phone } of stored as { phone: string }[]) {
    const parsed = normalisePhoneNumber(phone);
    if (!parsed.ok) refused.push(phone);
    else if (parsed.e164 !== phone) rewritten[phone] = parsed.e164;
  }
  if (Object.keys(rewritten).length === 0) return { rewritten, refused };

  await execute('CREATE TEMPORARY TABLE phone_rewrites (old_phone text PRIMARY KEY, new_phone text NOT NULL) ON COMMIT DROP');
  await execute('INSERT INTO phone_rewrites (old_phone, new_phone) SELECT key, value FROM jsonb_each_text(?::jsonb)', [JSON.stringify(rewritten)]);

  // Before tickets are rewritten: a ticket still shows the number its workflow id was derived from.
  await execute(`
    INSERT INTO sms_ticket_aliases (account_id, phone, ticket_id)
    SELECT DISTINCT ON (t.account_id, r.new_phone) t.account_id, r.new_phone, t.id
      FROM tickets t JOIN phone_rewrites r ON r.old_phone = t.customer_phone
     WHERE t.channel = 'sms'
       AND NOT EXISTS (SELECT 1 FROM tickets n WHERE n.account_id = t.account_id AND n.channel = 'sms' AND n.customer_phone = r.new_phone)
     ORDER BY t.account_id, r.new_phone, t.last_inbound_at DESC NULLS LAST, t.updated_at DESC, t.id
    ON CONFLICT DO NOTHING`);

  await execute(`
    CREATE TEMPORARY TABLE merged_sms_profiles ON COMMIT DROP AS
    WITH candidates AS (
      SELECT p.account_id, COALESCE(r.new_phone, p.phone) AS phone, p.consent, p.created_at, p.updated_at
        FROM sms_profiles p LEFT JOIN phone_rewrites r ON r.old_phone = p.phone
    ), touched AS (
      SELECT DISTINCT p.account_id, r.new_phone AS phone FROM sms_profiles p JOIN phone_rewrites r ON r.old_phone = p.phone
    )
    SELECT DISTINCT ON (c.account_id, c.phone) c.account_id, c.phone, c.consent,
           min(c.created_at) OVER profile AS created_at, max(c.updated_at) OVER profile AS updated_at
      FROM candidates c JOIN touched USING (account_id, phone)
    WINDOW profile AS (PARTITION BY c.account_id, c.phone)
     ORDER BY c.account_id, c.phone, c.updated_at DESC, ${CONSENT_RANK}`);
  await execute('DELETE FROM sms_profiles p USING phone_rewrites r WHERE p.phone = r.old_phone');
  await execute('DELETE FROM sms_profiles p USING merged_sms_profiles m WHERE p.account_id = m.account_id AND p.phone = m.phone');
  await execute(`
    INSERT INTO sms_profiles (account_id, phone, consent, created_at, updated_at)
    SELECT account_id, phone, consent, created_at, updated_at FROM merged_sms_profiles`);

  for (const { table, column } of PHONE_COLUMNS) {
    if (table === 'sms_profiles') continue;
    await execute(`UPDATE ${table} x SET ${column} = r.new_phone FROM phone_rewrites r WHERE x.${column} = r.old_phone`);
  }
  return { rewritten, refused };
}
