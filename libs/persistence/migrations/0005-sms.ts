import { Migration } from '@mikro-orm/migrations';

/**
 * The SMS channel: each account's Twilio connection, the SMS side of customer profiles (consent
 * with its history), our outbound sends (exactly-once bookkeeping), auto-responses (rate limit),
 * the brand's campaign/flow sends and the attribution of inbound texts to them, short links.
 */
export class Migration0005Sms extends Migration {
  override name = '0005-sms';

  override up(): void {
    this.addSql(`
      CREATE TABLE sms_channels (
        account_id text PRIMARY KEY,
        twilio_account_sid text NOT NULL,
        twilio_auth_token text NOT NULL,
        inbox_number text NOT NULL,
        updated_at timestamptz NOT NULL
      )`);

    this.addSql(`
      CREATE TABLE sms_profiles (
        account_id text NOT NULL,
        phone text NOT NULL,
        consent text NOT NULL CHECK (consent IN ('marketing', 'transactional', 'none')),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (account_id, phone)
      )`);

    this.addSql(`
      CREATE TABLE sms_consent_changes (
        id text PRIMARY KEY,
        account_id text NOT NULL,
        phone text NOT NULL,
        previous_consent text NOT NULL,
        consent text NOT NULL,
        source text NOT NULL CHECK (source IN ('keyword', 'integration')),
        keyword text,
        message_sid text,
        changed_at timestamptz NOT NULL,
        UNIQUE (account_id, message_sid)
      )`);
    this.addSql('CREATE INDEX sms_consent_changes_profile ON sms_consent_changes (account_id, phone, changed_at)');

    this.addSql(`
      CREATE TABLE sms_outbound (
        message_id text PRIMARY KEY,
        account_id text NOT NULL,
        to_number text NOT NULL,
        from_number text NOT NULL,
        body_sent text NOT NULL,
        twilio_sid text UNIQUE,
        attempt_started_at timestamptz NOT NULL,
        accepted_at timestamptz
      )`);

    this.addSql(`
      CREATE TABLE sms_auto_responses (
        message_id text PRIMARY KEY,
        account_id text NOT NULL,
        phone text NOT NULL,
        ticket_id text NOT NULL,
        in_reply_to_message_id text NOT NULL,
        decided_at timestamptz NOT NULL
      )`);
    this.addSql('CREATE INDEX sms_auto_responses_sender ON sms_auto_responses (account_id, phone, decided_at DESC)');

    this.addSql(`
      CREATE TABLE sms_marketing_sends (
        id text PRIMARY KEY,
        account_id text NOT NULL,
        phone text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('campaign', 'flow')),
        source_id text NOT NULL,
        message_sid text,
        sent_at timestamptz NOT NULL,
        status text,
        error_code text,
        created_at timestamptz NOT NULL,
        UNIQUE (account_id, message_sid)
      )`);
    this.addSql('CREATE INDEX sms_marketing_sends_recipient ON sms_marketing_sends (account_id, phone, sent_at DESC)');

    this.addSql(`
      CREATE TABLE sms_attributions (
        message_id text PRIMARY KEY,
        account_id text NOT NULL,
        reason text NOT NULL,
        send_id text,
        kind text,
        source_id text,
        sent_at timestamptz
      )`);

    this.addSql(`
      CREATE TABLE sms_team_notifications (
        message_id text PRIMARY KEY,
        sent_at timestamptz NOT NULL
      )`);

    this.addSql(`
      CREATE TABLE sms_short_links (
        code text PRIMARY KEY,
        account_id text NOT NULL,
        message_id text NOT NULL,
        url text NOT NULL,
        clicks integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL,
        last_clicked_at timestamptz
      )`);
    this.addSql('CREATE INDEX sms_short_links_message ON sms_short_links (message_id)');
  }
}
