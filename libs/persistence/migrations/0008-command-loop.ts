import { Migration } from '@mikro-orm/migrations';

/**
 * The ticket command loop: inbound messages that could not be stored as they came are kept as rejected
 * (with the reason) instead of wedging their ticket; Idempotency-Keys of agent actions are remembered with a
 * fingerprint of their request, so a retry gets the same action's outcome and a reused key with another body is refused.
 */
export class Migration0008CommandLoop extends Migration {
  override name = '0008-command-loop';

  override up(): void {
    this.addSql('ALTER TABLE messages ADD COLUMN rejected_reason text');
    this.addSql(`
      CREATE TABLE idempotency_keys (
        account_id text NOT NULL,
        user_id text NOT NULL,
        key text NOT NULL,
        -- sha256 of the request (ticket, action and its fields): the same key with another request is refused
        request_fingerprint text NOT NULL,
        ticket_id text NOT NULL,
        action_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account_id, user_id, key)
      )`);
    this.addSql('CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)');
  }
}
