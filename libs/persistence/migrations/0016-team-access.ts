import { Migration } from '@mikro-orm/migrations';

/**
 * Team and access over HTTP (SPEC §10): passwords, browser sessions, invitations, password resets,
 * token expiry and revocation, deactivated users, and the audit log of administration. Every secret
 * (session, invitation and reset tokens) is stored as its SHA-256 hex only.
 */
export class Migration0016TeamAccess extends Migration {
  override name = '0016-team-access';

  override up(): void {
    this.addSql('ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz, ADD COLUMN revoked_at timestamptz, ADD COLUMN token_prefix text');
    this.addSql('ALTER TABLE users ADD COLUMN password_hash text, ADD COLUMN deactivated_at timestamptz, ADD COLUMN last_active_at timestamptz');
    this.addSql('CREATE INDEX users_email ON users (lower(email))');

    this.addSql(`
      CREATE TABLE sessions (
        id text PRIMARY KEY,
        account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
        csrf_hash text NOT NULL CHECK (csrf_hash ~ '^[0-9a-f]{64}$'),
        created_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        idle_expires_at timestamptz NOT NULL,
        absolute_expires_at timestamptz NOT NULL,
        ended_at timestamptz
      )`);
    this.addSql('CREATE INDEX sessions_user ON sessions (user_id) WHERE ended_at IS NULL');

    this.addSql(`
      CREATE TABLE invitations (
        id text PRIMARY KEY,
        account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        email text NOT NULL,
        role text NOT NULL,
        token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
        invited_by text REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        accepted_at timestamptz,
        accepted_user_id text REFERENCES users (id) ON DELETE SET NULL
      )`);
    this.addSql('CREATE INDEX invitations_account ON invitations (account_id, created_at)');

    this.addSql(`
      CREATE TABLE password_resets (
        id text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);

    this.addSql(`
      CREATE TABLE audit_log (
        seq bigserial PRIMARY KEY,
        id text NOT NULL UNIQUE,
        account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        actor_user_id text,
        action text NOT NULL,
        target text,
        details jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL
      )`);
    this.addSql('CREATE INDEX audit_log_account ON audit_log (account_id, seq DESC)');
  }

  override down(): void {
    this.addSql('DROP TABLE audit_log');
    this.addSql('DROP TABLE password_resets');
    this.addSql('DROP TABLE invitations');
    this.addSql('DROP TABLE sessions');
    this.addSql('DROP INDEX users_email');
    this.addSql('ALTER TABLE users DROP COLUMN password_hash, DROP COLUMN deactivated_at, DROP COLUMN last_active_at');
    this.addSql('ALTER TABLE api_tokens DROP COLUMN expires_at, DROP COLUMN revoked_at, DROP COLUMN token_prefix');
  }
}
