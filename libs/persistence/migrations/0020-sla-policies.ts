import { Migration } from '@mikro-orm/migrations';

/**
 * SLA policies (docs/service-levels.md, "SLA policies"): an ordered list per account, the first enabled
 * policy whose conditions match a ticket applies. `position` orders the list (0 first; the API keeps it
 * 0..n-1). conditions, targets, on_warning and on_breach are the JSON of libs/domain/sla-policies.ts, validated
 * by the API (validateSlaPolicy) before they are stored; calendar ids in targets name rows of business_calendars
 * (migration 0018) and user ids rows of users, both checked by the API, not by foreign keys (they sit in JSON).
 * Names are unique per account regardless of case, like calendars' names.
 */
export class Migration0020SlaPolicies extends Migration {
  override name = '0020-sla-policies';

  override up(): void {
    this.addSql(`
      CREATE TABLE sla_policies (
        id text PRIMARY KEY,
        account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        position integer NOT NULL CHECK (position >= 0),
        name text NOT NULL CHECK (btrim(name) <> ''),
        enabled boolean NOT NULL DEFAULT true,
        conditions jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(conditions) = 'object'),
        targets jsonb NOT NULL CHECK (jsonb_typeof(targets) = 'object'),
        pause_while_snoozed boolean NOT NULL DEFAULT false,
        warn_at_percent smallint NOT NULL DEFAULT 80 CHECK (warn_at_percent BETWEEN 1 AND 99),
        on_warning jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(on_warning) = 'array'),
        on_breach jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(on_breach) = 'array'),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql('CREATE UNIQUE INDEX sla_policies_account_name ON sla_policies (account_id, lower(name))');
    this.addSql('CREATE INDEX sla_policies_account_position ON sla_policies (account_id, position)');
  }

  override down(): void {
    this.addSql('DROP TABLE sla_policies');
  }
}
