import { agentTimeZone } from '../common/time';

/** Durations in words an agent reads at a glance: 45 s, 12 min, 3 h 5 min, 2 d 4 h. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 59.5) return `${Math.round(seconds)} s`;
  if (seconds < 3600) {
    let minutes = Math.floor(seconds / 60);
    let rest = Math.round(seconds - minutes * 60);
    if (rest === 60) [minutes, rest] = [minutes + 1, 0];
    if (minutes === 60) return '1 h';
    return minutes < 10 && rest > 0 ? `${minutes} min ${rest} s` : `${minutes} min`;
  }
  if (seconds < 86_400) {
    let hours = Math.floor(seconds / 3600);
    let minutes = Math.round((seconds - hours * 3600) / 60);
    if (minutes === 60) [hours, minutes] = [hours + 1, 0];
    if (hours === 24) return '1 d';
    return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  }
  let days = Math.floor(seconds / 86_400);
  let hours = Math.round((seconds - days * 86_400) / 3600);
  if (hours === 24) [days, hours] = [days + 1, 0];
  return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
}

/** The unit a chart's duration axis counts in, chosen from its largest value. */
export interface DurationUnit {
  name: string;
  short: string;
  seconds: number;
}
export function durationUnit(maxSeconds: number): DurationUnit {
  if (maxSeconds < 120) return { name: 'seconds', short: 's', seconds: 1 };
  if (maxSeconds < 2 * 3600) return { name: 'minutes', short: 'min', seconds: 60 };
  if (maxSeconds < 48 * 3600) return { name: 'hours', short: 'h', seconds: 3600 };
  return { name: 'days', short: 'd', seconds: 86_400 };
}

/** Round axis ticks from 0 to at least max: steps of 1, 2 or 5 × 10ⁿ (whole numbers when `integers`). */
export function niceTicks(max: number, { count = 4, integers = false } = {}): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalized = raw / magnitude;
  let step = (normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 5 ? 5 : 10) * magnitude;
  if (integers) step = Math.max(1, Math.round(step));
  const ticks: number[] = [];
  for (let tick = 0; tick < max + step * 1e-9; tick += step) ticks.push(Number(tick.toPrecision(12)));
  if (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks.length * step).toPrecision(12)));
  return ticks;
}

const dayShort = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: agentTimeZone });
const dayLong = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: agentTimeZone });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: agentTimeZone });

/** A bucket's start on an axis: "6 Jan". */
export const formatAxisDate = (iso: string) => dayShort.format(new Date(iso));
/** A bucket in a tooltip: "Mon, 6 Jan 2025", or "week of Mon, 6 Jan 2025". */
export const formatBucket = (iso: string, interval: 'day' | 'week') => (interval === 'week' ? `week of ${dayLong.format(new Date(iso))}` : dayLong.format(new Date(iso)));
/** A calendar date (YYYY-MM-DD, local) in words: "6 Jan 2025". */
export function formatDate(value: string): string {
  const [year, month, day] = value.split('-').map(Number);
  return dateOnly.format(new Date(year!, (month ?? 1) - 1, day ?? 1, 12));
}

const integer = new Intl.NumberFormat();
export const formatCount = (value: number) => integer.format(value);
export const plural = (count: number, one: string, many = `${one}s`) => `${formatCount(count)} ${count === 1 ? one : many}`;

const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });
/** A fraction in [0, 1] as a percentage ("66.7%"); a dash when there is none. */
export const formatPercent = (fraction: number | null | undefined) => (fraction === null || fraction === undefined ? '—' : percent.format(fraction));

const score = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 2 });
/** A mean CSAT score: "4.33 / 5"; a dash when none was answered. */
export const formatScore = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${score.format(value)} / 5`);
