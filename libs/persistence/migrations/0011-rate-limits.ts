import { Migration } from '@mikro-orm/migrations';

/**
 * Rate limits shared by every API process (apps/api/rate-limits): one fixed-window counter per limit and
 * client, in the schema of rate-limiter-flexible's PostgreSQL store (`expire` in epoch milliseconds; the
 * library deletes expired rows itself). Housekeeping deletes chat conversations that never got a message,
 * found through the partial index.
 */
export class Migration0011RateLimits extends Migration {
  override name = '0011-rate-limits';

  override up(): void {
    this.addSql('CREATE TABLE rate_limit_counters (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)');
    this.addSql('CREATE INDEX web_chat_conversations_without_message ON web_chat_conversations (created_at) WHERE ticket_id IS NULL');
  }

  override down(): void {
    this.addSql('DROP INDEX web_chat_conversations_without_message');
    this.addSql('DROP TABLE rate_limit_counters');
  }
}
