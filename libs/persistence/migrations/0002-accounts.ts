import { Migration } from '@mikro-orm/migrations';

/** Accounts (brands), their users with a role each, and API tokens (only their SHA-256 hash is stored). */
export class Migration0002Accounts extends Migration {
  override name = '0002-accounts';

  override up(): void {
    this.addSql(`
      CREATE TABLE accounts (
        id text PRIMARY KEY,
        name text NOT NULL,
        settings jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL
      )`);

    this.addSql(`
      CREATE TABLE users (
        id text PRIMARY KEY,
        account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        email text NOT NULL,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('owner', 'admin', 'manager', 'support', 'analyst', 'content_creator')),
        created_at timestamptz NOT NULL
      )`);
    this.addSql('CREATE UNIQUE INDEX users_account_email ON users (account_id, lower(email))');

    this.addSql(`
      CREATE TABLE api_tokens (
        id text PRIMARY KEY,
        account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        user_id text REFERENCES users (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('user', 'integration')),
        name text NOT NULL,
        token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
        created_at timestamptz NOT NULL,
        last_used_at timestamptz,
        CHECK ((kind = 'user') = (user_id IS NOT NULL))
      )`);
    this.addSql('CREATE INDEX api_tokens_account ON api_tokens (account_id)');
    this.addSql('CREATE INDEX api_tokens_user ON api_tokens (user_id)');
  }
}
