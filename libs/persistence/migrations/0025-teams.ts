import { Migration } from '@mikro-orm/migrations';

/**
 * Teams with capacity-aware auto-assignment (docs/teams.md). A team's members are users; each user has an
 * availability and a capacity (the most open tickets they hold). Routing rules are an ordered list per account
 * (`position` 0 first; the API keeps it 0..n-1): the first whose conditions match a new ticket names its team.
 * team_assignments is the audit of what a team's assigner did, one row per assignment it made, keyed by the
 * update id it sent the ticket, so a retried assignment is recorded once.
 */
export class Migration0025Teams extends Migration {
  override name = '0025-teams';

  override up(): void {
    this.addSql(`
      CREATE TABLE teams (
        id text PRIMARY KEY,
        account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        name text NOT NULL CHECK (btrim(name) <> ''),
        assignment_mode text NOT NULL DEFAULT 'round_robin' CHECK (assignment_mode IN ('round_robin', 'balanced')),
        auto_assign boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql('CREATE UNIQUE INDEX teams_account_name ON teams (account_id, lower(name))');
    this.addSql(`
      CREATE TABLE team_members (
        team_id text NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        position integer NOT NULL DEFAULT 0,
        PRIMARY KEY (team_id, user_id)
      )`);
    this.addSql('CREATE INDEX team_members_user ON team_members (user_id)');
    this.addSql(`
      CREATE TABLE team_routing_rules (
        id text PRIMARY KEY,
        account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        position integer NOT NULL CHECK (position >= 0),
        conditions jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(conditions) = 'object'),
        team_id text NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql('CREATE INDEX team_routing_rules_account_position ON team_routing_rules (account_id, position)');
    this.addSql(`
      ALTER TABLE users
        ADD COLUMN availability text NOT NULL DEFAULT 'online' CHECK (availability IN ('online', 'away', 'offline')),
        ADD COLUMN capacity integer NOT NULL DEFAULT 5 CHECK (capacity >= 0)`);
    this.addSql(`
      CREATE TABLE team_assignments (
        assignment_id text PRIMARY KEY,
        team_id text NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
        ticket_id text NOT NULL,
        user_id text NOT NULL,
        assigned_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql('CREATE INDEX team_assignments_team_assigned ON team_assignments (team_id, assigned_at DESC)');
    this.addSql('CREATE INDEX team_assignments_ticket ON team_assignments (ticket_id)');
  }

  override down(): void {
    this.addSql('DROP TABLE team_assignments');
    this.addSql('ALTER TABLE users DROP COLUMN availability, DROP COLUMN capacity');
    this.addSql('DROP TABLE team_routing_rules');
    this.addSql('DROP TABLE team_members');
    this.addSql('DROP TABLE teams');
  }
}
