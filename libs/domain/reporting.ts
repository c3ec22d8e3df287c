/**
 * Pure parts of reporting (SPEC §8, docs/metrics.md): the period rules, the statistics as the
 * reports state them, and the shape of reopen counts. The numbers themselves come from SQL over the
 * projections; these functions are what that SQL is checked against.
 */

/** The longest period a report covers. */
export const MAX_REPORT_DAYS = 366;

/** The reasons a `reopened` event carries (`detail.reason`); reports always list them, zero or not. */
export const REOPEN_REASONS = ['inbound_message', 'agent'] as const;

/** A `reopened` event without a reason (none are written today) is counted under this key. */
export const UNKNOWN_REOPEN_REASON = 'unknown';

/** The period of a report that names no `from`: this many days up to `to` (now when `to` is omitted too). */
export const DEFAULT_REPORT_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The buckets of a report time series: a calendar day or an ISO week (Monday to Monday), in the report's time zone. */
export const REPORT_INTERVALS = ['day', 'week'] as const;
export type ReportInterval = (typeof REPORT_INTERVALS)[number];
export const DEFAULT_REPORT_INTERVAL: ReportInterval = 'day';

/** The time zone of a report time series that names none. */
export const DEFAULT_REPORT_TIME_ZONE = 'UTC';

/**
 * The IANA time zone a report's buckets are cut in, as given but spelled in the database's case (`europe/paris` →
 * `Europe/Paris`; names are matched case-insensitively, here as in PostgreSQL), or null. Only `UTC` and Area/Location names (`Europe/Paris`, `America/Argentina/Buenos_Aires`, `Etc/GMT+5`) that the
 * time-zone database knows: not UTC offsets (`+02:00`, which PostgreSQL would read as POSIX, sign reversed) and not
 * abbreviations (`CET`, `EST`), which PostgreSQL may take as fixed offsets where the database has rules.
 */
export function reportTimeZone(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 100) return null;
  if (value.toUpperCase() !== 'UTC' && !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)+$/.test(value)) return null;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  // Only the spelling is taken from ICU: its canonical ids are sometimes older links (Asia/Kolkata → Asia/Calcutta).
  return resolved.toLowerCase() === value.toLowerCase() ? resolved : value;
}

export type ReportPeriod = { ok: true; from: Date; to: Date } | { ok: false; field: 'from' | 'to'; message: string };

/**
 * A half-open period [from, to): both ISO 8601 date-times, from before to, at most MAX_REPORT_DAYS long.
 * `to` omitted is `now`; `from` omitted is DEFAULT_REPORT_DAYS days before `to`.
 */
export function validateReportPeriod(from: string | undefined, to: string | undefined, now: Date = new Date()): ReportPeriod {
  const toMs = to === undefined ? now.getTime() : Date.parse(to);
  const fromMs = from === undefined ? toMs - DEFAULT_REPORT_DAYS * DAY_MS : Date.parse(from);
  if (Number.isNaN(fromMs)) return { ok: false, field: 'from', message: 'from must be an ISO 8601 date-time' };
  if (Number.isNaN(toMs)) return { ok: false, field: 'to', message: 'to must be an ISO 8601 date-time' };
  if (toMs <= fromMs) return { ok: false, field: 'to', message: 'to must be after from' };
  if (toMs - fromMs > MAX_REPORT_DAYS * DAY_MS) return { ok: false, field: 'to', message: `the period must be at most ${MAX_REPORT_DAYS} days` };
  return { ok: true, from: new Date(fromMs), to: new Date(toMs) };
}

/** The median as percentile_cont(0.5) computes it: the middle value, or the mean of the two middle ones; null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The arithmetic mean; null for none. */
export function average(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/**
 * Seconds as reports give them: to the millisecond (the precision of the projections' times).
 * Accepts the strings PostgreSQL's numeric results arrive as; null stays null.
 */
export function roundSeconds(value: number | string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const seconds = Number(value);
  if (!Number.isFinite(seconds)) return null;
  const rounded = Math.round(seconds * 1000) / 1000;
  return Object.is(rounded, -0) ? 0 : rounded;
}

export interface ReopenCounts {
  total: number;
  /** Every known reason (zero when none), plus any other reason seen. */
  byReason: Record<string, number>;
}

/** Reopen counts from rows of (reason, count); a missing reason counts as UNKNOWN_REOPEN_REASON. */
export function reopenCounts(rows: readonly { reason: string | null; count: number | string }[]): ReopenCounts {
  const byReason: Record<string, number> = Object.fromEntries(REOPEN_REASONS.map((reason) => [reason, 0]));
  let total = 0;
  for (const row of rows) {
    const count = Number(row.count);
    const reason = row.reason ?? UNKNOWN_REOPEN_REASON;
    byReason[reason] = (byReason[reason] ?? 0) + count;
    total += count;
  }
  return { total, byReason };
}

export interface DurationStats {
  count: number;
  medianSeconds: number | null;
  averageSeconds: number | null;
}

/** The statistics of a set of durations in seconds, as reports give them. */
export function durationStats(seconds: readonly number[]): DurationStats {
  return { count: seconds.length, medianSeconds: roundSeconds(median(seconds)), averageSeconds: roundSeconds(average(seconds)) };
}

/** The SLA targets a report breaks achievement down by, in this order (docs/metrics.md, "SLA achievement"). */
export const SLA_REPORT_TARGETS = ['first_response', 'next_response', 'resolution'] as const;
export type SlaReportTarget = (typeof SLA_REPORT_TARGETS)[number];

/** What a timed SLA target counts as in a report; `not_counted` is a target cancelled before it was breached. */
export type SlaTargetResult = 'hit' | 'missed' | 'pending' | 'not_counted';

/**
 * A ticket_sla_clocks row as a report counts it: missed once breached (whatever its outcome), hit when met in time,
 * pending while it runs or is paused unbreached; a cancelled unbreached target (no reply was owed) is not counted.
 * The reports' SQL classifies rows by the same rule.
 */
export function slaTargetResult(clock: { outcome: string; breachedAt: Date | string | null }): SlaTargetResult {
  if (clock.breachedAt !== null) return 'missed';
  if (clock.outcome === 'met') return 'hit';
  if (clock.outcome === 'running' || clock.outcome === 'paused') return 'pending';
  return 'not_counted';
}

/** A part of a whole as a fraction in [0, 1], unrounded; null when the whole is 0. */
export function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

export interface SlaAchievement {
  hit: number;
  missed: number;
  pending: number;
  /** hit / (hit + missed): pending targets are not decided yet; null when none is decided. */
  achievementRate: number | null;
}

export function slaAchievement(counts: { hit: number | string; missed: number | string; pending: number | string }): SlaAchievement {
  const [hit, missed, pending] = [Number(counts.hit), Number(counts.missed), Number(counts.pending)];
  return { hit, missed, pending, achievementRate: ratio(hit, hit + missed) };
}

export const CSAT_SCORES = [1, 2, 3, 4, 5] as const;
export type CsatDistribution = Record<'1' | '2' | '3' | '4' | '5', number>;

export interface CsatStats {
  sent: number;
  answered: number;
  /** answered / sent; null when none was sent. */
  responseRate: number | null;
  /** Mean of the answered scores, unrounded; null when none was answered. */
  averageScore: number | null;
  /** Answered surveys per score, every score present. */
  distribution: CsatDistribution;
}

/** CSAT figures from rows of (score, count); a null score is a survey sent and not answered. */
export function csatStats(rows: readonly { score: number | string | null; count: number | string }[]): CsatStats {
  const distribution = Object.fromEntries(CSAT_SCORES.map((score) => [String(score), 0])) as CsatDistribution;
  let sent = 0;
  let answered = 0;
  let total = 0;
  for (const row of rows) {
    const count = Number(row.count);
    sent += count;
    if (row.score === null) continue;
    const score = Number(row.score);
    const key = String(score) as keyof CsatDistribution;
    if (!(key in distribution)) continue;
    distribution[key] += count;
    answered += count;
    total += score * count;
  }
  return { sent, answered, responseRate: ratio(answered, sent), averageScore: ratio(total, answered), distribution };
}
