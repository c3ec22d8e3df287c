import { Inject, Injectable } from '@nestjs/common';
import { normalisePhoneNumber } from '../../../libs/domain/phone.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import { ApiError } from '../common/api-error.js';
import { ORM } from '../tokens.js';
import { assertTicketOfAccount } from './ticket-ids.js';
import { PROFILE_AND_JOINED } from '../../../libs/profiles/profile-directory.js';
import type { SlaTargetKind } from '../../../libs/domain/sla-policies.js';
import type { TicketPriority } from '../../../libs/domain/ticket.js';
import { PRIORITY_RANK_SQL } from '../../../libs/persistence/priority-rank.js';

export type TicketView = 'all' | 'mine' | 'unassigned';

export interface TicketFilters {
  view?: TicketView;
  status?: string[];
  channel?: string[];
  priority?: string[];
  assigneeId?: string;
  tag?: string;
  createdFrom?: string;
  createdTo?: string;
  updatedFrom?: string;
  updatedTo?: string;
  /** Text in the subject or in any message of the ticket. */
  q?: string;
  /** The customer's profile (with the profiles joined into it). */
  profileId?: string;
  /** Service levels: at_risk = a target's warning has come but not its deadline; breached = a target was missed. */
  sla?: SlaFilter[];
}

export const SLA_FILTERS = ['at_risk', 'breached'] as const;
export type SlaFilter = (typeof SLA_FILTERS)[number];
export const TICKET_SORTS = ['updatedAt', 'createdAt', 'priority', 'slaDue'] as const;

export interface TicketListRequest extends TicketFilters {
  sort?: (typeof TICKET_SORTS)[number];
  /** Default: desc, except for slaDue (asc: the nearest deadline first). */
  order?: 'asc' | 'desc';
  cursor?: string;
  limit?: number;
}

export interface TicketSummary {
  id: string;
  channel: string;
  status: string;
  assigneeId: string | null;
  /** The assignee has been deactivated: the ticket stays theirs until someone reassigns it. */
  assigneeDeactivated: boolean;
  tags: string[];
  priority: TicketPriority;
  subject: string | null;
  customer: { name: string | null; phone: string | null; email: string | null; visitorId: string | null };
  /** The customer's profile (after joins), or null when the ticket has none. */
  profileId: string | null;
  snoozedUntil: string | null;
  unread: boolean;
  messageCount: number;
  lastInboundAt: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** The newest message, its body shortened, for a list row. */
  lastMessage: { direction: 'inbound' | 'outbound'; preview: string; createdAt: string } | null;
  /** The SLA clock as the projection summarises it; null while no policy applies. */
  sla: { policyId: string; dueAt: string | null; atRiskFrom: string | null; breachedAt: string | null } | null;
  version: number;
}

export interface MessageRecord {
  id: string;
  direction: 'inbound' | 'outbound';
  authorUserId: string | null;
  body: string;
  subject: string | null;
  deliveryStatus: string | null;
  deliveryError: string | null;
  /** An inbound message the ticket quarantined because it could not be stored as it came: why (its body is stored sanitised). */
  rejectedReason: string | null;
  createdAt: string;
  /** SMS (SPEC §9): the campaign or flow send this inbound text answers, when it was attributed. */
  attribution: { kind: 'campaign' | 'flow'; sourceId: string; sentAt: string } | null;
}

/** One timed SLA target of a ticket (ticket_sla_clocks). */
export interface SlaTargetRecord {
  clockId: string;
  target: SlaTargetKind;
  policyId: string | null;
  policyName: string | null;
  minutes: number;
  calendarId: string | null;
  startedAt: string;
  dueAt: string | null;
  warnedAt: string | null;
  breachedAt: string | null;
  endedAt: string | null;
  outcome: 'running' | 'paused' | 'met' | 'cancelled';
  endedByUserId: string | null;
}

interface SlaTargetRow {
  clock_id: string;
  target: SlaTargetKind;
  policy_id: string | null;
  policy_name: string | null;
  minutes: number;
  calendar_id: string | null;
  started_at: Date;
  due_at: Date | null;
  warned_at: Date | null;
  breached_at: Date | null;
  ended_at: Date | null;
  outcome: SlaTargetRecord['outcome'];
  ended_by_user_id: string | null;
}

interface TicketRow {
  id: string;
  channel: string;
  status: string;
  assignee_id: string | null;
  assignee_deactivated: boolean;
  tags: string[];
  priority: TicketPriority;
  subject: string | null;
  customer_name: string | null;
  customer_phone: string | null;
  customer_email: string | null;
  customer_visitor_id: string | null;
  current_profile_id: string | null;
  snoozed_until: Date | null;
  unread: boolean;
  message_count: number;
  last_inbound_at: Date | null;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  last_message: { direction: 'inbound' | 'outbound'; preview: string; createdAt: string } | null;
  sla_policy_id: string | null;
  sla_due_at: Date | null;
  sla_at_risk_from: Date | null;
  sla_breached_at: Date | null;
  version: number;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

/** The ticket's profile after joins (an anonymous chat profile joined into a known one is never joined again). */
export const CURRENT_PROFILE = `(SELECT COALESCE(pr.merged_into, pr.id) FROM profiles pr WHERE pr.id = t.profile_id)`;

/** Whether the ticket's assignee is a deactivated user. */
const ASSIGNEE_DEACTIVATED = `COALESCE((SELECT u.deactivated_at IS NOT NULL FROM users u WHERE u.id = t.assignee_id), false)`;

/** Unread for one agent: an inbound message arrived after that agent last read the ticket. */
const PREVIEW_LENGTH = 160;

/** The ticket's newest message, shortened for a list row (messages_ticket_created makes it one index probe). */
const LAST_MESSAGE = `(SELECT jsonb_build_object('direction', m.direction, 'preview', left(m.body, ${PREVIEW_LENGTH}), 'createdAt', m.created_at)
  FROM messages m WHERE m.ticket_id = t.id ORDER BY m.created_at DESC, m.id DESC LIMIT 1)`;

const UNREAD_FOR_AGENT = `(t.last_inbound_at IS NOT NULL AND (r.read_at IS NULL OR r.read_at < t.last_inbound_at))`;

/** The tickets with this agent's read marker (the one parameter: the agent's user id), as summaries read them. */
const TICKETS_AS_READ_BY_AGENT = 'tickets t LEFT JOIN ticket_reads r ON r.ticket_id = t.id AND r.user_id = ?';

/** What toSummary reads from TICKETS_AS_READ_BY_AGENT. */
const SUMMARY_COLUMNS = `t.*, ${UNREAD_FOR_AGENT} AS unread, ${CURRENT_PROFILE} AS current_profile_id, ${ASSIGNEE_DEACTIVATED} AS assignee_deactivated, ${LAST_MESSAGE} AS last_message`;

function toSummary(row: TicketRow): TicketSummary {
  return {
    id: row.id,
    channel: row.channel,
    status: row.status,
    assigneeId: row.assignee_id,
    assigneeDeactivated: row.assignee_deactivated === true,
    tags: row.tags,
    priority: row.priority,
    subject: row.subject,
    customer: { name: row.customer_name, phone: row.customer_phone, email: row.customer_email, visitorId: row.customer_visitor_id },
    profileId: row.current_profile_id,
    snoozedUntil: iso(row.snoozed_until),
    unread: row.unread,
    messageCount: row.message_count,
    lastInboundAt: iso(row.last_inbound_at),
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    closedAt: iso(row.closed_at),
    lastMessage: row.last_message ? { ...row.last_message, createdAt: iso(row.last_message.createdAt)! } : null,
    version: row.version,
    sla: row.sla_policy_id ? { policyId: row.sla_policy_id, dueAt: iso(row.sla_due_at), atRiskFrom: iso(row.sla_at_risk_from), breachedAt: iso(row.sla_breached_at) } : null,
  };
}

type SortKey = { sql: string; type: 'timestamptz' | 'int' };

/** The next SLA deadline, tickets without one after all others (the expression of the index tickets_account_sla_due). */
export const SLA_DUE_SORT_KEY = `COALESCE(t.sla_due_at, '9999-12-31T00:00:00Z'::timestamptz)`;

/** As the workflow recorded them (its durable timers fire at the deadlines): a target missed; a warning and no target missed. */
const SLA_BREACHED = '(t.sla_breached_at IS NOT NULL)';
const SLA_AT_RISK = '(t.sla_at_risk_from IS NOT NULL AND t.sla_breached_at IS NULL)';

/** Each sort as its ORDER BY keys, all in one direction; the ticket id always comes last, so the order is total. */
const SORTS: Record<NonNullable<TicketListRequest['sort']>, SortKey[]> = {
  updatedAt: [{ sql: 't.updated_at', type: 'timestamptz' }],
  createdAt: [{ sql: 't.created_at', type: 'timestamptz' }],
  priority: [
    { sql: `(${PRIORITY_RANK_SQL('t.priority')})`, type: 'int' },
    { sql: 't.updated_at', type: 'timestamptz' },
  ],
  slaDue: [{ sql: SLA_DUE_SORT_KEY, type: 'timestamptz' }],
};

/** A thread pages from the newest message back. */
const MESSAGE_ORDER: SortKey[] = [{ sql: 'm.created_at', type: 'timestamptz' }];

/** A cursor is the last row's sort keys and id, as strings (timestamps in ISO 8601). */
function encodeCursor(values: string[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

function decodeCursor(cursor: string, keys: SortKey[], field = 'cursor'): string[] {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    const fits = (value: unknown, key: SortKey | undefined) =>
      typeof value === 'string' && (key === undefined || (key.type === 'int' ? /^\d{1,4}$/.test(value) : !Number.isNaN(Date.parse(value))));
    if (Array.isArray(decoded) && decoded.length === keys.length + 1 && decoded.every((value, index) => fits(value, keys[index]))) return decoded as string[];
  } catch {
    // reported below
  }
  throw ApiError.badRequest(`${field} is not a cursor this API returned${field === 'cursor' ? ' for this sort' : ''}`, field);
}

const sortValue = (value: unknown, key: SortKey) => (key.type === 'timestamptz' ? new Date(value as Date).toISOString() : String(value));

/** The text as a literal inside a LIKE pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/**
 * The WHERE clause of a ticket list (`t` is the tickets row) and its parameters; every list and count of the
 * inbox filters through it, so a folder's count is the number of tickets its list shows.
 */
function filterClause(accountId: string, userId: string, filters: TicketFilters): { where: string[]; params: unknown[] } {
  const where: string[] = ['t.account_id = ?'];
  const params: unknown[] = [accountId];
  const view = filters.view ?? 'all';
  if (view === 'mine') {
    where.push(`t.status = 'open'`, 't.assignee_id = ?');
    params.push(userId);
  } else if (view === 'unassigned') {
    where.push(`t.status = 'open'`, 't.assignee_id IS NULL');
  }
  if (filters.status?.length) {
    where.push(`t.status IN (${filters.status.map(() => '?').join(', ')})`);
    params.push(...filters.status);
  }
  if (filters.channel?.length) {
    where.push(`t.channel IN (${filters.channel.map(() => '?').join(', ')})`);
    params.push(...filters.channel);
  }
  if (filters.priority?.length) {
    where.push(`t.priority IN (${filters.priority.map(() => '?').join(', ')})`);
    params.push(...filters.priority);
  }
  if (filters.sla?.length) {
    where.push(`(${filters.sla.map((filter) => (filter === 'breached' ? SLA_BREACHED : SLA_AT_RISK)).join(' OR ')})`);
  }
  if (filters.assigneeId) {
    where.push('t.assignee_id = ?');
    params.push(filters.assigneeId);
  }
  if (filters.tag) {
    where.push('? = ANY(t.tags)');
    params.push(filters.tag.trim().toLowerCase());
  }
  if (filters.profileId) {
    where.push(`t.profile_id IN ${PROFILE_AND_JOINED}`);
    params.push(filters.profileId, filters.profileId);
  }
  for (const [bound, column, operator] of [
    [filters.createdFrom, 'created_at', '>='],
    [filters.createdTo, 'created_at', '<'],
    [filters.updatedFrom, 'updated_at', '>='],
    [filters.updatedTo, 'updated_at', '<'],
  ] as const) {
    if (bound) {
      where.push(`t.${column} ${operator} ?`);
      params.push(bound);
    }
  }
  if (filters.q?.trim()) {
    const q = filters.q.trim();
    const pattern = `%${escapeLike(q)}%`;
    // A query that reads as a phone number also finds the customer's number however it was written (stored as E.164).
    const phone = /\d/.test(q) ? normalisePhoneNumber(q) : undefined;
    const phonePattern = phone?.ok ? `%${escapeLike(phone.e164)}%` : pattern;
    where.push(
      `(t.subject ILIKE ? OR t.customer_email ILIKE ? OR t.customer_phone ILIKE ? OR t.customer_phone ILIKE ?
        OR EXISTS (SELECT 1 FROM messages m WHERE m.ticket_id = t.id AND m.body ILIKE ?))`,
    );
    params.push(pattern, pattern, pattern, phonePattern, pattern);
  }
  return { where, params };
}

/** Reads for agents, from the PostgreSQL projections; every query is scoped to the caller's account. */
@Injectable()
export class TicketQueriesService {
  constructor(@Inject(ORM) private readonly orm: Orm) {}

  async list(accountId: string, userId: string, request: TicketListRequest): Promise<{ tickets: TicketSummary[]; nextCursor: string | null }> {
    const { where, params } = filterClause(accountId, userId, request);
    const keys = SORTS[request.sort ?? 'updatedAt'];
    const descending = (request.order ?? (request.sort === 'slaDue' ? 'asc' : 'desc')) === 'desc';
    if (request.cursor) {
      const values = decodeCursor(request.cursor, keys);
      where.push(`(${keys.map((key) => key.sql).join(', ')}, t.id) ${descending ? '<' : '>'} (${keys.map((key) => `?::${key.type}`).join(', ')}, ?)`);
      params.push(...values);
    }
    const limit = request.limit ?? 25;
    const direction = descending ? 'DESC' : 'ASC';
    const rows = await this.orm.em.fork().execute<(TicketRow & Record<`sort_${number}`, unknown>)[]>(
      `SELECT ${SUMMARY_COLUMNS}, ${keys.map((key, index) => `${key.sql} AS sort_${index}`).join(', ')}
       FROM ${TICKETS_AS_READ_BY_AGENT}
       WHERE ${where.join(' AND ')}
       ORDER BY ${keys.map((key) => `${key.sql} ${direction}`).join(', ')}, t.id ${direction}
       LIMIT ${limit + 1}`,
      [userId, ...params],
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      tickets: page.map(toSummary),
      nextCursor: rows.length > limit && last ? encodeCursor([...keys.map((key, index) => sortValue(last[`sort_${index}`], key)), last.id]) : null,
    };
  }

  async get(accountId: string, userId: string, ticketId: string): Promise<TicketSummary> {
    assertTicketOfAccount(ticketId, accountId);
    const [row] = await this.orm.em.fork().execute<TicketRow[]>(
      `SELECT ${SUMMARY_COLUMNS}
       FROM ${TICKETS_AS_READ_BY_AGENT}
       WHERE t.id = ? AND t.account_id = ?`,
      [userId, ticketId, accountId],
    );
    if (!row) throw ApiError.notFound(`ticket ${ticketId} not found`);
    return toSummary(row);
  }

  /** The ticket's timed SLA targets, oldest first: the ones running and the ones met, missed or cancelled. */
  async slaTargets(accountId: string, userId: string, ticketId: string): Promise<{ policyId: string | null; targets: SlaTargetRecord[] }> {
    const ticket = await this.get(accountId, userId, ticketId);
    const rows = await this.orm.em.fork().execute<SlaTargetRow[]>(
      `SELECT clock_id, target, policy_id, policy_name, minutes, calendar_id, started_at, due_at, warned_at, breached_at, ended_at, outcome, ended_by_user_id
       FROM ticket_sla_clocks WHERE ticket_id = ? AND account_id = ? ORDER BY started_at, clock_id`,
      [ticketId, accountId],
    );
    return {
      policyId: ticket.sla?.policyId ?? null,
      targets: rows.map((row) => ({
        clockId: row.clock_id,
        target: row.target,
        policyId: row.policy_id,
        policyName: row.policy_name,
        minutes: row.minutes,
        calendarId: row.calendar_id,
        startedAt: iso(row.started_at)!,
        dueAt: iso(row.due_at),
        warnedAt: iso(row.warned_at),
        breachedAt: iso(row.breached_at),
        endedAt: iso(row.ended_at),
        outcome: row.outcome,
        endedByUserId: row.ended_by_user_id,
      })),
    };
  }

  /** Newest first from the cursor on; returned oldest first, as a thread reads. */
  async messages(accountId: string, ticketId: string, options: { before?: string; limit?: number }): Promise<{ messages: MessageRecord[]; olderCursor: string | null }> {
    assertTicketOfAccount(ticketId, accountId);
    const limit = options.limit ?? 50;
    const params: unknown[] = [ticketId, accountId];
    let keyset = '';
    if (options.before) {
      const [createdAt, id] = decodeCursor(options.before, MESSAGE_ORDER, 'before');
      keyset = 'AND (m.created_at, m.id) < (?::timestamptz, ?)';
      params.push(createdAt, id);
    }
    const rows = await this.orm.em.fork().execute<
      {
        id: string; direction: 'inbound' | 'outbound'; author_user_id: string | null; body: string; subject: string | null; delivery_status: string | null; delivery_error: string | null; rejected_reason: string | null; created_at: Date;
        attributed_kind: 'campaign' | 'flow' | null; attributed_source_id: string | null; attributed_sent_at: Date | null;
      }[]
    >(
      `SELECT m.id, m.direction, m.author_user_id, m.body, m.subject, m.delivery_status, m.delivery_error, m.rejected_reason, m.created_at,
         a.kind AS attributed_kind, a.source_id AS attributed_source_id, a.sent_at AS attributed_sent_at
       FROM messages m LEFT JOIN sms_attributions a ON a.message_id = m.id AND a.send_id IS NOT NULL
       WHERE m.ticket_id = ? AND m.account_id = ? ${keyset}
       ORDER BY m.created_at DESC, m.id DESC LIMIT ${limit + 1}`,
      params,
    );
    const page = rows.slice(0, limit);
    const oldest = page.at(-1);
    return {
      messages: page.reverse().map((row) => ({
        id: row.id,
        direction: row.direction,
        authorUserId: row.author_user_id,
        body: row.body,
        subject: row.subject,
        deliveryStatus: row.delivery_status,
        deliveryError: row.delivery_error,
        rejectedReason: row.rejected_reason,
        createdAt: iso(row.created_at)!,
        attribution: row.attributed_kind ? { kind: row.attributed_kind, sourceId: row.attributed_source_id!, sentAt: iso(row.attributed_sent_at)! } : null,
      })),
      olderCursor: rows.length > limit && oldest ? encodeCursor([iso(oldest.created_at)!, oldest.id]) : null,
    };
  }

  /**
   * How many open tickets each filter set lists (a folder's or a view's; a status the filters name replaces
   * "open"): one query for all of them, so the navigation costs one round trip.
   */
  async countOpen(accountId: string, userId: string, filterSets: TicketFilters[]): Promise<number[]> {
    if (filterSets.length === 0) return [];
    const params: unknown[] = [];
    const counts = filterSets.map((filters) => {
      const clause = filterClause(accountId, userId, { ...filters, status: filters.status?.length ? filters.status : ['open'] });
      params.push(...clause.params);
      return `(SELECT count(*) FROM tickets t WHERE ${clause.where.join(' AND ')})`;
    });
    const [row] = await this.orm.em.fork().execute<Record<string, string>[]>(
      `SELECT ${counts.map((count, index) => `${count} AS c${index}`).join(', ')}`,
      params,
    );
    return filterSets.map((_, index) => Number(row?.[`c${index}`] ?? 0));
  }

  /** The unread badge: open tickets in My Inbox or Unassigned with inbound messages this agent has not read. */
  async unreadCount(accountId: string, userId: string): Promise<number> {
    const [row] = await this.orm.em.fork().execute<{ count: string }[]>(
      `SELECT count(*) AS count
       FROM ${TICKETS_AS_READ_BY_AGENT}
       WHERE t.account_id = ? AND t.status = 'open' AND (t.assignee_id = ? OR t.assignee_id IS NULL) AND ${UNREAD_FOR_AGENT}`,
      [userId, accountId, userId],
    );
    return Number(row?.count ?? 0);
  }
}
