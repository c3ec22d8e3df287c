/**
 * Web-chat office hours (SPEC §7): a weekly schedule in the account's time zone
 * plus dated exceptions (holidays, special hours).
 *
 * Runs in activities, not workflows: it reads the time-zone database through
 * Intl, which can change when Node is upgraded.
 *
 * Rules:
 * - At most one window per weekday and one exception per date.
 * - Times are 'HH:MM' (24-hour, two digits). `closes` may be '24:00' (end of day).
 * - A window whose `closes` is earlier than its `opens` runs past midnight into
 *   the next day, and belongs to the day it opens: an exception on the next day
 *   does not cut it short. `opens` equal to `closes` is rejected (ambiguous).
 * - Wall times are converted like Temporal's 'compatible' disambiguation: a time
 *   skipped by a spring-forward gap is pushed forward by the gap (02:30 becomes
 *   03:30); a time repeated by a fall-back overlap means its first occurrence.
 * - Windows that touch or overlap (Mon 00:00–24:00 and Tue 00:00–24:00) form one
 *   continuous opening, so midnight is not a change.
 */

export type DayOfWeek = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export interface WeeklyOpeningHours {
  /** 0 = Sunday … 6 = Saturday. */
  day: DayOfWeek;
  opens: string;
  closes: string;
}

export type OfficeHoursException =
  | { date: string; closed: true }
  | { date: string; opens: string; closes: string };

export interface OfficeHours {
  /** IANA time zone, e.g. 'Europe/Berlin'. */
  timeZone: string;
  weekly: WeeklyOpeningHours[];
  exceptions: OfficeHoursException[];
}

export interface OfficeHoursProblem {
  /** Where the problem is, e.g. 'weekly[2].opens'. */
  field: string;
  message: string;
}

export interface OfficeHoursChange {
  kind: 'opens' | 'closes';
  /** The UTC instant of the change. Serialise with toISOString() before passing it to a workflow. */
  at: Date;
}

export const DEFAULT_OFFICE_HOURS_SEARCH_DAYS = 14;

const MINUTES_PER_DAY = 24 * 60;
const MS_PER_MINUTE = 60 * 1000;
const MS_PER_DAY = MINUTES_PER_DAY * MS_PER_MINUTE;
const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;
const END_OF_DAY = '24:00';
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

interface WallClock extends LocalDate {
  hour: number;
  minute: number;
  second: number;
}

interface Interval {
  start: number;
  end: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function isValidTimeZone(timeZone: unknown): timeZone is string {
  if (typeof timeZone !== 'string' || timeZone.trim() === '') return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function wallClockAt(epochMs: number, timeZone: string): WallClock {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return {
    year: fields['year'] ?? NaN,
    month: fields['month'] ?? NaN,
    day: fields['day'] ?? NaN,
    // Some ICU versions print midnight as 24 even with h23.
    hour: (fields['hour'] ?? NaN) % 24,
    minute: fields['minute'] ?? NaN,
    second: fields['second'] ?? NaN,
  };
}

/** How far the zone's wall clock is ahead of UTC at this instant. */
function utcOffsetMs(epochMs: number, timeZone: string): number {
  const wall = wallClockAt(epochMs, timeZone);
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return wallAsUtc - Math.floor(epochMs / 1000) * 1000;
}

/**
 * The instant at which the zone's clocks show this local date and minute of day
 * (which may exceed 24 h to mean a later day), with 'compatible' disambiguation.
 */
export function zonedWallTimeToUtc(timeZone: string, date: LocalDate, minuteOfDay: number): Date {
  const wallAsUtc = Date.UTC(date.year, date.month - 1, date.day, 0, minuteOfDay);
  // Offsets a day either side bracket any single transition near this wall time.
  const offsetBefore = utcOffsetMs(wallAsUtc - MS_PER_DAY, timeZone);
  const offsetAfter = utcOffsetMs(wallAsUtc + MS_PER_DAY, timeZone);
  const matches = [offsetBefore, offsetAfter]
    .map((offset) => ({ offset, instant: wallAsUtc - offset }))
    .filter(({ offset, instant }) => utcOffsetMs(instant, timeZone) === offset)
    .map(({ instant }) => instant);
  if (matches.length > 0) return new Date(Math.min(...matches));
  // In a gap: read the wall time with the offset in force before the jump.
  return new Date(wallAsUtc - offsetBefore);
}

function parseTimeOfDay(value: unknown, allowEndOfDay: boolean): number | null {
  if (typeof value !== 'string') return null;
  if (allowEndOfDay && value === END_OF_DAY) return MINUTES_PER_DAY;
  const match = TIME_OF_DAY.exec(value);
  if (match === null) return null;
  return Number(match[1]) * 60 + Number(match[2]);
}

function parseIsoDate(value: unknown): LocalDate | null {
  if (typeof value !== 'string') return null;
  const match = ISO_DATE.exec(value);
  if (match === null) return null;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  const roundTrip = new Date(Date.UTC(date.year, date.month - 1, date.day));
  const isRealDate =
    roundTrip.getUTCFullYear() === date.year &&
    roundTrip.getUTCMonth() === date.month - 1 &&
    roundTrip.getUTCDate() === date.day;
  return isRealDate ? date : null;
}

function addDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

function dayOfWeek(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

function isoDate(date: LocalDate): string {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

function display(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : String(value);
}

function checkWindow(opens: unknown, closes: unknown, field: string, problems: OfficeHoursProblem[]): void {
  const opensMinute = parseTimeOfDay(opens, false);
  const closesMinute = parseTimeOfDay(closes, true);
  if (opensMinute === null) {
    problems.push({ field: `${field}.opens`, message: `${display(opens)} is not a time of day in HH:MM (00:00–23:59).` });
  }
  if (closesMinute === null) {
    problems.push({ field: `${field}.closes`, message: `${display(closes)} is not a time of day in HH:MM (00:00–24:00).` });
  }
  if (opensMinute !== null && closesMinute !== null && opensMinute === closesMinute) {
    problems.push({
      field,
      message: 'Opening and closing times are the same; use 00:00–24:00 for a whole day or remove the day to close it.',
    });
  }
}

/** Every problem in the settings, or an empty list when they are usable. */
export function validateOfficeHours(hours: OfficeHours): OfficeHoursProblem[] {
  const problems: OfficeHoursProblem[] = [];
  if (!isValidTimeZone(hours.timeZone)) {
    problems.push({ field: 'timeZone', message: `${display(hours.timeZone)} is not an IANA time zone such as "Europe/Berlin".` });
  }

  if (!Array.isArray(hours.weekly)) {
    problems.push({ field: 'weekly', message: 'The weekly schedule must be a list.' });
  } else {
    const seenDays = new Set<number>();
    hours.weekly.forEach((entry, index) => {
      const field = `weekly[${index}]`;
      if (typeof entry !== 'object' || entry === null) {
        problems.push({ field, message: 'Each weekly entry must be { day, opens, closes }.' });
        return;
      }
      if (!Number.isInteger(entry.day) || entry.day < 0 || entry.day > 6) {
        problems.push({ field: `${field}.day`, message: `${display(entry.day)} is not a day of the week (0 = Sunday … 6 = Saturday).` });
      } else if (seenDays.has(entry.day)) {
        problems.push({ field: `${field}.day`, message: `Day ${entry.day} appears more than once; give each day a single window.` });
      } else {
        seenDays.add(entry.day);
      }
      checkWindow(entry.opens, entry.closes, field, problems);
    });
  }

  if (!Array.isArray(hours.exceptions)) {
    problems.push({ field: 'exceptions', message: 'The exceptions must be a list.' });
  } else {
    const seenDates = new Set<string>();
    hours.exceptions.forEach((exception, index) => {
      const field = `exceptions[${index}]`;
      if (typeof exception !== 'object' || exception === null) {
        problems.push({ field, message: 'Each exception must be { date, closed: true } or { date, opens, closes }.' });
        return;
      }
      if (parseIsoDate(exception.date) === null) {
        problems.push({ field: `${field}.date`, message: `${display(exception.date)} is not a calendar date in YYYY-MM-DD.` });
      } else if (seenDates.has(exception.date)) {
        problems.push({ field: `${field}.date`, message: `${exception.date} has more than one exception.` });
      } else {
        seenDates.add(exception.date);
      }
      if ('closed' in exception) {
        if (exception.closed !== true || 'opens' in exception || 'closes' in exception) {
          problems.push({ field, message: 'An exception is either { closed: true } or has opens and closes, not both.' });
        }
      } else {
        checkWindow(exception.opens, exception.closes, field, problems);
      }
    });
  }
  return problems;
}

function assertValid(hours: OfficeHours): void {
  const problems = validateOfficeHours(hours);
  if (problems.length > 0) {
    throw new RangeError(`Invalid office hours: ${problems.map((p) => `${p.field}: ${p.message}`).join(' ')}`);
  }
}

/** The window opening on this local date, in minutes from its midnight; null when closed. */
function windowOn(hours: OfficeHours, date: LocalDate): { opens: number; closes: number } | null {
  const dateKey = isoDate(date);
  const exception = hours.exceptions.find((candidate) => candidate.date === dateKey);
  const source = exception ?? hours.weekly.find((entry) => entry.day === dayOfWeek(date));
  if (source === undefined || 'closed' in source) return null;
  const opens = parseTimeOfDay(source.opens, false) as number;
  const closes = parseTimeOfDay(source.closes, true) as number;
  return { opens, closes: closes <= opens ? closes + MINUTES_PER_DAY : closes };
}

/** Opening intervals of the local dates firstDay + [0, dayCount), merged and sorted. */
function openIntervals(hours: OfficeHours, firstDay: LocalDate, dayCount: number): Interval[] {
  const intervals: Interval[] = [];
  for (let offset = 0; offset < dayCount; offset += 1) {
    const date = addDays(firstDay, offset);
    const window = windowOn(hours, date);
    if (window === null) continue;
    const start = zonedWallTimeToUtc(hours.timeZone, date, window.opens).getTime();
    const end = zonedWallTimeToUtc(hours.timeZone, date, window.closes).getTime();
    if (end > start) intervals.push({ start, end });
  }
  intervals.sort((a, b) => a.start - b.start);

  const merged: Interval[] = [];
  for (const interval of intervals) {
    const previous = merged[merged.length - 1];
    if (previous !== undefined && interval.start <= previous.end) {
      previous.end = Math.max(previous.end, interval.end);
    } else {
      merged.push({ ...interval });
    }
  }
  return merged;
}

function localDateAt(instant: Date, timeZone: string): LocalDate {
  const { year, month, day } = wallClockAt(instant.getTime(), timeZone);
  return { year, month, day };
}

function assertValidInstant(instant: Date): void {
  if (Number.isNaN(instant.getTime())) throw new RangeError('The instant is an invalid Date.');
}

export function isWithinOfficeHours(hours: OfficeHours, instant: Date): boolean {
  assertValid(hours);
  assertValidInstant(instant);
  const t = instant.getTime();
  // The day before can still be open past midnight.
  const yesterday = addDays(localDateAt(instant, hours.timeZone), -1);
  return openIntervals(hours, yesterday, 3).some(({ start, end }) => start <= t && t < end);
}

/**
 * The next instant strictly after `instant` at which the team goes online or
 * offline, or null when nothing changes within `searchDays` (always open, never
 * open, or a long closure).
 */
export function nextOfficeHoursChange(
  hours: OfficeHours,
  instant: Date,
  searchDays: number = DEFAULT_OFFICE_HOURS_SEARCH_DAYS,
): OfficeHoursChange | null {
  assertValid(hours);
  assertValidInstant(instant);
  if (!Number.isFinite(searchDays) || searchDays < 0) {
    throw new RangeError(`searchDays must be a non-negative number, got ${searchDays}`);
  }
  const t = instant.getTime();
  const horizon = t + searchDays * MS_PER_DAY;
  const yesterday = addDays(localDateAt(instant, hours.timeZone), -1);
  // Two extra days past the horizon so that an opening running across it is not cut short.
  const intervals = openIntervals(hours, yesterday, Math.ceil(searchDays) + 4);

  for (const { start, end } of intervals) {
    if (end <= t) continue;
    const change: OfficeHoursChange = start <= t ? { kind: 'closes', at: new Date(end) } : { kind: 'opens', at: new Date(start) };
    return change.at.getTime() <= horizon ? change : null;
  }
  return null;
}
