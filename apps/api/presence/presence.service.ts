import { Inject, Injectable } from '@nestjs/common';
import { AGENT_PRESENCE_KEPT_MS, AGENT_TYPING_SHOWN_MS, AGENT_VIEWING_SHOWN_MS, agentsOnTicket, type AgentPresence } from '../../../libs/domain/agent-presence.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import { ApiError } from '../common/api-error.js';
import { assertTicketOfAccount } from '../tickets/ticket-ids.js';
import { ORM } from '../tokens.js';

/** What a beat does to the typing mark: set it for a few seconds, clear it, or leave it as it is. */
type TypingChange = 'start' | 'stop' | 'keep';

interface PresenceRow {
  user_id: string;
  name: string;
  seen_at: Date;
  typing_until: Date | null;
  database_now: Date;
}

/** The agent_presence rows (migration 0023): heartbeats of agents on ticket pages. */
@Injectable()
export class PresenceService {
  constructor(@Inject(ORM) private readonly orm: Orm) {}

  /** The caller is on the ticket page (and maybe typing). An upsert, so concurrent beats never conflict. */
  async beat(accountId: string, userId: string, ticketId: string, typing: boolean | undefined): Promise<void> {
    assertTicketOfAccount(ticketId, accountId);
    const change: TypingChange = typing === undefined ? 'keep' : typing ? 'start' : 'stop';
    const em = this.orm.em.fork();
    await this.sweep(ticketId);
    // INSERT … SELECT from tickets: a ticket that does not exist (yet) inserts nothing, which is the 404.
    const written = await em.execute<{ user_id: string }[]>(
      `INSERT INTO agent_presence (account_id, ticket_id, user_id, seen_at, typing_until)
       SELECT t.account_id, t.id, ?, now(), CASE WHEN ? = 'start' THEN now() + (? * interval '1 millisecond') END
       FROM tickets t WHERE t.id = ? AND t.account_id = ?
       ON CONFLICT (ticket_id, user_id) DO UPDATE SET
         seen_at = EXCLUDED.seen_at,
         typing_until = CASE ? WHEN 'start' THEN EXCLUDED.typing_until WHEN 'stop' THEN NULL ELSE agent_presence.typing_until END
       RETURNING user_id`,
      [userId, change, AGENT_TYPING_SHOWN_MS, ticketId, accountId, change],
    );
    if (written.length === 0) throw ApiError.notFound(`ticket ${ticketId} not found`);
  }

  /** The caller left the ticket page. Idempotent. */
  async leave(accountId: string, userId: string, ticketId: string): Promise<void> {
    await this.assertTicketExists(accountId, ticketId);
    await this.orm.em.fork().execute('DELETE FROM agent_presence WHERE ticket_id = ? AND user_id = ?', [ticketId, userId]);
    await this.sweep(ticketId);
  }

  /** The other agents on the ticket right now, as the database's clock (which stamped the beats) sees it. */
  async others(accountId: string, userId: string, ticketId: string): Promise<AgentPresence[]> {
    await this.assertTicketExists(accountId, ticketId);
    const rows = await this.orm.em.fork().execute<PresenceRow[]>(
      `SELECT p.user_id, u.name, p.seen_at, p.typing_until, now() AS database_now
       FROM agent_presence p JOIN users u ON u.id = p.user_id AND u.account_id = p.account_id
       WHERE p.ticket_id = ? AND p.account_id = ? AND p.user_id <> ? AND u.deactivated_at IS NULL
         AND p.seen_at > now() - (? * interval '1 millisecond')`,
      [ticketId, accountId, userId, AGENT_VIEWING_SHOWN_MS],
    );
    if (rows.length === 0) return [];
    const records = rows.map((row) => ({ userId: row.user_id, name: row.name, seenAt: new Date(row.seen_at), typingUntil: row.typing_until ? new Date(row.typing_until) : null }));
    return agentsOnTicket(records, userId, new Date(rows[0]!.database_now));
  }

  private async assertTicketExists(accountId: string, ticketId: string): Promise<void> {
    assertTicketOfAccount(ticketId, accountId);
    const [ticket] = await this.orm.em.fork().execute('SELECT 1 FROM tickets WHERE id = ? AND account_id = ?', [ticketId, accountId]);
    if (!ticket) throw ApiError.notFound(`ticket ${ticketId} not found`);
  }

  /** Keeps the table small without a schedule: a write on a ticket deletes its long-gone beats (bounded by the ticket). */
  private async sweep(ticketId: string): Promise<void> {
    await this.orm.em
      .fork()
      .execute(`DELETE FROM agent_presence WHERE ticket_id = ? AND seen_at < now() - (? * interval '1 millisecond')`, [ticketId, AGENT_PRESENCE_KEPT_MS]);
  }
}
