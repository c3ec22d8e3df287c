import { Migration } from '@mikro-orm/migrations';

/**
 * Web chat: the conversations the chat API started (the visitor token names one of them; its ticket is
 * found through chat_conversations, keyed by the conversation id), and the offline follow-up emails sent.
 */
export class Migration0007WebChat extends Migration {
  override name = '0007-web-chat';

  override up(): void {
    this.addSql(`
      CREATE TABLE web_chat_conversations (
        id text PRIMARY KEY,
        account_id text NOT NULL,
        visitor_id text NOT NULL,
        visitor_name text,
        visitor_email text,
        created_at timestamptz NOT NULL,
        -- the ticket the conversation's messages went to (set by its first message)
        ticket_id text,
        last_heartbeat_at timestamptz,
        -- the widget said goodbye (page closed); a later heartbeat means the visitor is back
        visitor_left_at timestamptz,
        visitor_typing_until timestamptz,
        agent_typing_until timestamptz,
        -- what was last forwarded to the ticket workflow, to forward only news and a beat now and then
        last_signalled_at timestamptz,
        last_signalled_seen text
      )`);
    this.addSql('CREATE INDEX web_chat_conversations_visitor ON web_chat_conversations (account_id, visitor_id, created_at DESC)');
    this.addSql('CREATE INDEX web_chat_conversations_ticket ON web_chat_conversations (ticket_id)');

    this.addSql(`
      CREATE TABLE web_chat_follow_ups (
        id text PRIMARY KEY,
        account_id text NOT NULL,
        ticket_id text NOT NULL,
        recipient text NOT NULL,
        reply_ids text[] NOT NULL,
        sent_at timestamptz NOT NULL
      )`);
  }
}
