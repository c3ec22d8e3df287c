import { Migration } from '@mikro-orm/migrations';

/**
 * Customer context (SPEC §6): one profile per person and account, found by its identifiers (an E.164
 * phone, a lower-cased email, an integration's external id, a web-chat visitor id); the profile a
 * ticket belongs to; a profile's events, and saved filtered views of them.
 *
 * A profile joined into another (an anonymous chat visitor who then gave an email held by a profile)
 * keeps its row with `merged_into`, so tickets that still name it lead to the surviving profile.
 * Profiles are written with the ticket's projection, so, like tickets, they do not depend on the accounts
 * table. Existing tickets (of accounts that exist) get a profile from their customer's phone, else email, else visitor id.
 */
export class Migration0013CustomerProfiles extends Migration {
  override name = '0013-customer-profiles';

  override up(): void {
    this.addSql(`
      CREATE TABLE profiles (
        id text PRIMARY KEY,
        account_id text NOT NULL,
        name text,
        merged_into text REFERENCES profiles (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql('CREATE INDEX profiles_account_name ON profiles (account_id, lower(name) text_pattern_ops) WHERE merged_into IS NULL');
    this.addSql('CREATE INDEX profiles_merged_into ON profiles (merged_into) WHERE merged_into IS NOT NULL');
    this.addSql(`
      CREATE TABLE profile_identifiers (
        account_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('email', 'phone', 'external_id', 'visitor')),
        value text NOT NULL,
        profile_id text NOT NULL REFERENCES profiles (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, kind, value)
      )`);
    this.addSql('CREATE INDEX profile_identifiers_profile ON profile_identifiers (profile_id)');
    this.addSql('CREATE INDEX profile_identifiers_value_prefix ON profile_identifiers (account_id, value text_pattern_ops)');

    this.addSql('ALTER TABLE tickets ADD COLUMN profile_id text REFERENCES profiles (id)');
    this.addSql('CREATE INDEX tickets_profile ON tickets (profile_id, created_at DESC, id DESC) WHERE profile_id IS NOT NULL');

    this.addSql(`
      CREATE TABLE profile_events (
        id text PRIMARY KEY,
        account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        profile_id text NOT NULL REFERENCES profiles (id),
        metric text NOT NULL,
        occurred_at timestamptz NOT NULL,
        value numeric,
        properties jsonb NOT NULL DEFAULT '{}',
        unique_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql('CREATE INDEX profile_events_profile_time ON profile_events (profile_id, occurred_at DESC, id DESC)');
    this.addSql('CREATE INDEX profile_events_profile_metric_time ON profile_events (profile_id, metric, occurred_at DESC, id DESC)');
    this.addSql(`
      CREATE TABLE event_views (
        id text PRIMARY KEY,
        account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        owner_user_id text NOT NULL,
        name text NOT NULL,
        shared boolean NOT NULL DEFAULT false,
        metrics text[] NOT NULL DEFAULT '{}',
        period jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql('CREATE INDEX event_views_account ON event_views (account_id, created_at)');

    // Existing tickets: one profile per identifier their customers wrote in with.
    this.addSql(`
      WITH identified AS (
        SELECT id AS ticket_id, account_id, customer_name, created_at,
               CASE WHEN customer_phone IS NOT NULL THEN 'phone' WHEN customer_email IS NOT NULL THEN 'email' ELSE 'visitor' END AS kind,
               COALESCE(customer_phone, lower(customer_email), customer_visitor_id) AS value
        FROM tickets
        WHERE COALESCE(customer_phone, customer_email, customer_visitor_id) IS NOT NULL AND account_id IN (SELECT id FROM accounts)
      ), people AS (
        SELECT account_id, kind, value, 'prof-' || md5(account_id || E'\\n' || kind || E'\\n' || value) AS profile_id,
               (array_agg(customer_name ORDER BY created_at DESC) FILTER (WHERE customer_name IS NOT NULL))[1] AS name,
               min(created_at) AS created_at
        FROM identified GROUP BY account_id, kind, value
      ), inserted AS (
        INSERT INTO profiles (id, account_id, name, created_at, updated_at)
        SELECT profile_id, account_id, name, created_at, created_at FROM people
        RETURNING id
      )
      INSERT INTO profile_identifiers (account_id, kind, value, profile_id, created_at)
      SELECT account_id, kind, value, profile_id, created_at FROM people`);
    this.addSql(`
      UPDATE tickets SET profile_id = 'prof-' || md5(account_id || E'\\n' ||
        CASE WHEN customer_phone IS NOT NULL THEN 'phone' WHEN customer_email IS NOT NULL THEN 'email' ELSE 'visitor' END || E'\\n' ||
        COALESCE(customer_phone, lower(customer_email), customer_visitor_id))
      WHERE COALESCE(customer_phone, customer_email, customer_visitor_id) IS NOT NULL AND account_id IN (SELECT id FROM accounts)`);
  }

  override down(): void {
    this.addSql('DROP TABLE event_views');
    this.addSql('DROP TABLE profile_events');
    this.addSql('ALTER TABLE tickets DROP COLUMN profile_id');
    this.addSql('DROP TABLE profile_identifiers');
    this.addSql('DROP TABLE profiles');
  }
}
