import type { Schemas } from '../api/client';

/**
 * The dashboard's period: two calendar dates (inclusive) in the agent's time zone, which is the browser's
 * (agentTimeZone), so the local-time Date constructor gives that zone's midnights. The API gets the half-open
 * instants [from's midnight, the midnight after to).
 */
export interface ReportFilters {
  /** YYYY-MM-DD, first day of the period */
  from: string;
  /** YYYY-MM-DD, last day of the period (inclusive) */
  to: string;
  channel: ChannelChoice;
}

export type Channel = Schemas['ReportSummaryDto']['channels'][number];
export type ChannelChoice = 'all' | Channel;
export const CHANNEL_CHOICES: { value: ChannelChoice; label: string }[] = [
  { value: 'all', label: 'All channels' },
  { value: 'sms', label: 'SMS' },
  { value: 'email', label: 'Email' },
  { value: 'web_chat', label: 'Web chat' },
];

export const PRESET_DAYS = [7, 30, 90] as const;
export const DEFAULT_DAYS = 30;
/** The API's limit (MAX_REPORT_DAYS), measured the same way: to − from in milliseconds. */
export const MAX_DAYS = 366;
/** Longer periods are charted by ISO week. */
export const DAILY_UP_TO_DAYS = 90;
const DAY_MS = 86_400_000;

const pad = (n: number) => String(n).padStart(2, '0');

/** A local date as YYYY-MM-DD. */
export function dateInput(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Local midnight of a YYYY-MM-DD date (the first instant of that day where a zone skips midnight), or null. */
export function localMidnight(value: string, plusDays = 0): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(year, month - 1, day + plusDays);
  return Number.isNaN(date.getTime()) || date.getDate() !== new Date(year, month - 1, day + plusDays, 12).getDate() ? null : date;
}

/** The last `days` calendar days, today included. */
export function lastDays(days: number, today = new Date()): Pick<ReportFilters, 'from' | 'to'> {
  const from = new Date(today.getFullYear(), today.getMonth(), today.getDate() - (days - 1));
  return { from: dateInput(from), to: dateInput(today) };
}

export function initialReportFilters(): ReportFilters {
  return { ...lastDays(DEFAULT_DAYS), channel: 'all' };
}

export type ReportPeriod =
  | { ok: true; from: string; to: string; days: number; interval: 'day' | 'week' }
  | { ok: false; field: 'from' | 'to'; message: string };

/** The instants the API is asked for, or what is wrong with the dates. */
export function reportPeriod(filters: Pick<ReportFilters, 'from' | 'to'>): ReportPeriod {
  const from = localMidnight(filters.from);
  if (!from) return { ok: false, field: 'from', message: 'Enter the first day of the period.' };
  const to = localMidnight(filters.to, 1);
  if (!to) return { ok: false, field: 'to', message: 'Enter the last day of the period.' };
  if (to.getTime() <= from.getTime()) return { ok: false, field: 'to', message: 'The last day must be on or after the first day.' };
  if (to.getTime() - from.getTime() > MAX_DAYS * DAY_MS) return { ok: false, field: 'to', message: `A report covers at most ${MAX_DAYS} days: choose a shorter period.` };
  const days = Math.round((to.getTime() - from.getTime()) / DAY_MS);
  return { ok: true, from: from.toISOString(), to: to.toISOString(), days, interval: days > DAILY_UP_TO_DAYS ? 'week' : 'day' };
}

/** The query both report endpoints take: the period and, unless all, the channel. */
export function reportQuery(period: { from: string; to: string }, channel: ChannelChoice) {
  return channel === 'all' ? { from: period.from, to: period.to } : { from: period.from, to: period.to, channel };
}
