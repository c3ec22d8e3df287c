import { Migration } from '@mikro-orm/migrations';

/** The embedded default's outbound mail catcher: what would have been sent, for a newcomer to see. */
export class Migration0004Mailbox extends Migration {
  override name = '0004-mailbox';

  override up(): void {
    this.addSql(`
      CREATE TABLE caught_mail (
        id text PRIMARY KEY,
        account_id text,
        message_id text NOT NULL,
        envelope_from text,
        envelope_to text[] NOT NULL,
        subject text,
        text_body text,
        html_body text,
        headers jsonb NOT NULL DEFAULT '{}',
        raw text NOT NULL,
        caught_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql('CREATE INDEX caught_mail_account ON caught_mail (account_id, caught_at DESC)');
  }
}
