import { Migration } from '@mikro-orm/migrations';

/**
 * Customer satisfaction surveys (docs/service-levels.md, "CSAT"): one row per survey a closed ticket sent (the
 * ticket workflow decides; its activity writes the row). The customer answers through a link or the chat
 * widget with the raw token, of which only the SHA-256 is kept; the answer (1–5 and a comment) is stored on the
 * row. `closed_by_user_id` is the agent whose close sent it (reports per agent).
 */
export class Migration0022Csat extends Migration {
  override name = '0022-csat';

  override up(): void {
    this.addSql(`
      CREATE TABLE csat_surveys (
        id text PRIMARY KEY,
        account_id text NOT NULL,
        ticket_id text NOT NULL,
        channel text NOT NULL CHECK (channel IN ('web_chat', 'email', 'sms')),
        token_hash text NOT NULL UNIQUE,
        closed_by_user_id text,
        sent_at timestamptz NOT NULL,
        score smallint CHECK (score BETWEEN 1 AND 5),
        comment text,
        answered_at timestamptz,
        CHECK ((score IS NULL) = (answered_at IS NULL))
      )`);
    this.addSql('CREATE INDEX csat_surveys_ticket ON csat_surveys (ticket_id, sent_at DESC)');
    this.addSql('CREATE INDEX csat_surveys_account_sent ON csat_surveys (account_id, sent_at)');
  }

  override down(): void {
    this.addSql('DROP TABLE csat_surveys');
  }
}
