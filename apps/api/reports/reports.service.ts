import { Inject, Injectable } from '@nestjs/common';
import { businessTimeBetween } from '../../../libs/calendars/business-calendar.js';
import { findBusinessCalendar, type StoredBusinessCalendar } from '../../../libs/calendars/business-calendar-store.js';
import { CHANNELS, type Channel } from '../../../libs/domain/channel-policy.js';
import {
  csatStats,
  durationStats,
  reopenCounts,
  roundSeconds,
  slaAchievement,
  SLA_REPORT_TARGETS,
  type DurationStats,
  type ReportInterval,
} from '../../../libs/domain/reporting.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import { ApiError } from '../common/api-error.js';
import { ORM } from '../tokens.js';
import type {
  AgentReportDto,
  CsatAgentDto,
  CsatReportDto,
  FirstResponseStatsDto,
  ReportSummaryDto,
  ReportTimeSeriesBucketDto,
  ReportTimeSeriesDto,
  ResolutionStatsDto,
  SlaReportDto,
  TagReportDto,
} from './reports.dto.js';

export interface ReportRequest {
  from: Date;
  to: Date;
  /** Empty: every channel. */
  channels: readonly Channel[];
}

export interface SummaryRequest extends ReportRequest {
  /** Business-hours figures in this calendar of the account (a 400 naming calendarId when it is not one). */
  calendarId?: string;
  /** Each reopen starts a first-response measurement of its own. */
  firstResponseAfterReopen: boolean;
}

export interface TimeSeriesRequest extends ReportRequest {
  interval: ReportInterval;
  /** An IANA name as reportTimeZone accepts and spells it. */
  timeZone: string;
}

/** The version inside an event id (`<ticket id>:<version>:<index>`): orders events written at the same instant. */
const eventVersion = (alias: string) => `substring(${alias}.id from ':([0-9]+):[0-9]+$')::int`;
const EVENT_VERSION = eventVersion('e');
/** An event's place in its ticket's history: occurred_at, then version. */
const eventOrder = (alias: string) => `(${alias}.occurred_at, ${eventVersion(alias)})`;

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

/** The summary's row of statistics: resolution over the cohort's tickets, first response over its measurements. */
interface SummaryStatsRow extends CohortRow {
  /** First-response measurements: one per ticket, plus one per reopen with firstResponseAfterReopen. */
  measurements: string;
}

/** Business-hours statistics of a group, or null when the report has no calendar. */
interface BusinessStats {
  firstResponse: DurationStats | null;
  resolution: DurationStats | null;
}

const NO_BUSINESS_STATS: BusinessStats = { firstResponse: null, resolution: null };

const businessFields = (stats: DurationStats | null) => ({
  businessMedianSeconds: stats?.medianSeconds ?? null,
  businessAverageSeconds: stats?.averageSeconds ?? null,
});

const firstResponse = (row: SummaryStatsRow, business: BusinessStats): FirstResponseStatsDto => ({
  answered: Number(row.fr_count),
  unanswered: Number(row.measurements) - Number(row.fr_count),
  medianSeconds: roundSeconds(row.fr_median),
  averageSeconds: roundSeconds(row.fr_average),
  ...businessFields(business.firstResponse),
});

const resolution = (row: SummaryStatsRow, business: BusinessStats): ResolutionStatsDto => ({
  resolved: Number(row.res_count),
  unresolved: Number(row.tickets) - Number(row.res_count),
  medianSeconds: roundSeconds(row.res_median),
  averageSeconds: roundSeconds(row.res_average),
  ...businessFields(business.resolution),
});

/** The channels reported on (all when none is named), and the parameters of cohortCte in their order. */
function cohortFilter(accountId: string, request: ReportRequest) {
  const channels = CHANNELS.filter((channel) => request.channels.length === 0 || request.channels.includes(channel));
  const channelIn = (column: string) => `${column} IN (${channels.map(() => '?').join(', ')})`;
  const period = [request.from.toISOString(), request.to.toISOString()] as const;
  return { channels, channelIn, channelFilter: channelIn('t.channel'), period, filterParams: [accountId, ...period, ...channels] };
}

/**
 * The tickets reported on (docs/metrics.md), the same for the summary and the time series: the account's tickets of
 * the channels created in [from, to), with their first response and resolution in seconds as they stand now.
 * Parameters: account id, from, to, then the channels.
 */
const cohortCte = (channelFilter: string) => `cohort AS (
      SELECT t.id, t.account_id, t.tags, t.created_at, t.first_agent_reply_at,
        CASE WHEN t.status = 'closed' AND t.closed_at IS NOT NULL THEN t.closed_at END AS resolved_at,
        extract(epoch FROM t.first_agent_reply_at - t.created_at)::float8 AS first_response_s,
        CASE WHEN t.status = 'closed' AND t.closed_at IS NOT NULL THEN extract(epoch FROM t.closed_at - t.created_at)::float8 END AS resolution_s
      FROM tickets t
      WHERE t.account_id = ? AND t.created_at >= ?::timestamptz AND t.created_at < ?::timestamptz AND ${channelFilter}
    )`;

/**
 * The first-response measurements of the cohort: each ticket's (creation to its first `replied` event, by that
 * event's author) and, when the parameter is true, one per `reopened` event (the reopen to the first `replied` event
 * after it and before the next reopen). Unanswered measurements have null seconds. Parameter: that boolean.
 */
const FIRST_RESPONSES_CTE = `first_responses AS (
      SELECT c.id AS ticket_id, c.tags, c.created_at AS started_at, c.first_agent_reply_at AS replied_at, c.first_response_s AS seconds,
        (SELECT e.actor_user_id FROM ticket_events e
         WHERE e.ticket_id = c.id AND e.account_id = c.account_id AND e.type = 'replied'
         ORDER BY e.occurred_at, ${EVENT_VERSION} LIMIT 1) AS user_id
      FROM cohort c
      UNION ALL
      SELECT c.id, c.tags, r.occurred_at, reply.occurred_at, extract(epoch FROM reply.occurred_at - r.occurred_at)::float8, reply.actor_user_id
      FROM cohort c
      JOIN ticket_events r ON r.ticket_id = c.id AND r.account_id = c.account_id AND r.type = 'reopened'
      LEFT JOIN LATERAL (
        SELECT e.occurred_at, e.actor_user_id FROM ticket_events e
        WHERE e.ticket_id = c.id AND e.account_id = c.account_id AND e.type = 'replied' AND ${eventOrder('e')} > ${eventOrder('r')}
          AND NOT EXISTS (
            SELECT 1 FROM ticket_events n
            WHERE n.ticket_id = c.id AND n.account_id = c.account_id AND n.type = 'reopened'
              AND ${eventOrder('n')} > ${eventOrder('r')} AND ${eventOrder('n')} < ${eventOrder('e')}
          )
        ORDER BY e.occurred_at, ${EVENT_VERSION} LIMIT 1
      ) reply ON true
      WHERE ?::boolean
    )`;

/**
 * Every answered first-response measurement and every resolution of the cohort, with the agent it is attributed to
 * (the reply's author; the author of the last `closed` event) and the two instants it spans.
 */
const ATTRIBUTED_CTE = `attributed AS (
      SELECT 'first_response'::text AS kind, f.tags, f.user_id, f.started_at, f.replied_at AS ended_at, f.seconds
      FROM first_responses f WHERE f.seconds IS NOT NULL
      UNION ALL
      SELECT 'resolution'::text, c.tags, last_close.actor_user_id, c.created_at, c.resolved_at, c.resolution_s
      FROM cohort c LEFT JOIN LATERAL (
        SELECT e.actor_user_id FROM ticket_events e
        WHERE e.ticket_id = c.id AND e.account_id = c.account_id AND e.type = 'closed'
        ORDER BY e.occurred_at DESC, ${EVENT_VERSION} DESC LIMIT 1
      ) last_close ON true
      WHERE c.resolution_s IS NOT NULL
    )`;

/**
 * The SLA targets reported on: the account's ticket_sla_clocks rows started in [from, to), of tickets of the channels,
 * each classified as slaTargetResult does (result null: cancelled unbreached, not counted) and attributed to the agent
 * whose reply or close ended it, or, while it runs, to the ticket's assignee now. Parameters: as cohortCte.
 */
const slaClocksCte = (channelFilter: string) => `sla_clocks AS (
      SELECT k.target, k.policy_id, k.policy_name, k.started_at, t.channel, t.tags,
        CASE WHEN k.outcome IN ('met', 'cancelled') THEN k.ended_by_user_id ELSE t.assignee_id END AS user_id,
        CASE WHEN k.breached_at IS NOT NULL THEN 'missed' WHEN k.outcome = 'met' THEN 'hit' WHEN k.outcome IN ('running', 'paused') THEN 'pending' END AS result
      FROM ticket_sla_clocks k JOIN tickets t ON t.id = k.ticket_id AND t.account_id = k.account_id
      WHERE k.account_id = ? AND k.started_at >= ?::timestamptz AND k.started_at < ?::timestamptz AND ${channelFilter}
    )`;

const SLA_COUNTS = `count(*) FILTER (WHERE s.result = 'hit') AS hit,
  count(*) FILTER (WHERE s.result = 'missed') AS missed,
  count(*) FILTER (WHERE s.result = 'pending') AS pending`;

interface SlaCountsRow {
  hit: string;
  missed: string;
  pending: string;
}

const NO_SLA_COUNTS: SlaCountsRow = { hit: '0', missed: '0', pending: '0' };

interface AttributedRow {
  kind: 'first_response' | 'resolution';
  tags: string[];
  user_id: string | null;
  started_at: Date;
  ended_at: Date;
}

/** Business-hours statistics of the attributed rows, overall, per agent (by user id, '' for none) and per tag. */
function businessStatsOf(calendar: StoredBusinessCalendar, rows: readonly AttributedRow[]) {
  const seconds = (row: AttributedRow) => businessTimeBetween(calendar, new Date(row.started_at), new Date(row.ended_at)) / 1000;
  const groups = new Map<string, { firstResponse: number[]; resolution: number[] }>();
  const add = (key: string, row: AttributedRow, value: number) => {
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { firstResponse: [], resolution: [] }));
    (row.kind === 'first_response' ? group.firstResponse : group.resolution).push(value);
  };
  for (const row of rows) {
    const value = seconds(row);
    add('all', row, value);
    add(`agent:${row.user_id ?? ''}`, row, value);
    for (const tag of row.tags) add(`tag:${tag}`, row, value);
  }
  return (key: string): BusinessStats => {
    const group = groups.get(key);
    return { firstResponse: durationStats(group?.firstResponse ?? []), resolution: durationStats(group?.resolution ?? []) };
  };
}

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

const EMPTY_STATS: SummaryStatsRow = { tickets: '0', measurements: '0', fr_count: '0', fr_median: null, fr_average: null, res_count: '0', res_median: null, res_average: null };

/**
 * Reporting (SPEC §8) by the definitions of docs/metrics.md, in SQL over the projections; only business-hours
 * durations are computed here, from each measurement's instants, with the calendar (businessTimeBetween).
 *
 * The tickets reported on are those of the account and channels whose creation (`created` event,
 * `tickets.created_at`) falls in [from, to); their first response and resolution are as the
 * projections hold them now (a ticket closed now is resolved, by its last close). Reopens are the
 * `reopened` events that occurred in [from, to), of tickets of those channels.
 */
@Injectable()
export class ReportsService {
  constructor(@Inject(ORM) private readonly orm: Orm) {}

  async summary(accountId: string, request: SummaryRequest): Promise<ReportSummaryDto> {
    const { channels, channelIn, channelFilter, period, filterParams } = cohortFilter(accountId, request);
    const calendar = request.calendarId === undefined ? null : await findBusinessCalendar(this.orm, accountId, request.calendarId);
    if (request.calendarId !== undefined && calendar === null) {
      throw ApiError.badRequest('calendarId must be a business calendar of this account (GET /business-calendars)', 'calendarId');
    }
    const measured = `${cohortCte(channelFilter)}, ${FIRST_RESPONSES_CTE}`;
    const measuredParams = [...filterParams, request.firstResponseAfterReopen];
    const em = this.orm.em.fork();

    const [totals = EMPTY_STATS] = await em.execute<SummaryStatsRow[]>(
      `WITH ${measured}
       SELECT * FROM
         (SELECT count(*) AS tickets, ${stats('c.resolution_s', 'res')} FROM cohort c) tickets,
         (SELECT count(*) AS measurements, ${stats('f.seconds', 'fr')} FROM first_responses f) responses`,
      measuredParams,
    );

    // Every tag of a cohort ticket has its base measurement, so the two sides hold the same tags.
    const tagRows = await em.execute<(SummaryStatsRow & { tag: string })[]>(
      `WITH ${measured},
       tag_tickets AS (
         SELECT tag, count(*) AS tickets, ${stats('c.resolution_s', 'res')}
         FROM cohort c CROSS JOIN LATERAL unnest(c.tags) AS tag GROUP BY tag
       ),
       tag_responses AS (
         SELECT tag, count(*) AS measurements, ${stats('f.seconds', 'fr')}
         FROM first_responses f CROSS JOIN LATERAL unnest(f.tags) AS tag GROUP BY tag
       )
       SELECT * FROM tag_tickets JOIN tag_responses USING (tag)`,
      measuredParams,
    );

    // First responses by the author of the reply that answered them, resolution by the author of the last `closed` event.
    const agentRows = await em.execute<(StatsRow & { user_id: string | null; name: string | null })[]>(
      `WITH ${measured}, ${ATTRIBUTED_CTE}
       SELECT a.user_id, u.name,
         ${stats(`CASE WHEN a.kind = 'first_response' THEN a.seconds END`, 'fr')},
         ${stats(`CASE WHEN a.kind = 'resolution' THEN a.seconds END`, 'res')}
       FROM attributed a LEFT JOIN users u ON u.id = a.user_id AND u.account_id = ?
       GROUP BY a.user_id, u.name
       ORDER BY u.name NULLS LAST, a.user_id NULLS LAST`,
      [...measuredParams, accountId],
    );

    // Business hours need each measurement's two instants: the calendar's open time between them is not SQL's to know.
    const business = calendar
      ? businessStatsOf(calendar, await em.execute<AttributedRow[]>(`WITH ${measured}, ${ATTRIBUTED_CTE} SELECT kind, tags, user_id, started_at, ended_at FROM attributed`, measuredParams))
      : () => NO_BUSINESS_STATS;

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

    const byTag = new Map<string, { stats: SummaryStatsRow; reopens: { reason: string | null; count: string }[] }>();
    const tagEntry = (tag: string) => {
      let entry = byTag.get(tag);
      if (!entry) byTag.set(tag, (entry = { stats: EMPTY_STATS, reopens: [] }));
      return entry;
    };
    for (const row of tagRows) tagEntry(row.tag).stats = row;
    for (const row of reopenTagRows) tagEntry(row.tag).reopens.push(row);

    const overall = business('all');
    return {
      period: { from: period[0], to: period[1] },
      channels: [...channels],
      businessCalendar: calendar && { id: calendar.id, name: calendar.name, timeZone: calendar.timeZone },
      firstResponseAfterReopen: request.firstResponseAfterReopen,
      ticketVolume: Number(totals.tickets),
      firstResponse: firstResponse(totals, overall),
      resolution: resolution(totals, overall),
      reopens: reopenCounts(reopenRows),
      byAgent: agentRows.map((row): AgentReportDto => {
        const agent = business(`agent:${row.user_id ?? ''}`);
        return {
          userId: row.user_id,
          name: row.name,
          firstResponse: {
            answered: Number(row.fr_count),
            medianSeconds: roundSeconds(row.fr_median),
            averageSeconds: roundSeconds(row.fr_average),
            ...businessFields(agent.firstResponse),
          },
          resolution: {
            resolved: Number(row.res_count),
            medianSeconds: roundSeconds(row.res_median),
            averageSeconds: roundSeconds(row.res_average),
            ...businessFields(agent.resolution),
          },
        };
      }),
      byTag: [...byTag.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([tag, entry]): TagReportDto => {
          const tagged = business(`tag:${tag}`);
          return {
            tag,
            ticketVolume: Number(entry.stats.tickets),
            firstResponse: firstResponse(entry.stats, tagged),
            resolution: resolution(entry.stats, tagged),
            reopens: reopenCounts(entry.reopens),
          };
        }),
      sla: await this.slaAchievement(accountId, channels, channelFilter, filterParams),
      csat: await this.csat(channels, channelIn('s.channel'), filterParams),
    };
  }

  /** SLA achievement of the targets started in the period (docs/metrics.md, "SLA achievement"). */
  private async slaAchievement(accountId: string, channels: readonly Channel[], channelFilter: string, filterParams: unknown[]): Promise<SlaReportDto> {
    const em = this.orm.em.fork();
    const counted = (select: string, from = '', groupOrder = '', extraParams: unknown[] = []) =>
      em.execute<(SlaCountsRow & Record<string, unknown>)[]>(
        `WITH ${slaClocksCte(channelFilter)} SELECT ${select}${select ? ', ' : ''}${SLA_COUNTS} FROM sla_clocks s ${from} WHERE s.result IS NOT NULL ${groupOrder}`,
        [...filterParams, ...extraParams],
      );
    const [overall = NO_SLA_COUNTS] = await counted('');
    const targetRows = await counted('s.target', '', 'GROUP BY s.target');
    // The policy's name now; the one its latest clock recorded once the policy is deleted.
    const policyRows = await counted(
      's.policy_id, coalesce(max(p.name), (array_agg(s.policy_name ORDER BY s.started_at DESC))[1]) AS policy_name',
      'LEFT JOIN sla_policies p ON p.id = s.policy_id AND p.account_id = ?',
      'GROUP BY s.policy_id ORDER BY 2 NULLS LAST, 1 NULLS LAST',
      [accountId],
    );
    const agentRows = await counted('s.user_id, u.name', 'LEFT JOIN users u ON u.id = s.user_id AND u.account_id = ?', 'GROUP BY s.user_id, u.name ORDER BY u.name NULLS LAST, s.user_id NULLS LAST', [
      accountId,
    ]);
    const tagRows = await counted('tag', 'CROSS JOIN LATERAL unnest(s.tags) AS tag', 'GROUP BY tag ORDER BY tag');
    const channelRows = await counted('s.channel', '', 'GROUP BY s.channel');
    const byKey = (rows: (SlaCountsRow & Record<string, unknown>)[], key: string) => new Map(rows.map((row) => [row[key] as string, row]));
    const targets = byKey(targetRows, 'target');
    const channelCounts = byKey(channelRows, 'channel');
    return {
      overall: slaAchievement(overall),
      byTarget: SLA_REPORT_TARGETS.map((target) => ({ target, ...slaAchievement(targets.get(target) ?? NO_SLA_COUNTS) })),
      byPolicy: policyRows.map((row) => ({ policyId: row['policy_id'] as string | null, policyName: row['policy_name'] as string | null, ...slaAchievement(row) })),
      byAgent: agentRows.map((row) => ({ userId: row['user_id'] as string | null, name: row['name'] as string | null, ...slaAchievement(row) })),
      byTag: tagRows.map((row) => ({ tag: row['tag'] as string, ...slaAchievement(row) })),
      byChannel: channels.map((channel) => ({ channel, ...slaAchievement(channelCounts.get(channel) ?? NO_SLA_COUNTS) })),
    };
  }

  /** CSAT of the surveys sent in the period, of the channels (docs/metrics.md, "CSAT"). */
  private async csat(channels: readonly Channel[], channelFilter: string, filterParams: unknown[]): Promise<CsatReportDto> {
    const rows = await this.orm.em.fork().execute<{ user_id: string | null; name: string | null; channel: Channel; score: number | null; count: string }[]>(
      `SELECT s.closed_by_user_id AS user_id, u.name, s.channel, s.score, count(*) AS count
       FROM csat_surveys s LEFT JOIN users u ON u.id = s.closed_by_user_id AND u.account_id = s.account_id
       WHERE s.account_id = ? AND s.sent_at >= ?::timestamptz AND s.sent_at < ?::timestamptz AND ${channelFilter}
       GROUP BY 1, 2, 3, 4`,
      filterParams,
    );
    const agents = new Map<string, { userId: string | null; name: string | null }>();
    for (const row of rows) agents.set(row.user_id ?? '', { userId: row.user_id, name: row.name });
    const byAgent = [...agents.values()]
      .sort((a, b) => compareNullsLast(a.name, b.name) || compareNullsLast(a.userId, b.userId))
      .map((agent): CsatAgentDto => ({ ...agent, ...csatStats(rows.filter((row) => row.user_id === agent.userId)) }));
    return {
      ...csatStats(rows),
      byAgent,
      byChannel: channels.map((channel) => ({ channel, ...csatStats(rows.filter((row) => row.channel === channel)) })),
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

/** Text order with nulls after every text (as ORDER BY … NULLS LAST). */
function compareNullsLast(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
