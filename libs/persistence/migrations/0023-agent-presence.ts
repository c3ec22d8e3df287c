import { Migration } from '@mikro-orm/migrations';

/**
 * Agent presence on a ticket (docs/console.md, "Presence"): the last heartbeat of each agent who has the
 * ticket open, and until when they count as typing. Ephemeral: a row is upserted on every beat, deleted when
 * the agent leaves the page, and rows older than an hour are deleted by the next write on the same ticket.
 */
export class Migration0023AgentPresence extends Migration {
  override name = '0023-agent-presence';

  override up(): void {
    this.addSql(`
      CREATE TABLE agent_presence (
        account_id text NOT NULL,
        ticket_id text NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        seen_at timestamptz NOT NULL,
        typing_until timestamptz,
        PRIMARY KEY (ticket_id, user_id)
      )`);
    this.addSql('CREATE INDEX agent_presence_account ON agent_presence (account_id, seen_at)');
  }

  override down(): void {
    this.addSql('DROP TABLE agent_presence');
  }
}
