import { Migration } from '@mikro-orm/migrations';

/**
 * The email channel: which thread every Message-ID we have seen (theirs and ours) belongs to, the
 * email side of each message (full text, sanitised HTML, threading headers, the raw message) and
 * attachments, kept in the database like the rest of a ticket so backups and access rules cover them.
 */
export class Migration0006Email extends Migration {
  override name = '0006-email';

  override up(): void {
    this.addSql(`
      CREATE TABLE email_message_ids (
        account_id text NOT NULL,
        message_id_key text NOT NULL,
        thread_key text NOT NULL,
        PRIMARY KEY (account_id, message_id_key)
      )`);

    this.addSql(`
      CREATE TABLE email_messages (
        message_id text PRIMARY KEY,
        account_id text NOT NULL,
        ticket_id text NOT NULL,
        thread_key text NOT NULL,
        direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
        rfc_message_id text NOT NULL,
        in_reply_to text,
        reference_ids text[] NOT NULL DEFAULT '{}',
        from_address text,
        from_name text,
        sender_source text,
        to_addresses text[] NOT NULL DEFAULT '{}',
        cc_addresses text[] NOT NULL DEFAULT '{}',
        support_address text,
        subject text,
        text_body text,
        html_body text,
        automated_reasons text[] NOT NULL DEFAULT '{}',
        raw bytea,
        send_state text CHECK (send_state IN ('sending', 'sent')),
        created_at timestamptz NOT NULL
      )`);
    this.addSql('CREATE INDEX email_messages_ticket ON email_messages (ticket_id, direction, created_at DESC)');

    this.addSql(`
      CREATE TABLE email_attachments (
        id text PRIMARY KEY,
        account_id text NOT NULL,
        message_id text NOT NULL REFERENCES email_messages (message_id) ON DELETE CASCADE,
        position integer NOT NULL,
        filename text,
        content_type text NOT NULL,
        size_bytes integer NOT NULL,
        content_id text,
        inline boolean NOT NULL,
        content bytea NOT NULL,
        UNIQUE (message_id, position)
      )`);
  }
}
