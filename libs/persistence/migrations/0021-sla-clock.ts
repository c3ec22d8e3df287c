import { Migration } from '@mikro-orm/migrations';

/**
 * The SLA clock's projections (docs/service-levels.md, "The SLA clock"), written by the ticket activities from
 * the workflow's state:
 * - on tickets, the summary views filter and sort on: the policy in force, the next deadline (sla_due_at), since
 *   when the ticket is at risk (its earliest warning) and since when it is in breach;
 * - ticket_sla_clocks, one row per timed target of a ticket (a first response, each next response, each
 *   resolution), from start to met or cancelled, for reports; `version` is the ticket's, so a row only moves forward;
 * - sent_notification_emails, the SLA alert emails already sent (a retried activity does not send one twice).
 */
export class Migration0021SlaClock extends Migration {
  override name = '0021-sla-clock';

  override up(): void {
    this.addSql('ALTER TABLE tickets ADD COLUMN sla_policy_id text, ADD COLUMN sla_due_at timestamptz, ADD COLUMN sla_at_risk_from timestamptz, ADD COLUMN sla_breached_at timestamptz');
    // The expression is the sort key of `sort=slaDue` (SLA_DUE_SORT_KEY): tickets without a deadline last.
    this.addSql(`CREATE INDEX tickets_account_sla_due ON tickets (account_id, (COALESCE(sla_due_at, '9999-12-31T00:00:00Z'::timestamptz)), id)`);
    this.addSql(`
      CREATE TABLE ticket_sla_clocks (
        ticket_id text NOT NULL,
        clock_id text NOT NULL,
        account_id text NOT NULL,
        policy_id text,
        policy_name text,
        target text NOT NULL CHECK (target IN ('first_response', 'next_response', 'resolution')),
        minutes integer NOT NULL,
        calendar_id text,
        started_at timestamptz NOT NULL,
        due_at timestamptz,
        warned_at timestamptz,
        breached_at timestamptz,
        ended_at timestamptz,
        outcome text NOT NULL CHECK (outcome IN ('running', 'paused', 'met', 'cancelled')),
        ended_by_user_id text,
        version integer NOT NULL,
        PRIMARY KEY (ticket_id, clock_id)
      )`);
    this.addSql('CREATE INDEX ticket_sla_clocks_account_started ON ticket_sla_clocks (account_id, started_at)');
    this.addSql('CREATE TABLE sent_notification_emails (id text PRIMARY KEY, sent_at timestamptz NOT NULL)');
  }

  override down(): void {
    this.addSql('DROP TABLE sent_notification_emails');
    this.addSql('DROP TABLE ticket_sla_clocks');
    this.addSql('DROP INDEX tickets_account_sla_due');
    this.addSql('ALTER TABLE tickets DROP COLUMN sla_policy_id, DROP COLUMN sla_due_at, DROP COLUMN sla_at_risk_from, DROP COLUMN sla_breached_at');
  }
}
