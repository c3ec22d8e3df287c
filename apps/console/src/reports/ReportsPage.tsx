import { useQuery } from '@tanstack/react-query';
import { useId, useState, type ReactNode } from 'react';
import { api, describeFailure, unwrap, type Schemas } from '../api/client';
import { useUserName } from '../common/people';
import { agentTimeZone } from '../common/time';
import { BarChart, DurationLineChart, type ChartPoint } from './charts';
import { agentColumns, downloadCsv, slaColumns, tagColumns, toCsv, type CsvColumn } from './csv';
import { formatAxisDate, formatBucket, formatCount, formatDate, formatDuration, formatPercent, formatScore, plural } from './format';
import {
  CHANNEL_CHOICES,
  PRESET_DAYS,
  initialReportFilters,
  lastDays,
  reportPeriod,
  reportQuery,
  type ChannelChoice,
  type ReportFilters,
} from './period';

type Summary = Schemas['ReportSummaryDto'];
type TimeSeries = Schemas['ReportTimeSeriesDto'];
type Agent = Schemas['AgentReportDto'];
type Calendar = Schemas['BusinessCalendarDto'];
type SlaCounts = Schemas['SlaAchievementDto'];
type SlaTarget = Schemas['SlaTargetAchievementDto'];
type SlaPolicy = Schemas['SlaPolicyAchievementDto'];
type SlaAgent = Schemas['SlaAgentAchievementDto'];

/** A median and a mean of seconds, in clock time or in the business hours of the report's calendar. */
interface Durations {
  medianSeconds: number | null;
  averageSeconds: number | null;
  businessMedianSeconds: number | null;
  businessAverageSeconds: number | null;
}
const timesOf = (stats: Durations, business: boolean) =>
  business ? { median: stats.businessMedianSeconds, average: stats.businessAverageSeconds } : { median: stats.medianSeconds, average: stats.averageSeconds };

const SLA_TARGET_LABELS: Record<SlaTarget['target'], string> = { first_response: 'First response', next_response: 'Next response', resolution: 'Resolution' };

/** The buckets are cut at the agent's own midnights (an IANA name; UTC should the browser not know its zone). */
const TIME_ZONE = agentTimeZone || 'UTC';
const STALE_MS = 60_000;

/** SPEC §8: volume, first response and resolution over a period, per agent and per tag (docs/metrics.md). */
export function ReportsPage() {
  const [filters, setFilters] = useState<ReportFilters>(initialReportFilters);
  /** '' for clock time, else the calendar whose business hours the time figures count. */
  const [calendarId, setCalendarId] = useState('');
  const period = reportPeriod(filters);
  const query = period.ok ? reportQuery(period, filters.channel) : undefined;
  const calendars = useQuery({ queryKey: ['reports', 'business-calendars'], queryFn: () => unwrap(api.GET('/business-calendars')), staleTime: STALE_MS });
  const summaryQuery = query && (calendarId === '' ? query : { ...query, calendarId });

  const summary = useQuery({
    queryKey: ['reports', 'summary', summaryQuery],
    queryFn: () => unwrap(api.GET('/reports/summary', { params: { query: summaryQuery! } })),
    enabled: query !== undefined,
    staleTime: STALE_MS,
  });
  const series = useQuery({
    queryKey: ['reports', 'timeseries', query, period.ok ? period.interval : null, TIME_ZONE],
    queryFn: () => unwrap(api.GET('/reports/timeseries', { params: { query: { ...query!, interval: period.ok ? period.interval : 'day', timeZone: TIME_ZONE } } })),
    enabled: query !== undefined,
    staleTime: STALE_MS,
  });

  const channelLabel = CHANNEL_CHOICES.find((choice) => choice.value === filters.channel)!.label;
  // The figures follow the summary shown, so they never mix a calendar's hours with another answer's.
  const shownCalendar = summary.data?.businessCalendar ?? null;
  const business = shownCalendar !== null;
  return (
    <section className="reports" aria-labelledby="reports-title">
      <header className="list-header">
        <h1 id="reports-title">Reports</h1>
      </header>
      <PeriodPicker
        filters={filters}
        onChange={setFilters}
        error={period.ok ? undefined : period}
        calendars={calendars.data?.calendars ?? []}
        calendarId={calendarId}
        onCalendarChange={setCalendarId}
      />
      {period.ok && (
        <>
          <p className="muted report-scope">
            Tickets created from {formatDate(filters.from)} to {formatDate(filters.to)} ({plural(period.days, 'day')}), {channelLabel.toLowerCase()}; days
            start at midnight {TIME_ZONE === 'UTC' ? 'UTC' : `in ${TIME_ZONE}`}.{' '}
            {shownCalendar
              ? `Response and resolution times count the business hours of ${shownCalendar.name} (${shownCalendar.timeZone}) only, as they stand now; the charts stay in wall-clock time.`
              : 'Times are wall-clock, as they stand now.'}
          </p>
          <QueryState query={summary} what="the report">
            {(data) => <Headline summary={data} business={business} />}
          </QueryState>
          <section aria-labelledby="charts-title">
            <h2 id="charts-title">Over time</h2>
            <QueryState query={series} what="the charts">
              {(data) =>
                data.buckets.every((bucket) => bucket.ticketsCreated === 0) ? (
                  <div className="empty">
                    <h3>No tickets were created in this period</h3>
                    <p>Choose a longer period (Last 90 days, or earlier dates) or another channel to see volume and response times over time.</p>
                  </div>
                ) : (
                  <Charts series={data} />
                )
              }
            </QueryState>
          </section>
          {summary.data && (
            <>
              <AgentTable summary={summary.data} filters={filters} business={business} />
              <TagTable summary={summary.data} filters={filters} business={business} />
              <SlaSection summary={summary.data} filters={filters} />
              <CsatSection summary={summary.data} />
            </>
          )}
        </>
      )}
    </section>
  );
}

function PeriodPicker({
  filters,
  onChange,
  error,
  calendars,
  calendarId,
  onCalendarChange,
}: {
  filters: ReportFilters;
  onChange: (filters: ReportFilters) => void;
  error?: { field: 'from' | 'to'; message: string };
  calendars: Calendar[];
  calendarId: string;
  onCalendarChange: (calendarId: string) => void;
}) {
  const errorId = useId();
  const set = (change: Partial<ReportFilters>) => onChange({ ...filters, ...change });
  const invalid = (field: 'from' | 'to') => (error?.field === field ? { 'aria-invalid': true, 'aria-describedby': errorId } : {});
  return (
    <form className="filters report-filters" aria-label="Report period and channel" onSubmit={(event) => event.preventDefault()}>
      <label>
        From
        <input type="date" value={filters.from} required onChange={(event) => set({ from: event.target.value })} {...invalid('from')} />
      </label>
      <label>
        To (inclusive)
        <input type="date" value={filters.to} required onChange={(event) => set({ to: event.target.value })} {...invalid('to')} />
      </label>
      <fieldset>
        <legend>Quick periods</legend>
        {PRESET_DAYS.map((days) => {
          const preset = lastDays(days);
          const active = preset.from === filters.from && preset.to === filters.to;
          return (
            <button key={days} type="button" aria-pressed={active} onClick={() => set(preset)}>
              Last {days} days
            </button>
          );
        })}
      </fieldset>
      <label>
        Channel
        <select value={filters.channel} onChange={(event) => set({ channel: event.target.value as ChannelChoice })}>
          {CHANNEL_CHOICES.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Count time in
        <select value={calendarId} onChange={(event) => onCalendarChange(event.target.value)}>
          <option value="">Clock time (around the clock)</option>
          {calendars.map((calendar) => (
            <option key={calendar.id} value={calendar.id}>
              Business hours: {calendar.name} ({calendar.timeZone})
            </option>
          ))}
        </select>
      </label>
      {error && (
        <p className="error" role="alert" id={errorId}>
          {error.message}
        </p>
      )}
    </form>
  );
}

interface QueryLike<T> {
  data: T | undefined;
  error: unknown;
  isPending: boolean;
  isError: boolean;
  isFetching: boolean;
  refetch: () => unknown;
}

/** Loading, a failure in words with a retry, or the data. */
function QueryState<T>({ query, what, children }: { query: QueryLike<T>; what: string; children: (data: T) => ReactNode }) {
  if (query.isError) {
    return (
      <div className="report-error" role="alert">
        <p className="error">
          Could not load {what}: {describeFailure(query.error)}
        </p>
        <button type="button" onClick={() => void query.refetch()} disabled={query.isFetching}>
          Try again
        </button>
      </div>
    );
  }
  if (query.isPending || query.data === undefined) {
    return (
      <p className="loading" role="status">
        Loading {what}…
      </p>
    );
  }
  return <>{children(query.data)}</>;
}

function Headline({ summary, business }: { summary: Summary; business: boolean }) {
  const { ticketVolume, firstResponse, resolution, reopens } = summary;
  const firstResponseTimes = timesOf(firstResponse, business);
  const resolutionTimes = timesOf(resolution, business);
  const inHours = business ? ' (business hours)' : '';
  const otherReasons = Object.entries(reopens.byReason).filter(([reason]) => reason !== 'inbound_message' && reason !== 'agent');
  return (
    <section aria-labelledby="headline-title">
      <h2 id="headline-title" className="visually-hidden">
        Totals
      </h2>
      <dl className="headline">
        <div>
          <dt>Tickets created</dt>
          <dd className="figure">{formatCount(ticketVolume)}</dd>
          <dd className="muted">{ticketVolume === 0 ? 'None in this period' : `${formatCount(firstResponse.answered)} answered, ${formatCount(firstResponse.unanswered)} unanswered`}</dd>
        </div>
        <div>
          <dt>Median first response{inHours}</dt>
          <dd className="figure">{formatDuration(firstResponseTimes.median)}</dd>
          <dd className="muted">
            {firstResponse.answered === 0 ? 'No ticket answered yet' : `Average ${formatDuration(firstResponseTimes.average)} over ${plural(firstResponse.answered, 'answered ticket')}`}
          </dd>
        </div>
        <div>
          <dt>Median resolution{inHours}</dt>
          <dd className="figure">{formatDuration(resolutionTimes.median)}</dd>
          <dd className="muted">
            {resolution.resolved === 0
              ? 'No ticket resolved yet'
              : `Average ${formatDuration(resolutionTimes.average)}; ${formatCount(resolution.resolved)} resolved, ${formatCount(resolution.unresolved)} unresolved`}
          </dd>
        </div>
        <div>
          <dt>Reopens</dt>
          <dd className="figure">{formatCount(reopens.total)}</dd>
          <dd className="muted">
            {formatCount(reopens.byReason.inbound_message ?? 0)} by a customer message, {formatCount(reopens.byReason.agent ?? 0)} by an agent
            {otherReasons.map(([reason, count]) => `, ${formatCount(count)} ${reason}`).join('')}
          </dd>
        </div>
      </dl>
    </section>
  );
}

function Charts({ series }: { series: TimeSeries }) {
  const { buckets, interval } = series;
  const unit = interval === 'week' ? 'week' : 'day';
  const xAxis = interval === 'week' ? 'Week starting (Monday)' : 'Day';
  const span = `${plural(buckets.length, unit)} from ${formatBucket(buckets[0]!.start, 'day')} to ${formatBucket(buckets[buckets.length - 1]!.start, 'day')}`;
  const total = buckets.reduce((sum, bucket) => sum + bucket.ticketsCreated, 0);
  const busiest = buckets.reduce((best, bucket) => (bucket.ticketsCreated > best.ticketsCreated ? bucket : best), buckets[0]!);

  const volume: ChartPoint[] = buckets.map((bucket) => ({
    key: bucket.start,
    axisLabel: formatAxisDate(bucket.start),
    value: bucket.ticketsCreated,
    title: `${formatBucket(bucket.start, interval)}: ${plural(bucket.ticketsCreated, 'ticket')} created`,
  }));
  const medians = (value: (bucket: TimeSeries['buckets'][number]) => number | null, count: (bucket: TimeSeries['buckets'][number]) => number, counted: string, none: string) =>
    buckets.map(
      (bucket): ChartPoint => ({
        key: bucket.start,
        axisLabel: formatAxisDate(bucket.start),
        value: value(bucket),
        title: value(bucket) === null ? `${formatBucket(bucket.start, interval)}: ${none}` : `${formatBucket(bucket.start, interval)}: median ${formatDuration(value(bucket))} over ${plural(count(bucket), counted)}`,
      }),
    );
  const describe = (what: string, points: ChartPoint[], none: string) => {
    const values = points.map((point) => point.value).filter((value): value is number => value !== null);
    if (values.length === 0) return `${what} per ${unit}, ${span}: ${none} in any ${unit}.`;
    const gaps = points.length - values.length;
    return `${what} per ${unit}, ${span}: from ${formatDuration(Math.min(...values))} to ${formatDuration(Math.max(...values))}${gaps > 0 ? `; ${plural(gaps, unit)} without a value` : ''}.`;
  };
  const firstResponse = medians((bucket) => bucket.firstResponseMedianSeconds, (bucket) => bucket.firstResponseCount, 'answered ticket', 'no ticket answered');
  const resolution = medians((bucket) => bucket.resolutionMedianSeconds, (bucket) => bucket.resolutionCount, 'resolved ticket', 'no ticket resolved');
  return (
    <div className="charts">
      <BarChart
        heading="Ticket volume"
        summary={`Tickets created per ${unit}, ${span}: ${plural(total, 'ticket')} in total, most on ${formatBucket(busiest.start, interval)} (${formatCount(busiest.ticketsCreated)}).`}
        points={volume}
        xAxis={xAxis}
        yAxis="Tickets created"
      />
      <DurationLineChart
        heading="Median first response"
        summary={describe('Median first response', firstResponse, 'no ticket answered')}
        points={firstResponse}
        xAxis={xAxis}
        yAxis="Median first response"
        tone="first-response"
      />
      <DurationLineChart
        heading="Median resolution"
        summary={describe('Median resolution', resolution, 'no ticket resolved')}
        points={resolution}
        xAxis={xAxis}
        yAxis="Median resolution"
        tone="resolution"
      />
    </div>
  );
}

const csvName = (table: string, filters: ReportFilters) => `report-${table}-${filters.channel === 'all' ? '' : `${filters.channel}-`}${filters.from}-${filters.to}.csv`;

function TableSection({ id, title, onDownload, canDownload, children }: { id: string; title: string; onDownload: () => void; canDownload: boolean; children: ReactNode }) {
  return (
    <section className="report-table" aria-labelledby={id}>
      <div className="list-header">
        <h2 id={id}>{title}</h2>
        {canDownload && (
          <button type="button" onClick={onDownload} aria-describedby={id}>
            Download CSV
          </button>
        )}
      </div>
      {children}
    </section>
  );
}

function AgentTable({ summary, filters, business }: { summary: Summary; filters: ReportFilters; business: boolean }) {
  const userName = useUserName();
  const agentName = (agent: Agent) => agent.name ?? (agent.userId ? userName(agent.userId) : 'System (no agent)');
  const download = () => downloadCsv(csvName('agents', filters), toCsv(agentColumns(agentName, { business }), summary.byAgent));
  const inHours = business ? ' (business hours)' : '';
  return (
    <TableSection id="agents-title" title="By agent" canDownload={summary.byAgent.length > 0} onDownload={download}>
      {summary.byAgent.length === 0 ? (
        <p className="empty">
          No agent sent a first reply to, or closed, a ticket created in this period. Replies and closes appear here by the agent who made them; choose a
          longer period to see more.
        </p>
      ) : (
        <table className="report">
          <caption className="visually-hidden">First responses by the agent who sent the first reply, resolutions by the agent who closed the ticket last</caption>
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col" className="num">First responses</th>
              <th scope="col" className="num">Median first response{inHours}</th>
              <th scope="col" className="num">Average first response{inHours}</th>
              <th scope="col" className="num">Resolved</th>
              <th scope="col" className="num">Median resolution{inHours}</th>
              <th scope="col" className="num">Average resolution{inHours}</th>
            </tr>
          </thead>
          <tbody>
            {summary.byAgent.map((agent) => {
              const firstResponse = timesOf(agent.firstResponse, business);
              const resolution = timesOf(agent.resolution, business);
              return (
                <tr key={agent.userId ?? 'system'}>
                  <th scope="row">{agentName(agent)}</th>
                  <td className="num">{formatCount(agent.firstResponse.answered)}</td>
                  <td className="num">{formatDuration(firstResponse.median)}</td>
                  <td className="num">{formatDuration(firstResponse.average)}</td>
                  <td className="num">{formatCount(agent.resolution.resolved)}</td>
                  <td className="num">{formatDuration(resolution.median)}</td>
                  <td className="num">{formatDuration(resolution.average)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </TableSection>
  );
}

function TagTable({ summary, filters, business }: { summary: Summary; filters: ReportFilters; business: boolean }) {
  const download = () => downloadCsv(csvName('tags', filters), toCsv(tagColumns(summary.byTag, { business }), summary.byTag));
  const inHours = business ? ' (business hours)' : '';
  return (
    <TableSection id="tags-title" title="By tag" canDownload={summary.byTag.length > 0} onDownload={download}>
      {summary.byTag.length === 0 ? (
        <p className="empty">No ticket created in this period carries a tag. Tag tickets from the ticket page to compare topics here.</p>
      ) : (
        <table className="report">
          <caption className="visually-hidden">By the tickets' current tags; a ticket counts once under each of its tags</caption>
          <thead>
            <tr>
              <th scope="col">Tag</th>
              <th scope="col" className="num">Tickets</th>
              <th scope="col" className="num">Answered</th>
              <th scope="col" className="num">Median first response{inHours}</th>
              <th scope="col" className="num">Resolved</th>
              <th scope="col" className="num">Median resolution{inHours}</th>
              <th scope="col" className="num">Reopens</th>
            </tr>
          </thead>
          <tbody>
            {summary.byTag.map((tag) => (
              <tr key={tag.tag}>
                <th scope="row">
                  <span className="tag">{tag.tag}</span>
                </th>
                <td className="num">{formatCount(tag.ticketVolume)}</td>
                <td className="num">{formatCount(tag.firstResponse.answered)}</td>
                <td className="num">{formatDuration(timesOf(tag.firstResponse, business).median)}</td>
                <td className="num">{formatCount(tag.resolution.resolved)}</td>
                <td className="num">{formatDuration(timesOf(tag.resolution, business).median)}</td>
                <td className="num">{formatCount(tag.reopens.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </TableSection>
  );
}

const slaSummary = (counts: SlaCounts) =>
  counts.achievementRate === null
    ? `${plural(counts.pending, 'target')} pending, none decided yet`
    : `${formatCount(counts.hit)} hit, ${formatCount(counts.missed)} missed, ${formatCount(counts.pending)} pending`;

/** One SLA breakdown: a row per group with its counts and achievement, and its CSV. */
function SlaTable<Row extends SlaCounts>({
  id,
  title,
  rowHeader,
  rows,
  label,
  csvColumns,
  csvFile,
  empty,
}: {
  id: string;
  title: string;
  rowHeader: string;
  rows: Row[];
  label: (row: Row) => string;
  csvColumns: CsvColumn<Row>[];
  csvFile: string;
  empty: string;
}) {
  const download = () => downloadCsv(csvFile, toCsv(slaColumns(csvColumns), rows));
  return (
    <TableSection id={id} title={title} canDownload={rows.length > 0} onDownload={download}>
      {rows.length === 0 ? (
        <p className="empty">{empty}</p>
      ) : (
        <table className="report">
          <thead>
            <tr>
              <th scope="col">{rowHeader}</th>
              <th scope="col" className="num">Hit</th>
              <th scope="col" className="num">Missed</th>
              <th scope="col" className="num">Pending</th>
              <th scope="col" className="num">Achievement</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={label(row)}>
                <th scope="row">{label(row)}</th>
                <td className="num">{formatCount(row.hit)}</td>
                <td className="num">{formatCount(row.missed)}</td>
                <td className="num">{formatCount(row.pending)}</td>
                <td className="num">{formatPercent(row.achievementRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </TableSection>
  );
}

/** SLA achievement of the targets started in the period (docs/metrics.md): hit / (hit + missed), pending apart. */
function SlaSection({ summary, filters }: { summary: Summary; filters: ReportFilters }) {
  const userName = useUserName();
  const { sla } = summary;
  const agentName = (agent: SlaAgent) => agent.name ?? (agent.userId ? userName(agent.userId) : 'Unassigned');
  const policyName = (policy: SlaPolicy) => policy.policyName ?? policy.policyId ?? 'No policy';
  return (
    <section className="report-sla" aria-labelledby="sla-title">
      <h2 id="sla-title">Service levels</h2>
      <dl className="headline">
        <div>
          <dt>SLA achievement</dt>
          <dd className="figure">{formatPercent(sla.overall.achievementRate)}</dd>
          <dd className="muted">{sla.overall.hit + sla.overall.missed + sla.overall.pending === 0 ? 'No SLA target started in this period' : slaSummary(sla.overall)}</dd>
        </div>
        {sla.byTarget.map((target) => (
          <div key={target.target}>
            <dt>{SLA_TARGET_LABELS[target.target]}</dt>
            <dd className="figure">{formatPercent(target.achievementRate)}</dd>
            <dd className="muted">{slaSummary(target)}</dd>
          </div>
        ))}
      </dl>
      <SlaTable
        id="sla-targets-title"
        title="SLA by target"
        rowHeader="Target"
        rows={sla.byTarget}
        label={(row) => SLA_TARGET_LABELS[row.target]}
        csvColumns={[
          { header: 'Target', value: (row) => SLA_TARGET_LABELS[row.target] },
          { header: 'Target kind', value: (row) => row.target },
        ]}
        csvFile={csvName('sla-targets', filters)}
        empty="No SLA target."
      />
      <SlaTable
        id="sla-policies-title"
        title="SLA by policy"
        rowHeader="Policy"
        rows={sla.byPolicy}
        label={policyName}
        csvColumns={[
          { header: 'Policy', value: policyName },
          { header: 'Policy ID', value: (row) => row.policyId },
        ]}
        csvFile={csvName('sla-policies', filters)}
        empty="No SLA policy set a target on a ticket in this period. Policies are set up in Settings › Service levels."
      />
      <SlaTable
        id="sla-agents-title"
        title="SLA by agent"
        rowHeader="Agent"
        rows={sla.byAgent}
        label={agentName}
        csvColumns={[
          { header: 'Agent', value: agentName },
          { header: 'User ID', value: (row) => row.userId },
        ]}
        csvFile={csvName('sla-agents', filters)}
        empty="No SLA target started in this period. Targets count for the agent whose reply or close ended them, or the assignee while they run."
      />
    </section>
  );
}

/** CSAT of the surveys sent in the period: average, response rate and how the answers spread. */
function CsatSection({ summary }: { summary: Summary }) {
  const { csat } = summary;
  const scores = ['5', '4', '3', '2', '1'] as const;
  return (
    <section className="report-table" aria-labelledby="csat-title">
      <h2 id="csat-title">Customer satisfaction</h2>
      <dl className="headline">
        <div>
          <dt>Average score</dt>
          <dd className="figure">{formatScore(csat.averageScore)}</dd>
          <dd className="muted">{csat.answered === 0 ? 'No survey answered yet' : `Over ${plural(csat.answered, 'answer')}`}</dd>
        </div>
        <div>
          <dt>Response rate</dt>
          <dd className="figure">{formatPercent(csat.responseRate)}</dd>
          <dd className="muted">{csat.sent === 0 ? 'No survey sent in this period' : `${formatCount(csat.answered)} of ${plural(csat.sent, 'survey')} answered`}</dd>
        </div>
      </dl>
      {csat.answered > 0 && (
        <table className="report">
          <caption>Answers by score</caption>
          <thead>
            <tr>
              <th scope="col">Score</th>
              <th scope="col" className="num">Answers</th>
              <th scope="col" className="num">Share</th>
            </tr>
          </thead>
          <tbody>
            {scores.map((score) => (
              <tr key={score}>
                <th scope="row">{score} / 5</th>
                <td className="num">{formatCount(csat.distribution[score])}</td>
                <td className="num">{formatPercent(csat.distribution[score] / csat.answered)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
