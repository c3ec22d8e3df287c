import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Orm } from '../persistence/orm.js';
import type { BusinessCalendar, BusinessDay, BusinessHoliday } from './business-calendar.js';

/**
 * An account's named business-hours calendars (table business_calendars, migration 0018). The API
 * changes them; the SLA clock's activities read them by id. Callers validate a calendar
 * (validateBusinessCalendar) before they store it.
 */
export interface StoredBusinessCalendar extends BusinessCalendar {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

export interface BusinessCalendarInput extends BusinessCalendar {
  name: string;
}

/** Another calendar of the account already has this name (compared regardless of case). */
export class BusinessCalendarNameTaken extends Error {
  constructor(readonly calendarName: string) {
    super(`a calendar named "${calendarName}" already exists in this account`);
    this.name = 'BusinessCalendarNameTaken';
  }
}

interface CalendarRow {
  id: string;
  name: string;
  time_zone: string;
  weekly: BusinessDay[];
  holidays: BusinessHoliday[];
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, name, time_zone, weekly, holidays, created_at, updated_at';

const toCalendar = (row: CalendarRow): StoredBusinessCalendar => ({
  id: row.id,
  name: row.name,
  timeZone: row.time_zone,
  weekly: row.weekly,
  holidays: row.holidays,
  createdAt: new Date(row.created_at).toISOString(),
  updatedAt: new Date(row.updated_at).toISOString(),
});

/** Only the keys of the calendar, in a fixed order, so stored JSON never carries anything else. */
function weeklyJson(weekly: readonly BusinessDay[]): string {
  return JSON.stringify(weekly.map(({ day, windows }) => ({ day, windows: windows.map(({ opens, closes }) => ({ opens, closes })) })));
}

function holidaysJson(holidays: readonly BusinessHoliday[]): string {
  return JSON.stringify(
    holidays.map((holiday) => ({
      date: holiday.date,
      ...(holiday.name !== undefined ? { name: holiday.name } : {}),
      ...('closed' in holiday ? { closed: true } : { windows: holiday.windows.map(({ opens, closes }) => ({ opens, closes })) }),
    })),
  );
}

async function nameTakenAware<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw new BusinessCalendarNameTaken(name);
    throw error;
  }
}

export async function listBusinessCalendars(orm: Orm, accountId: string): Promise<StoredBusinessCalendar[]> {
  const rows = await orm.em.fork().execute<CalendarRow[]>(`SELECT ${COLUMNS} FROM business_calendars WHERE account_id = ? ORDER BY lower(name), id`, [accountId]);
  return rows.map(toCalendar);
}

export async function findBusinessCalendar(orm: Orm, accountId: string, id: string): Promise<StoredBusinessCalendar | null> {
  const [row] = await orm.em.fork().execute<CalendarRow[]>(`SELECT ${COLUMNS} FROM business_calendars WHERE id = ? AND account_id = ?`, [id, accountId]);
  return row ? toCalendar(row) : null;
}

/** Throws BusinessCalendarNameTaken. */
export async function insertBusinessCalendar(orm: Orm, accountId: string, input: BusinessCalendarInput): Promise<StoredBusinessCalendar> {
  const [row] = await nameTakenAware(input.name, () =>
    orm.em.fork().execute<CalendarRow[]>(
      `INSERT INTO business_calendars (id, account_id, name, time_zone, weekly, holidays, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?::jsonb, ?::jsonb, now(), now()) RETURNING ${COLUMNS}`,
      [randomUUID(), accountId, input.name, input.timeZone, weeklyJson(input.weekly), holidaysJson(input.holidays)],
    ),
  );
  return toCalendar(row!);
}

/** Replaces every field but the id; null when the account has no such calendar. Throws BusinessCalendarNameTaken. */
export async function replaceBusinessCalendar(orm: Orm, accountId: string, id: string, input: BusinessCalendarInput): Promise<StoredBusinessCalendar | null> {
  const [row] = await nameTakenAware(input.name, () =>
    orm.em.fork().execute<CalendarRow[]>(
      `UPDATE business_calendars SET name = ?, time_zone = ?, weekly = ?::jsonb, holidays = ?::jsonb, updated_at = now()
       WHERE id = ? AND account_id = ? RETURNING ${COLUMNS}`,
      [input.name, input.timeZone, weeklyJson(input.weekly), holidaysJson(input.holidays), id, accountId],
    ),
  );
  return row ? toCalendar(row) : null;
}

/** The deleted calendar, or null when the account has no such calendar. */
export async function deleteBusinessCalendar(orm: Orm, accountId: string, id: string): Promise<StoredBusinessCalendar | null> {
  const [row] = await orm.em.fork().execute<CalendarRow[]>(`DELETE FROM business_calendars WHERE id = ? AND account_id = ? RETURNING ${COLUMNS}`, [id, accountId]);
  return row ? toCalendar(row) : null;
}
