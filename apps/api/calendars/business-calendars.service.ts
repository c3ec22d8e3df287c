import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import {
  BusinessCalendarNameTaken,
  deleteBusinessCalendar,
  findBusinessCalendar,
  insertBusinessCalendar,
  listBusinessCalendars,
  replaceBusinessCalendar,
  type BusinessCalendarInput,
  type StoredBusinessCalendar,
} from '../../../libs/calendars/business-calendar-store.js';
import { warnAfterMs } from '../../../libs/domain/sla-policies.js';
import {
  BUSINESS_CALENDAR_SEARCH_DAYS,
  addBusinessTime,
  businessTimeBetween,
  isOpen,
  nextOpening,
  toCalendarLocalIso,
  validateBusinessCalendar,
  type BusinessCalendar,
} from '../../../libs/calendars/business-calendar.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import { ApiError } from '../common/api-error.js';
import { SlaReplanService } from '../sla/sla-replan.service.js';
import { ORM } from '../tokens.js';
import type { BusinessCalendarPreviewDto } from './business-calendars.dto.js';

const MS_PER_MINUTE = 60_000;

/** The account's named business-hours calendars (docs/service-levels.md); the SQL is in libs/calendars/business-calendar-store.ts. */
@Injectable()
export class BusinessCalendarsService {
  constructor(
    @Inject(ORM) private readonly orm: Orm,
    @Inject(SlaReplanService) private readonly replan: SlaReplanService,
  ) {}

  list(accountId: string): Promise<StoredBusinessCalendar[]> {
    return listBusinessCalendars(this.orm, accountId);
  }

  /** 404 when the account has no such calendar. */
  async get(accountId: string, calendarId: string): Promise<StoredBusinessCalendar> {
    return found(calendarId, await findBusinessCalendar(this.orm, accountId, calendarId));
  }

  async exists(accountId: string, calendarId: string): Promise<boolean> {
    return (await findBusinessCalendar(this.orm, accountId, calendarId)) !== null;
  }

  /** 400 naming the field of the first problem, 409 `name_taken`. */
  async create(accountId: string, input: BusinessCalendarInput): Promise<StoredBusinessCalendar> {
    assertValid(input);
    return nameTaken(() => insertBusinessCalendar(this.orm, accountId, input));
  }

  /** 404, 400 naming the field of the first problem, 409 `name_taken`. The calendar as it was, and as it is. */
  async replace(accountId: string, calendarId: string, input: BusinessCalendarInput): Promise<{ before: StoredBusinessCalendar; after: StoredBusinessCalendar }> {
    const before = await this.get(accountId, calendarId);
    assertValid(input);
    const after = found(calendarId, await nameTaken(() => replaceBusinessCalendar(this.orm, accountId, calendarId, input)));
    await this.replan.settingsChanged(accountId);
    return { before, after };
  }

  /** 404; the deleted calendar. */
  /** A calendar an SLA policy counts a target in stays until the policies no longer name it (409 calendar_in_use). */
  async remove(accountId: string, calendarId: string): Promise<StoredBusinessCalendar> {
    const users = await this.orm.em.fork().execute<{ name: string }[]>(
      `SELECT name FROM sla_policies p
       WHERE p.account_id = ? AND EXISTS (SELECT 1 FROM jsonb_each(p.targets) AS target WHERE target.value->>'calendarId' = ?)
       ORDER BY position`,
      [accountId, calendarId],
    );
    if (users.length > 0) {
      throw ApiError.conflict('calendar_in_use', `SLA policies count their targets in this calendar: ${users.map((user) => `"${user.name}"`).join(', ')}; change them first`);
    }
    const [chat] = await this.orm.em.fork().execute<{ id: string }[]>(`SELECT id FROM accounts WHERE id = ? AND settings->'webChat'->>'officeHoursCalendarId' = ?`, [accountId, calendarId]);
    if (chat) throw ApiError.conflict('calendar_in_use', 'the web chat takes its office hours from this calendar; choose other office hours first');
    return found(calendarId, await deleteBusinessCalendar(this.orm, accountId, calendarId));
  }

  /** What the SLA clock would compute for a target of `durationMinutes` starting at `from`. */
  async preview(accountId: string, calendarId: string, from: Date, durationMinutes: number, warnAtPercent: number | null): Promise<BusinessCalendarPreviewDto> {
    const calendar = await this.get(accountId, calendarId);
    const durationMs = durationMinutes * MS_PER_MINUTE;
    const startsAt = nextOpening(calendar, from);
    const dueAt = addBusinessTime(calendar, from, durationMs);
    // The SLA clock's own rule (warnAfterMs), so a preview shows the warning a policy would give.
    const warnsAt = warnAtPercent === null ? null : addBusinessTime(calendar, from, warnAfterMs({ minutes: durationMinutes }, warnAtPercent));
    const local = (instant: Date | null) => (instant ? toCalendarLocalIso(calendar, instant) : null);
    return {
      calendarId: calendar.id,
      timeZone: calendar.timeZone,
      from: from.toISOString(),
      fromLocal: toCalendarLocalIso(calendar, from),
      openAtFrom: isOpen(calendar, from),
      durationMinutes,
      startsAt: startsAt?.toISOString() ?? null,
      startsAtLocal: local(startsAt),
      dueAt: dueAt?.toISOString() ?? null,
      dueAtLocal: local(dueAt),
      warnAtPercent,
      warnsAt: warnsAt?.toISOString() ?? null,
      warnsAtLocal: local(warnsAt),
      businessMinutesBetween: dueAt ? businessTimeBetween(calendar, from, dueAt) / MS_PER_MINUTE : null,
      clockMinutesBetween: dueAt ? (dueAt.getTime() - from.getTime()) / MS_PER_MINUTE : null,
      searchDays: BUSINESS_CALENDAR_SEARCH_DAYS,
    };
  }
}

function found(calendarId: string, calendar: StoredBusinessCalendar | null): StoredBusinessCalendar {
  if (!calendar) throw ApiError.notFound(`business calendar ${calendarId} not found`);
  return calendar;
}

function assertValid(calendar: BusinessCalendar): void {
  const [problem] = validateBusinessCalendar(calendar);
  if (problem) throw ApiError.badRequest(`${problem.field}: ${problem.message}`, problem.field);
}

async function nameTaken<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof BusinessCalendarNameTaken) throw new ApiError(HttpStatus.CONFLICT, 'name_taken', error.message, 'name');
    throw error;
  }
}
