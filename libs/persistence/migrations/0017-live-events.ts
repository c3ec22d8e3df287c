import { Migration } from '@mikro-orm/migrations';

/**
 * Live updates for agents (GET /me/stream, docs/architecture.md "Live updates"): every change of the
 * `tickets`, `messages` and `ticket_reads` projections appends a row to `live_events` and notifies the
 * channel `live_events` with the account id; the API's listener then reads the account's new rows.
 *
 * The triggers are DEFERRED constraint triggers, so they run at commit time, and each first takes a
 * transaction-scoped advisory lock per account. The lock is taken just before the commit and held
 * until the commit is visible, so the ids of one account are assigned in commit order: a reader of
 * `id > cursor` can never skip an event of a transaction that committed later with a lower id (the
 * visible ids of an account are always a prefix of all its ids). The price is that the last step of
 * commits of one account's projection writes is serialised.
 *
 * `live_events_retention.purged_through` is the highest id housekeeping has deleted: a client
 * resuming from an id below it may have missed events and is told to refetch (`reset`).
 */
export class Migration0017LiveEvents extends Migration {
  override name = '0017-live-events';

  override up(): void {
    this.addSql(`
      CREATE TABLE live_events (
        id bigserial PRIMARY KEY,
        account_id text NOT NULL,
        kind text NOT NULL,
        ticket_id text,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    this.addSql('CREATE INDEX live_events_account ON live_events (account_id, id)');
    this.addSql('CREATE INDEX live_events_created ON live_events (created_at)');

    this.addSql(`
      CREATE TABLE live_events_retention (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        purged_through bigint NOT NULL DEFAULT 0
      )`);
    this.addSql('INSERT INTO live_events_retention (singleton, purged_through) VALUES (true, 0)');

    // One place appends: lock the account (see above), insert, notify (delivered at commit).
    this.addSql(`
      CREATE FUNCTION live_events_append(p_account_id text, p_kind text, p_ticket_id text, p_payload jsonb) RETURNS void
      LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtextextended('live_events:' || p_account_id, 0));
        INSERT INTO live_events (account_id, kind, ticket_id, payload, created_at)
        VALUES (p_account_id, p_kind, p_ticket_id, p_payload, clock_timestamp());
        PERFORM pg_notify('live_events', p_account_id);
      END $$`);

    this.addSql(`
      CREATE FUNCTION live_events_ticket() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD IS NOT DISTINCT FROM NEW THEN RETURN NULL; END IF;
        PERFORM live_events_append(NEW.account_id, 'ticket', NEW.id, jsonb_build_object(
          'ticketId', NEW.id,
          'channel', NEW.channel,
          'status', NEW.status,
          'previousStatus', CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END,
          'assigneeId', NEW.assignee_id,
          'previousAssigneeId', CASE WHEN TG_OP = 'UPDATE' THEN OLD.assignee_id END,
          'tags', to_jsonb(NEW.tags),
          'version', NEW.version,
          'created', TG_OP = 'INSERT',
          'updatedAt', to_char(NEW.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
        ));
        RETURN NULL;
      END $$`);
    this.addSql(`
      CREATE CONSTRAINT TRIGGER live_events_ticket AFTER INSERT OR UPDATE ON tickets
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION live_events_ticket()`);

    this.addSql(`
      CREATE FUNCTION live_events_message() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.delivery_status IS NOT DISTINCT FROM NEW.delivery_status THEN RETURN NULL; END IF;
        PERFORM live_events_append(NEW.account_id, 'message', NEW.ticket_id, jsonb_build_object(
          'ticketId', NEW.ticket_id,
          'messageId', NEW.id,
          'direction', NEW.direction,
          'deliveryStatus', NEW.delivery_status,
          'created', TG_OP = 'INSERT'
        ));
        RETURN NULL;
      END $$`);
    this.addSql(`
      CREATE CONSTRAINT TRIGGER live_events_message AFTER INSERT OR UPDATE ON messages
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION live_events_message()`);

    // ticket_reads has no account column: the ticket's row names the account.
    this.addSql(`
      CREATE FUNCTION live_events_read() RETURNS trigger
      LANGUAGE plpgsql AS $$
      DECLARE
        v_account_id text;
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.read_at IS NOT DISTINCT FROM NEW.read_at THEN RETURN NULL; END IF;
        SELECT account_id INTO v_account_id FROM tickets WHERE id = NEW.ticket_id;
        IF v_account_id IS NULL THEN RETURN NULL; END IF;
        PERFORM live_events_append(v_account_id, 'read', NEW.ticket_id, jsonb_build_object('ticketId', NEW.ticket_id, 'userId', NEW.user_id));
        RETURN NULL;
      END $$`);
    this.addSql(`
      CREATE CONSTRAINT TRIGGER live_events_read AFTER INSERT OR UPDATE ON ticket_reads
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION live_events_read()`);
  }

  override down(): void {
    this.addSql('DROP TRIGGER live_events_read ON ticket_reads');
    this.addSql('DROP TRIGGER live_events_message ON messages');
    this.addSql('DROP TRIGGER live_events_ticket ON tickets');
    this.addSql('DROP FUNCTION live_events_read()');
    this.addSql('DROP FUNCTION live_events_message()');
    this.addSql('DROP FUNCTION live_events_ticket()');
    this.addSql('DROP FUNCTION live_events_append(text, text, text, jsonb)');
    this.addSql('DROP TABLE live_events_retention');
    this.addSql('DROP TABLE live_events');
  }
}
