import { Inject, Injectable } from '@nestjs/common';
import { CHANNELS, type Channel } from '../../../libs/domain/channel-policy.js';
import { reopenCounts, roundSeconds, type ReportInterval } from '../../../libs/domain/reporting.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import { ApiError } from '../common/api-error.js';
import { ORM } from '../tokens.js';
import type {
  AgentReportDto,
  FirstResponseStatsDto,
  ReportSummaryDto,
  ReportTimeSeriesBucketDto,
  ReportTimeSeriesDto,
  ResolutionStatsDto,
  TagReportDto,
} from './reports.dto.js';

export interface ReportRequest {
  from: Date;
  to: Date;
  /** Empty: every channel. */
  channels: readonly Channel[];
}

export interface TimeSeriesRequest extends ReportRequest {
  interval: ReportInterval;
  /** An IANA name as reportTimeZone accepts and spells it. */
  timeZone: string;
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

/** The channels reported on (all when none is named), and the parameters of cohortCte in their order. */
function cohortFilter(accountId: string, request: ReportRequest) {
  const channels = CHANNELS.filter((channel) => request.channels.length === 0 || request.channels.includes(channel));
  const channelFilter = `t.channel IN (${channels.map(() => '?').join(', ')})`;
  const period = [request.from.toISOString(), request.to.toISOString()] as const;
  return { channels, channelFilter, period, filterParams: [accountId, ...period, ...channels] };
}

/**
 * The tickets reported on (docs/metrics.md), the same for the summary and the time series: the account's tickets of
 * the channels created in [from, to), with their first response and resolution in seconds as they stand now.
 * Parameters: account id, from, to, then the channels.
 */
const cohortCte = (channelFilter: string) => `cohort AS (
      SELECT t.id, t.account_id, t.tags, t.created_at,
        extract(epoch FROM t.first_agent_reply_at - t.created_at)::float8 AS first_response_s,
        CASE WHEN t.status = 'closed' AND t.closed_at IS NOT NULL THEN extract(epoch FROM t.closed_at - t.created_at)::float8 END AS resolution_s
      FROM tickets t
      WHERE t.account_id = ? AND t.created_at >= ?::timestamptz AND t.created_at < ?::timestamptz AND ${channelFilter}
    )`;

/** date_trunc's unit and the step between bucket starts, per interval. */
const INTERVAL_SQL: Record<ReportInterval, { unit: string; step: string }> = {
  day: { unit: 'day', step: '1 day' },
  week: { unit: 'week', step: '1 week' },
};

interface BucketRow extends CohortRow {
  start: Date;
  end: Date;
}

/** PostgreSQL's "time zone "…" not recognized" (invalid_parameter_value), should its zone database lack one that Intl knows. */
const isUnknownTimeZone = (error: unknown) => error instanceof Error && /time zone .* not recognized/i.test(error.message);

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
    const { channels, channelFilter, period, filterParams } = cohortFilter(accountId, request);
    const cohort = cohortCte(channelFilter);
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
      period: { from: period[0], to: period[1] },
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

  /**
   * The summary's volume, first response and resolution per bucket of the period: every day (or ISO week) that
   * overlaps [from, to), cut at local midnights of the time zone (so 23 or 25 hours long across a DST change), each
   * ticket of the summary's cohort in the bucket of its creation. One query; empty buckets come from the series.
   */
  async timeSeries(accountId: string, request: TimeSeriesRequest): Promise<ReportTimeSeriesDto> {
    const { channels, channelFilter, period, filterParams } = cohortFilter(accountId, request);
    const { unit, step } = INTERVAL_SQL[request.interval];
    const zone = request.timeZone;
    let rows: BucketRow[];
    try {
      rows = await this.orm.em.fork().execute<BucketRow[]>(
        `WITH params AS (SELECT ?::text AS unit, ?::interval AS step, ?::text AS zone, ?::timestamptz AS from_ts, ?::timestamptz AS to_ts),
         ${cohortCte(channelFilter)},
         -- Local midnights from the one at or before from up to to; truncated again, so that a day whose midnight
         -- a DST gap skips cannot shift the later starts.
         starts AS (
           SELECT DISTINCT date_trunc(p.unit, s, p.zone) AS start
           FROM params p, generate_series(date_trunc(p.unit, p.from_ts, p.zone), p.to_ts, p.step, p.zone) AS s
         ),
         buckets AS (
           SELECT s.start, date_trunc(p.unit, date_add(s.start, p.step, p.zone), p.zone) AS "end"
           FROM starts s, params p WHERE s.start < p.to_ts
         ),
         per_bucket AS (
           SELECT date_trunc(p.unit, c.created_at, p.zone) AS bucket, ${COHORT_STATS}
           FROM cohort c, params p GROUP BY 1
         )
         SELECT b.start, b."end", coalesce(pb.tickets, 0) AS tickets,
           coalesce(pb.fr_count, 0) AS fr_count, pb.fr_median, pb.fr_average,
           coalesce(pb.res_count, 0) AS res_count, pb.res_median, pb.res_average
         FROM buckets b LEFT JOIN per_bucket pb ON pb.bucket = b.start
         ORDER BY b.start`,
        [unit, step, zone, ...period, ...filterParams],
      );
    } catch (error) {
      if (isUnknownTimeZone(error)) throw ApiError.badRequest(`timeZone ${zone} is not a time zone the database knows`, 'timeZone');
      throw error;
    }
    return {
      period: { from: period[0], to: period[1] },
      channels: [...channels],
      interval: request.interval,
      timeZone: zone,
      buckets: rows.map(
        (row): ReportTimeSeriesBucketDto => ({
          start: new Date(row.start).toISOString(),
          end: new Date(row.end).toISOString(),
          ticketsCreated: Number(row.tickets),
          firstResponseCount: Number(row.fr_count),
          firstResponseMedianSeconds: roundSeconds(row.fr_median),
          resolutionCount: Number(row.res_count),
          resolutionMedianSeconds: roundSeconds(row.res_median),
        }),
      ),
    };
  }
}
