import { Migration } from '@mikro-orm/migrations';

/**
 * Macros (docs/macros.md): saved replies with variables and actions, personal (the owner's) or shared in the
 * account. Names are unique regardless of case: a personal one among its owner's personal macros, a shared one
 * among the account's shared macros. `macro_uses` records each applied action once, so the usage count goes
 * up once per action id however often its request is retried; `macro_requests` keeps the action a request
 * with an Idempotency-Key was given, so a retry sends the very same action (a snooze's deadline included).
 */
export class Migration0024Macros extends Migration {
  override name = '0024-macros';

  override up(): void {
    this.addSql(`
      CREATE TABLE macros (
        id text PRIMARY KEY,
        account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        owner_user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        shared boolean NOT NULL DEFAULT false,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        reply text,
        actions jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(actions) = 'array'),
        usage_count integer NOT NULL DEFAULT 0,
        last_used_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    this.addSql('CREATE UNIQUE INDEX macros_personal_name ON macros (owner_user_id, lower(name)) WHERE NOT shared');
    this.addSql('CREATE UNIQUE INDEX macros_shared_name ON macros (account_id, lower(name)) WHERE shared');
    this.addSql('CREATE INDEX macros_account ON macros (account_id, shared)');

    this.addSql(`
      CREATE TABLE macro_uses (
        action_id text PRIMARY KEY,
        macro_id text NOT NULL REFERENCES macros (id) ON DELETE CASCADE,
        account_id text NOT NULL,
        ticket_id text NOT NULL,
        user_id text NOT NULL,
        used_at timestamptz NOT NULL
      )`);
    this.addSql('CREATE INDEX macro_uses_macro ON macro_uses (macro_id, used_at)');

    this.addSql(`
      CREATE TABLE macro_requests (
        account_id text NOT NULL,
        user_id text NOT NULL,
        idempotency_key text NOT NULL,
        macro_id text NOT NULL,
        ticket_id text NOT NULL,
        action jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (account_id, user_id, idempotency_key)
      )`);
  }

  override down(): void {
    this.addSql('DROP TABLE macro_requests');
    this.addSql('DROP TABLE macro_uses');
    this.addSql('DROP TABLE macros');
  }
}
