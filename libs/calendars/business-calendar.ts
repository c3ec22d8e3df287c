import { DateTime, IANAZone } from 'luxon';

/**
 * Business-hours calendars (docs/service-levels.md, "Business-hours calendars"): an IANA time zone,
 * weekly hours with any number of windows a day, and holidays. The SLA clock counts its targets in
 * one of them.
 *
 * Not in libs/domain/ and never imported by workflow code: it reads the time-zone database (through
 * Luxon, which reads the ICU data Node ships), and that database changes when Node is upgraded. The
 * SLA clock calls it from activities and passes the instants it computes to the workflow, which records
 * them in its history. (eslint.config.js keeps workflows/ to an allow-list that does not include libs/calendars/.)
 *
 * Rules:
 * - Times are 'HH:MM' (24-hour, two digits); `closes` may be '24:00' (the end of the day). A window
 *   must close after it opens: a window cannot run past midnight, so 22:00–02:00 is two windows,
 *   22:00–24:00 on one day and 00:00–02:00 on the next. A whole day is 00:00–24:00.
 * - A day has any number of windows (split shifts), listed in order and not overlapping; touching
 *   windows (09:00–12:00, 12:00–18:00) are allowed and count as one opening. Windows of consecutive
 *   days that touch at midnight (Mon 00:00–24:00, Tue 00:00–24:00) are one continuous opening too.
 * - A weekday left out of `weekly`, or listed with no windows, is closed.
 * - A holiday replaces the weekly hours of its local date (in the calendar's zone): closed all day,
 *   or its own windows. At most one holiday per date.
 * - Wall times become instants with Temporal's 'compatible' disambiguation, computed from Luxon's
 *   zone offsets: a local time skipped by a spring-forward gap is pushed forward by the gap (02:30
 *   becomes 03:30 in Paris on 2026-03-29, which is also what Luxon does), and a local time that the
 *   fall-back repeats means its first occurrence (02:30 in Paris on 2026-10-25 is 02:30+02:00). Luxon's
 *   own `DateTime.fromObject` picks the occurrence from the offset in force at the moment it is called,
 *   so the same calendar would give another instant in summer than in winter; hence the rule here.
 *   Consequences: a window 01:30–03:30 on the spring-forward day is open 1 hour, on the fall-back day
 *   3 hours; a window lying wholly in the gap (02:10–02:50) is moved to 03:10–03:50 like its times;
 *   a window whose opening is pushed past its closing (02:30–03:00) is empty.
 * - Searches forward are bounded: `addBusinessTime` and `nextOpening` look at most
 *   {@link BUSINESS_CALENDAR_SEARCH_DAYS} local days (three years) past their start, and answer null
 *   when the open time they need is not there (a calendar with no open time at all answers null at once).
 * - `ALWAYS_OPEN` (every day 00:00–24:00, no holidays, in any zone) is plain arithmetic, without bound.
 * - Calendars are treated as immutable: the parsed form is cached per object (a WeakMap).
 */

/** 0 = Sunday … 6 = Saturday, as in the web chat's office hours. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export interface BusinessHoursWindow {
  /** 'HH:MM', 00:00–23:59. */
  opens: string;
  /** 'HH:MM' after `opens`, or '24:00'. */
  closes: string;
}

export interface BusinessDay {
  day: Weekday;
  /** In order, not overlapping; empty means closed. */
  windows: BusinessHoursWindow[];
}

export type BusinessHoliday =
  | { date: string; name?: string; closed: true }
  | { date: string; name?: string; windows: BusinessHoursWindow[] };

export interface BusinessCalendar {
  /** IANA time zone, e.g. 'Europe/Paris'. */
  timeZone: string;
  /** At most one entry per weekday; a weekday left out is closed. */
  weekly: BusinessDay[];
  /** Dates (YYYY-MM-DD, local to `timeZone`) whose hours replace the weekly ones. */
  holidays: BusinessHoliday[];
}

export interface BusinessCalendarProblem {
  /** Where the problem is, e.g. 'weekly[1].windows[0].closes'. */
  field: string;
  message: string;
}

/** How many local days past its start a forward search looks (three years). */
export const BUSINESS_CALENDAR_SEARCH_DAYS = 1096;
export const MAX_WINDOWS_PER_DAY = 12;
export const MAX_HOLIDAYS = 1000;
export const MAX_HOLIDAY_NAME_LENGTH = 100;

/** Around the clock: every instant is open time. */
export const ALWAYS_OPEN: BusinessCalendar = Object.freeze({
  timeZone: 'UTC',
  weekly: Object.freeze(
    ([0, 1, 2, 3, 4, 5, 6] as const).map((day) => Object.freeze({ day, windows: Object.freeze([Object.freeze({ opens: '00:00', closes: '24:00' })]) })),
  ),
  holidays: Object.freeze([]),
}) as unknown as BusinessCalendar;

const MS_PER_MINUTE = 60_000;
const MINUTES_PER_DAY = 24 * 60;
const MS_PER_DAY = MINUTES_PER_DAY * MS_PER_MINUTE;
const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;
const END_OF_DAY = '24:00';
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

function display(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  if (value === undefined) return 'missing';
  return JSON.stringify(value) ?? String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseTimeOfDay(value: unknown, allowEndOfDay: boolean): number | null {
  if (typeof value !== 'string') return null;
  if (allowEndOfDay && value === END_OF_DAY) return MINUTES_PER_DAY;
  const match = TIME_OF_DAY.exec(value);
  return match === null ? null : Number(match[1]) * 60 + Number(match[2]);
}

/** Days since 1970-01-01 of a real calendar date in YYYY-MM-DD, or null. */
function parseIsoDate(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = ISO_DATE.exec(value);
  if (match === null) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  const real = check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day;
  return real ? ms / MS_PER_DAY : null;
}

/** An IANA zone name ('Europe/Paris', 'UTC'), not an offset such as '+02:00' (which Node's Intl also takes). */
function isValidTimeZone(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z]/.test(value) && IANAZone.isValidZone(value);
}

function checkWindows(windows: unknown, field: string, problems: BusinessCalendarProblem[]): void {
  if (!Array.isArray(windows)) {
    problems.push({ field, message: 'The windows must be a list of { opens, closes }.' });
    return;
  }
  if (windows.length > MAX_WINDOWS_PER_DAY) {
    problems.push({ field, message: `At most ${MAX_WINDOWS_PER_DAY} windows a day.` });
  }
  let previous: { closes: number; label: string } | null = null;
  for (const [index, window] of (windows as unknown[]).entries()) {
    const path = `${field}[${index}]`;
    const current = previous;
    previous = null;
    if (!isRecord(window)) {
      problems.push({ field: path, message: 'Each window must be { opens, closes }.' });
      continue;
    }
    const opens = parseTimeOfDay(window['opens'], false);
    const closes = parseTimeOfDay(window['closes'], true);
    if (opens === null) problems.push({ field: `${path}.opens`, message: `${display(window['opens'])} is not a time of day in HH:MM (00:00–23:59).` });
    if (closes === null) problems.push({ field: `${path}.closes`, message: `${display(window['closes'])} is not a time of day in HH:MM (00:00–24:00).` });
    if (opens === null || closes === null) continue;
    const label = `${window['opens'] as string}–${window['closes'] as string}`;
    if (closes <= opens) {
      problems.push({
        field: `${path}.closes`,
        message: `${window['closes'] as string} is not after ${window['opens'] as string}: a window cannot run past midnight; use two windows (e.g. 22:00–24:00 and 00:00–02:00 the next day), or 00:00–24:00 for a whole day.`,
      });
      continue;
    }
    if (current !== null && opens < current.closes) {
      problems.push({
        field: `${path}.opens`,
        message: `${window['opens'] as string} is before the previous window (${current.label}) closes: list the windows of a day in order, without overlap.`,
      });
    }
    previous = { closes, label };
  }
}

/** Every problem of the calendar, each with the path of its field; an empty list when it is usable. */
export function validateBusinessCalendar(input: unknown): BusinessCalendarProblem[] {
  const problems: BusinessCalendarProblem[] = [];
  if (!isRecord(input)) return [{ field: '', message: 'A calendar must be { timeZone, weekly, holidays }.' }];

  if (!isValidTimeZone(input['timeZone'])) {
    problems.push({ field: 'timeZone', message: `${display(input['timeZone'])} is not an IANA time zone such as "Europe/Paris".` });
  }

  const weekly = input['weekly'];
  if (!Array.isArray(weekly)) {
    problems.push({ field: 'weekly', message: 'The weekly hours must be a list of { day, windows }.' });
  } else {
    const seen = new Set<number>();
    weekly.forEach((entry: unknown, index) => {
      const field = `weekly[${index}]`;
      if (!isRecord(entry)) {
        problems.push({ field, message: 'Each weekly entry must be { day, windows }.' });
        return;
      }
      const day = entry['day'];
      if (typeof day !== 'number' || !Number.isInteger(day) || day < 0 || day > 6) {
        problems.push({ field: `${field}.day`, message: `${display(day)} is not a day of the week (0 = Sunday … 6 = Saturday).` });
      } else if (seen.has(day)) {
        problems.push({ field: `${field}.day`, message: `Day ${day} appears more than once: list all its windows in one entry.` });
      } else {
        seen.add(day);
      }
      checkWindows(entry['windows'], `${field}.windows`, problems);
    });
  }

  const holidays = input['holidays'];
  if (!Array.isArray(holidays)) {
    problems.push({ field: 'holidays', message: 'The holidays must be a list.' });
  } else {
    if (holidays.length > MAX_HOLIDAYS) problems.push({ field: 'holidays', message: `At most ${MAX_HOLIDAYS} holidays.` });
    const seen = new Set<string>();
    holidays.forEach((holiday: unknown, index) => {
      const field = `holidays[${index}]`;
      if (!isRecord(holiday)) {
        problems.push({ field, message: 'Each holiday must be { date, closed: true } or { date, windows }.' });
        return;
      }
      const date = holiday['date'];
      if (parseIsoDate(date) === null) {
        problems.push({ field: `${field}.date`, message: `${display(date)} is not a calendar date in YYYY-MM-DD.` });
      } else if (seen.has(date as string)) {
        problems.push({ field: `${field}.date`, message: `${date as string} appears more than once: give each date one holiday.` });
      } else {
        seen.add(date as string);
      }
      const name = holiday['name'];
      if (name !== undefined && (typeof name !== 'string' || name.length > MAX_HOLIDAY_NAME_LENGTH)) {
        problems.push({ field: `${field}.name`, message: `The name must be text of at most ${MAX_HOLIDAY_NAME_LENGTH} characters.` });
      }
      const hasClosed = holiday['closed'] !== undefined;
      const hasWindows = holiday['windows'] !== undefined;
      if (hasClosed === hasWindows) {
        problems.push({ field, message: 'A holiday is either { closed: true } or has its own windows: exactly one of the two.' });
      } else if (hasClosed && holiday['closed'] !== true) {
        problems.push({ field: `${field}.closed`, message: 'closed must be true (give windows for special hours).' });
      } else if (hasWindows) {
        if (Array.isArray(holiday['windows']) && holiday['windows'].length === 0) {
          problems.push({ field: `${field}.windows`, message: 'A holiday with no windows is { closed: true }.' });
        } else {
          checkWindows(holiday['windows'], `${field}.windows`, problems);
        }
      }
    });
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The parsed form
// ---------------------------------------------------------------------------------------------

/** Minutes from local midnight, closes > opens, sorted. */
type Windows = readonly { opens: number; closes: number }[];

interface Compiled {
  zone: IANAZone;
  /** By weekday, 0 = Sunday. */
  weekly: Windows[];
  /** By local day number (days since 1970-01-01). */
  holidays: Map<number, Windows>;
  alwaysOpen: boolean;
  neverOpen: boolean;
}

const compiledCalendars = new WeakMap<BusinessCalendar, Compiled>();

function parseWindows(windows: readonly BusinessHoursWindow[]): Windows {
  return windows.map((window) => ({ opens: parseTimeOfDay(window.opens, false)!, closes: parseTimeOfDay(window.closes, true)! }));
}

const isWholeDay = (windows: Windows) => windows.length === 1 && windows[0]!.opens === 0 && windows[0]!.closes === MINUTES_PER_DAY;

function compile(calendar: BusinessCalendar): Compiled {
  const cached = compiledCalendars.get(calendar);
  if (cached) return cached;
  const problems = validateBusinessCalendar(calendar);
  if (problems.length > 0) {
    throw new RangeError(`Invalid business calendar: ${problems.map((p) => `${p.field}: ${p.message}`).join(' ')}`);
  }
  const weekly: Windows[] = [[], [], [], [], [], [], []];
  for (const entry of calendar.weekly) weekly[entry.day] = parseWindows(entry.windows);
  const holidays = new Map<number, Windows>();
  for (const holiday of calendar.holidays) holidays.set(parseIsoDate(holiday.date)!, 'closed' in holiday ? [] : parseWindows(holiday.windows));
  const compiled: Compiled = {
    zone: IANAZone.create(calendar.timeZone),
    weekly,
    holidays,
    alwaysOpen: weekly.every(isWholeDay) && [...holidays.values()].every(isWholeDay),
    neverOpen: weekly.every((windows) => windows.length === 0) && [...holidays.values()].every((windows) => windows.length === 0),
  };
  compiledCalendars.set(calendar, compiled);
  return compiled;
}

// ---------------------------------------------------------------------------------------------
// Local time
// ---------------------------------------------------------------------------------------------

/** Milliseconds the zone's clocks are ahead of UTC at this instant. */
function offsetMs(zone: IANAZone, epochMs: number): number {
  return zone.offset(epochMs) * MS_PER_MINUTE;
}

/** The local day number (days since 1970-01-01 on the zone's clocks) of an instant. */
function localDayOf(compiled: Compiled, epochMs: number): number {
  return Math.floor((epochMs + offsetMs(compiled.zone, epochMs)) / MS_PER_DAY);
}

/**
 * The instant at which the zone's clocks show this local time (milliseconds since 1970-01-01 on the
 * zone's clocks), with 'compatible' disambiguation: the first occurrence of a repeated time, a skipped
 * time read with the offset in force before the gap (so pushed forward by the gap).
 */
function instantOf(zone: IANAZone, localMs: number): number {
  // Offsets a day either side bracket any single transition near this wall time.
  const before = offsetMs(zone, localMs - MS_PER_DAY);
  const after = offsetMs(zone, localMs + MS_PER_DAY);
  let best = Number.POSITIVE_INFINITY;
  for (const offset of before === after ? [before] : [before, after]) {
    const candidate = localMs - offset;
    if (offsetMs(zone, candidate) === offset && candidate < best) best = candidate;
  }
  return Number.isFinite(best) ? best : localMs - before;
}

function windowsOn(compiled: Compiled, day: number): Windows {
  return compiled.holidays.get(day) ?? compiled.weekly[(((day + 4) % 7) + 7) % 7]!; // 1970-01-01 was a Thursday
}

/**
 * The open intervals [start, end) in epoch ms, in order and not overlapping, of the local days from the
 * one before `fromMs` through `dayCount` more days; only those ending after `fromMs`.
 */
function* openIntervals(compiled: Compiled, fromMs: number, dayCount: number): Generator<[number, number]> {
  const first = localDayOf(compiled, fromMs) - 1;
  let previousEnd = Number.NEGATIVE_INFINITY;
  for (let day = first; day <= first + dayCount + 1; day += 1) {
    for (const window of windowsOn(compiled, day)) {
      // A time pushed forward by a gap can land inside the previous window: never count time twice.
      const start = Math.max(instantOf(compiled.zone, day * MS_PER_DAY + window.opens * MS_PER_MINUTE), previousEnd);
      const end = instantOf(compiled.zone, day * MS_PER_DAY + window.closes * MS_PER_MINUTE);
      if (end <= start) continue;
      previousEnd = end;
      if (end > fromMs) yield [start, end];
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Arithmetic
// ---------------------------------------------------------------------------------------------

function epochMsOf(instant: Date, name: string): number {
  const ms = instant instanceof Date ? instant.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${name} must be a valid Date`);
  return ms;
}

/** Whether `at` is open time: inside a window (a window includes its opening instant, not its closing one). */
export function isOpen(calendar: BusinessCalendar, at: Date): boolean {
  const compiled = compile(calendar);
  const t = epochMsOf(at, 'at');
  if (compiled.alwaysOpen) return true;
  if (compiled.neverOpen) return false;
  for (const [start, end] of openIntervals(compiled, t, 1)) {
    if (start > t) return false;
    if (t < end) return true;
  }
  return false;
}

/**
 * `at` itself when it is open time, else the next instant the calendar opens; null when it does not
 * open within {@link BUSINESS_CALENDAR_SEARCH_DAYS} local days.
 */
export function nextOpening(calendar: BusinessCalendar, at: Date): Date | null {
  const compiled = compile(calendar);
  const t = epochMsOf(at, 'at');
  if (compiled.alwaysOpen) return new Date(t);
  if (compiled.neverOpen) return null;
  for (const [start] of openIntervals(compiled, t, BUSINESS_CALENDAR_SEARCH_DAYS)) return new Date(Math.max(start, t));
  return null;
}

/**
 * The earliest instant by which `durationMs` of open time has passed since `start`. Outside hours the
 * clock starts at the next opening, so a duration of 0 gives `nextOpening(start)`. A duration that ends
 * exactly at a closing gives the closing instant; a fraction of a millisecond is rounded up. Null when the open time of the next
 * {@link BUSINESS_CALENDAR_SEARCH_DAYS} local days is not enough (always so for a calendar with no
 * open time).
 */
export function addBusinessTime(calendar: BusinessCalendar, start: Date, durationMs: number): Date | null {
  const compiled = compile(calendar);
  const t = epochMsOf(start, 'start');
  if (!Number.isFinite(durationMs) || durationMs < 0) throw new RangeError(`durationMs must be a finite number ≥ 0, got ${durationMs}`);
  // Dates hold whole milliseconds: a fraction is rounded up, so at least durationMs has passed.
  const duration = Math.ceil(durationMs);
  if (compiled.alwaysOpen) return new Date(t + duration);
  if (compiled.neverOpen) return null;
  let remaining = duration;
  for (const [intervalStart, end] of openIntervals(compiled, t, BUSINESS_CALENDAR_SEARCH_DAYS)) {
    const from = Math.max(intervalStart, t);
    if (remaining <= end - from) return new Date(from + remaining);
    remaining -= end - from;
  }
  return null;
}

/**
 * The next opening or closing after `at` (touching windows are one opening, so midnight between two whole
 * days is no change); null when there is none within {@link BUSINESS_CALENDAR_SEARCH_DAYS} local days (or the
 * calendar is always or never open).
 */
export function nextChange(calendar: BusinessCalendar, at: Date): { kind: 'opens' | 'closes'; at: Date } | null {
  const compiled = compile(calendar);
  const t = epochMsOf(at, 'at');
  if (compiled.alwaysOpen || compiled.neverOpen) return null;
  let opening: [number, number] | null = null;
  for (const [start, end] of openIntervals(compiled, t, BUSINESS_CALENDAR_SEARCH_DAYS)) {
    if (opening && start <= opening[1]) {
      opening[1] = end;
      continue;
    }
    if (opening) break;
    if (start > t) return { kind: 'opens', at: new Date(start) };
    opening = [start, end];
  }
  return opening ? { kind: 'closes', at: new Date(opening[1]) } : null;
}

/**
 * Milliseconds of open time in [from, to); 0 when `to` is not after `from`. Not bounded: it walks the
 * local days between the two instants.
 */
export function businessTimeBetween(calendar: BusinessCalendar, from: Date, to: Date): number {
  const compiled = compile(calendar);
  const a = epochMsOf(from, 'from');
  const b = epochMsOf(to, 'to');
  if (b <= a) return 0;
  if (compiled.alwaysOpen) return b - a;
  if (compiled.neverOpen) return 0;
  let total = 0;
  for (const [start, end] of openIntervals(compiled, a, localDayOf(compiled, b) - localDayOf(compiled, a) + 1)) {
    if (start >= b) break;
    total += Math.min(end, b) - Math.max(start, a);
  }
  return total;
}

/** The instant as the calendar's clocks show it, e.g. '2026-03-30T09:55:00.000+02:00'. */
export function toCalendarLocalIso(calendar: BusinessCalendar, at: Date): string {
  const compiled = compile(calendar);
  return DateTime.fromMillis(epochMsOf(at, 'at'), { zone: compiled.zone }).toISO()!;
}
