import { Inject, Injectable } from '@nestjs/common';
import { CHANNELS, type Channel } from '../../../libs/domain/channel-policy.js';
import { reopenCounts, roundSeconds } from '../../../libs/domain/reporting.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import { ORM } from '../tokens.js';
import type { AgentReportDto, FirstResponseStatsDto, ReportSummaryDto, ResolutionStatsDto, TagReportDto } from './reports.dto.js';

export interface ReportRequest {
  from: Date;
  to: Date;
  /** Empty: every channel. */
  channels: readonly Channel[];
}

/** The version inside an event id (`<ticket id>:<version>:<index>`): orders events written at the same instant. */
const EVENT_VERSION = `substring(e.id from ':([0-9]+):[0-9]+$')::int`;

/** Durations and the counts, median (percentile_cont) and mean of a column of seconds. */
const stats = (column: string, prefix: string) =>
  `count(${column}) AS ${prefix}_count,
   percentile_cont(0.5) WITHIN GROUP (ORDER BY ${column}) AS ${prefix}_median,
   avg(${column}) AS ${prefix}_average`;

const COHORT_STATS = `count(*) AS tickets, ${stats('c.first_response_s', 'fr')}, ${stats('c.resolution_s', 'res')}`;

interface StatsRow {
  fr_count: string;
  fr_median: number | string | null;
  fr_average: number | string | null;
  res_count: string;
  res_median: number | string | null;
  res_average: number | string | null;
}

interface CohortRow extends StatsRow {
  tickets: string;
}

const firstResponse = (row: CohortRow): FirstResponseStatsDto => ({
  answered: Number(row.fr_count),
  unanswered: Number(row.tickets) - Number(row.fr_count),
  medianSeconds: roundSeconds(row.fr_median),
  averageSeconds: roundSeconds(row.fr_average),
});

const resolution = (row: CohortRow): ResolutionStatsDto => ({
  resolved: Number(row.res_count),
  unresolved: Number(row.tickets) - Number(row.res_count),
  medianSeconds: roundSeconds(row.res_median),
  averageSeconds: roundSeconds(row.res_average),
});

const EMPTY_COHORT: CohortRow = { tickets: '0', fr_count: '0', fr_median: null, fr_average: null, res_count: '0', res_median: null, res_average: null };

/**
 * Reporting (SPEC §8) by the definitions of docs/metrics.md, all in SQL over the projections.
 *
 * The tickets reported on are those of the account and channels whose creation (`created` event,
 * `tickets.created_at`) falls in [from, to); their first response and resolution are as the
 * projections hold them now (a ticket closed now is resolved, by its last close). Reopens are the
 * `reopened` events that occurred in [from, to), of tickets of those channels.
 */
@Injectable()
export class ReportsService {
  constructor(@Inject(ORM) private readonly orm: Orm) {}

  async summary(accountId: string, request: ReportRequest): Promise<ReportSummaryDto> {
    const channels = CHANNELS.filter((channel) => request.channels.length === 0 || request.channels.includes(channel));
    const channelFilter = `t.channel IN (${channels.map(() => '?').join(', ')})`;
    const period = [request.from.toISOString(), request.to.toISOString()];
    const filterParams = [accountId, ...period, ...channels];
    const cohort = `cohort AS (
      SELECT t.id, t.account_id, t.tags,
        extract(epoch FROM t.first_agent_reply_at - t.created_at)::float8 AS first_response_s,
        CASE WHEN t.status = 'closed' AND t.closed_at IS NOT NULL THEN extract(epoch FROM t.closed_at - t.created_at)::float8 END AS resolution_s
      FROM tickets t
      WHERE t.account_id = ? AND t.created_at >= ?::timestamptz AND t.created_at < ?::timestamptz AND ${channelFilter}
    )`;
    const em = this.orm.em.fork();

    const [totals = EMPTY_COHORT] = await em.execute<CohortRow[]>(`WITH ${cohort} SELECT ${COHORT_STATS} FROM cohort c`, filterParams);

    const tagRows = await em.execute<(CohortRow & { tag: string })[]>(
      `WITH ${cohort}
       SELECT tag, ${COHORT_STATS}
       FROM cohort c CROSS JOIN LATERAL unnest(c.tags) AS tag
       GROUP BY tag`,
      filterParams,
    );

    // First response by the author of the first `replied` event, resolution by the author of the last `closed` event.
    const agentRows = await em.execute<(StatsRow & { user_id: string | null; name: string | null })[]>(
      `WITH ${cohort},
       attributed AS (
         SELECT first_reply.actor_user_id AS user_id, c.first_response_s, NULL::float8 AS resolution_s
         FROM cohort c LEFT JOIN LATERAL (
           SELECT e.actor_user_id FROM ticket_events e
           WHERE e.ticket_id = c.id AND e.account_id = c.account_id AND e.type = 'replied'
           ORDER BY e.occurred_at, ${EVENT_VERSION} LIMIT 1
         ) first_reply ON true
         WHERE c.first_response_s IS NOT NULL
         UNION ALL
         SELECT last_close.actor_user_id, NULL::float8, c.resolution_s
         FROM cohort c LEFT JOIN LATERAL (
           SELECT e.actor_user_id FROM ticket_events e
           WHERE e.ticket_id = c.id AND e.account_id = c.account_id AND e.type = 'closed'
           ORDER BY e.occurred_at DESC, ${EVENT_VERSION} DESC LIMIT 1
         ) last_close ON true
         WHERE c.resolution_s IS NOT NULL
       )
       SELECT a.user_id, u.name, ${stats('a.first_response_s', 'fr')}, ${stats('a.resolution_s', 'res')}
       FROM attributed a LEFT JOIN users u ON u.id = a.user_id AND u.account_id = ?
       GROUP BY a.user_id, u.name
       ORDER BY u.name NULLS LAST, a.user_id NULLS LAST`,
      [...filterParams, accountId],
    );

    // Reopens: the events in the period (the event defines the metric), of tickets of the channels.
    const reopenedIn = (tagJoin: string) =>
      `ticket_events e JOIN tickets t ON t.id = e.ticket_id AND t.account_id = e.account_id ${tagJoin}
       WHERE e.account_id = ? AND e.type = 'reopened' AND e.occurred_at >= ?::timestamptz AND e.occurred_at < ?::timestamptz AND ${channelFilter}`;
    const reopenRows = await em.execute<{ reason: string | null; count: string }[]>(
      `SELECT e.detail->>'reason' AS reason, count(*) AS count FROM ${reopenedIn('')} GROUP BY 1`,
      filterParams,
    );
    const reopenTagRows = await em.execute<{ tag: string; reason: string | null; count: string }[]>(
      `SELECT tag, e.detail->>'reason' AS reason, count(*) AS count FROM ${reopenedIn('CROSS JOIN LATERAL unnest(t.tags) AS tag')} GROUP BY 1, 2`,
      filterParams,
    );

    const byTag = new Map<string, { cohort: CohortRow; reopens: { reason: string | null; count: string }[] }>();
    const tagEntry = (tag: string) => {
      let entry = byTag.get(tag);
      if (!entry) byTag.set(tag, (entry = { cohort: EMPTY_COHORT, reopens: [] }));
      return entry;
    };
    for (const row of tagRows) tagEntry(row.tag).cohort = row;
    for (const row of reopenTagRows) tagEntry(row.tag).reopens.push(row);

    return {
      period: { from: period[0]!, to: period[1]! },
      channels: [...channels],
      ticketVolume: Number(totals.tickets),
      firstResponse: firstResponse(totals),
      resolution: resolution(totals),
      reopens: reopenCounts(reopenRows),
      byAgent: agentRows.map(
        (row): AgentReportDto => ({
          userId: row.user_id,
          name: row.name,
          firstResponse: { answered: Number(row.fr_count), medianSeconds: roundSeconds(row.fr_median), averageSeconds: roundSeconds(row.fr_average) },
          resolution: { resolved: Number(row.res_count), medianSeconds: roundSeconds(row.res_median), averageSeconds: roundSeconds(row.res_average) },
        }),
      ),
      byTag: [...byTag.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(
          ([tag, entry]): TagReportDto => ({
            tag,
            ticketVolume: Number(entry.cohort.tickets),
            firstResponse: firstResponse(entry.cohort),
            resolution: resolution(entry.cohort),
            reopens: reopenCounts(entry.reopens),
          }),
        ),
    };
  }
}
