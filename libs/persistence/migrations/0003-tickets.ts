import { Migration } from '@mikro-orm/migrations';

/** Projections of ticket workflows: what agents list, filter and read. The workflows are the source of truth. */
export class Migration0003Tickets extends Migration {
  override name = '0003-tickets';

  override up(): void {
    this.addSql(`
      CREATE TABLE tickets (
        id text PRIMARY KEY,
        account_id text NOT NULL,
        channel text NOT NULL CHECK (channel IN ('web_chat', 'email', 'sms')),
        status text NOT NULL CHECK (status IN ('open', 'snoozed', 'closed')),
        assignee_id text,
        tags text[] NOT NULL DEFAULT '{}',
        subject text,
        customer_name text,
        customer_phone text,
        customer_email text,
        customer_visitor_id text,
        snoozed_until timestamptz,
        unread_since timestamptz,
        last_inbound_at timestamptz,
        first_agent_reply_at timestamptz,
        message_count integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        closed_at timestamptz,
        version integer NOT NULL
      )`);
    this.addSql('CREATE INDEX tickets_account_updated ON tickets (account_id, updated_at DESC, id DESC)');
    this.addSql('CREATE INDEX tickets_account_created ON tickets (account_id, created_at DESC, id DESC)');
    this.addSql('CREATE INDEX tickets_account_status_assignee ON tickets (account_id, status, assignee_id)');
    this.addSql('CREATE INDEX tickets_tags ON tickets USING gin (tags)');

    this.addSql(`
      CREATE TABLE messages (
        id text PRIMARY KEY,
        ticket_id text NOT NULL REFERENCES tickets (id),
        account_id text NOT NULL,
        direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
        author_user_id text,
        body text NOT NULL,
        subject text,
        external_id text,
        delivery_status text CHECK (delivery_status IN ('pending', 'queued', 'sent', 'delivered', 'failed', 'undelivered')),
        delivery_error text,
        recorded_at_version integer NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    this.addSql('CREATE INDEX messages_ticket_created ON messages (ticket_id, created_at DESC, id DESC)');

    this.addSql(`
      CREATE TABLE ticket_events (
        id text PRIMARY KEY,
        ticket_id text NOT NULL,
        account_id text NOT NULL,
        type text NOT NULL,
        actor_user_id text,
        detail jsonb NOT NULL DEFAULT '{}',
        occurred_at timestamptz NOT NULL
      )`);
    this.addSql('CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, occurred_at)');

    this.addSql(`
      CREATE TABLE notifications (
        id text PRIMARY KEY,
        account_id text NOT NULL,
        user_id text NOT NULL,
        ticket_id text NOT NULL,
        type text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL,
        read_at timestamptz
      )`);
    this.addSql('CREATE INDEX notifications_user ON notifications (account_id, user_id, created_at DESC)');

    this.addSql(`
      CREATE TABLE ticket_reads (
        ticket_id text NOT NULL,
        user_id text NOT NULL,
        read_at timestamptz NOT NULL,
        PRIMARY KEY (ticket_id, user_id)
      )`);

    this.addSql(`
      CREATE TABLE chat_conversations (
        account_id text NOT NULL,
        conversation_key text NOT NULL,
        ticket_id text NOT NULL,
        PRIMARY KEY (account_id, conversation_key)
      )`);

    this.addSql(`
      CREATE TABLE saved_views (
        id text PRIMARY KEY,
        account_id text NOT NULL,
        owner_user_id text NOT NULL,
        name text NOT NULL,
        shared boolean NOT NULL DEFAULT false,
        filters jsonb NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    this.addSql('CREATE INDEX saved_views_account ON saved_views (account_id, owner_user_id)');
  }
}
