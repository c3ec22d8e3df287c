import { Inject, Injectable } from '@nestjs/common';
import { hashCsatToken } from '../../../libs/csat/csat-tokens.js';
import type { Channel } from '../../../libs/domain/channel-policy.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import { ApiError } from '../common/api-error.js';
import { assertTicketOfAccount } from '../tickets/ticket-ids.js';
import { ORM } from '../tokens.js';

/** What a survey link may look like (csatToken makes 43 base64url characters); anything else is not looked up. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,128}$/;

export interface CsatAnswer {
  score: number;
  comment: string | null;
  answeredAt: string;
}

export interface SurveyOfToken {
  id: string;
  accountId: string;
  accountName: string;
  answer: CsatAnswer | null;
}

export interface TicketSurvey {
  id: string;
  channel: Channel;
  sentAt: string;
  score: number | null;
  comment: string | null;
  answeredAt: string | null;
}

interface SurveyRow {
  id: string;
  account_id: string;
  channel: Channel;
  sent_at: Date;
  score: number | null;
  comment: string | null;
  answered_at: Date | null;
}

const answerOf = (row: Pick<SurveyRow, 'score' | 'comment' | 'answered_at'>): CsatAnswer | null =>
  row.score === null || row.answered_at === null ? null : { score: row.score, comment: row.comment, answeredAt: new Date(row.answered_at).toISOString() };

/** The csat_surveys rows (migration 0022): found by the hash of the customer's link token, or by ticket for agents. */
@Injectable()
export class CsatService {
  constructor(@Inject(ORM) private readonly orm: Orm) {}

  /** The survey a link names, or null for an unknown or malformed token (the caller answers 404 either way). */
  async findByToken(token: string): Promise<SurveyOfToken | null> {
    if (!TOKEN_SHAPE.test(token)) return null;
    const [row] = await this.orm.em.fork().execute<(SurveyRow & { account_name: string })[]>(
      `SELECT s.id, s.account_id, s.score, s.comment, s.answered_at, a.name AS account_name
       FROM csat_surveys s JOIN accounts a ON a.id = s.account_id
       WHERE s.token_hash = ?`,
      [hashCsatToken(token)],
    );
    return row ? { id: row.id, accountId: row.account_id, accountName: row.account_name, answer: answerOf(row) } : null;
  }

  /** Stores the answer on the survey; a second answer replaces the first. Null when the token names no survey. */
  async answer(token: string, score: number, comment: string | null): Promise<CsatAnswer | null> {
    if (!TOKEN_SHAPE.test(token)) return null;
    const [row] = await this.orm.em.fork().execute<SurveyRow[]>(
      'UPDATE csat_surveys SET score = ?, comment = ?, answered_at = ? WHERE token_hash = ? RETURNING score, comment, answered_at',
      [score, comment, new Date(), hashCsatToken(token)],
    );
    return row ? answerOf(row) : null;
  }

  /** A ticket's surveys, newest first; another account's ticket or a missing one is a 404. */
  async ticketSurveys(accountId: string, ticketId: string): Promise<TicketSurvey[]> {
    assertTicketOfAccount(ticketId, accountId);
    const em = this.orm.em.fork();
    const [ticket] = await em.execute<{ id: string }[]>('SELECT id FROM tickets WHERE id = ? AND account_id = ?', [ticketId, accountId]);
    if (!ticket) throw ApiError.notFound(`ticket ${ticketId} not found`);
    const rows = await em.execute<SurveyRow[]>(
      `SELECT id, account_id, channel, sent_at, score, comment, answered_at
       FROM csat_surveys WHERE ticket_id = ? AND account_id = ? ORDER BY sent_at DESC, id DESC`,
      [ticketId, accountId],
    );
    return rows.map((row) => ({
      id: row.id,
      channel: row.channel,
      sentAt: new Date(row.sent_at).toISOString(),
      score: row.score,
      comment: row.comment,
      answeredAt: row.answered_at === null ? null : new Date(row.answered_at).toISOString(),
    }));
  }

  /** The chat widget's rating: the survey by its id within the conversation's ticket; null when the ticket has no such survey. */
  async answerInTicket(ticketId: string, surveyId: string, score: number, comment: string | null): Promise<CsatAnswer | null> {
    const [row] = await this.orm.em.fork().execute<SurveyRow[]>(
      'UPDATE csat_surveys SET score = ?, comment = ?, answered_at = ? WHERE id = ? AND ticket_id = ? RETURNING score, comment, answered_at',
      [score, comment, new Date(), surveyId, ticketId],
    );
    return row ? answerOf(row) : null;
  }

  /** The answers already given to the ticket's surveys, by survey id (the widget shows a rating once given). */
  async scoresOfTicket(ticketId: string): Promise<Map<string, number | null>> {
    const rows = await this.orm.em.fork().execute<{ id: string; score: number | null }[]>('SELECT id, score FROM csat_surveys WHERE ticket_id = ?', [ticketId]);
    return new Map(rows.map((row) => [row.id, row.score]));
  }
}
