import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditLog } from '../../../libs/accounts/audit-log.js';
import type { BusinessCalendarInput, StoredBusinessCalendar } from '../../../libs/calendars/business-calendar-store.js';
import type { BusinessHoliday } from '../../../libs/calendars/business-calendar.js';
import { CurrentPrincipal, requireAccountManager, type AgentPrincipal } from '../auth/principal.js';
import { ApiErrorBody } from '../common/api-error.js';
import {
  BusinessCalendarBody,
  BusinessCalendarDto,
  BusinessCalendarListDto,
  BusinessCalendarPreviewDto,
  BusinessCalendarPreviewQuery,
  type BusinessHolidayDto,
} from './business-calendars.dto.js';
import { BusinessCalendarsService } from './business-calendars.service.js';

const NAME_TAKEN = { type: ApiErrorBody, description: 'name_taken: another calendar of the account has this name (regardless of case); `field` is name' };
const RULES = ' 400 `validation_failed` names the field at fault: type errors as `weekly.0.windows`, the calendar\'s rules (times, order, overlap, zone, dates) as `weekly[0].windows[1].opens`.';

/** Named business-hours calendars of the account (docs/service-levels.md): everyone in the inbox reads them, owners and admins change them. */
@ApiTags('business calendars')
@ApiBearerAuth()
@Controller('business-calendars')
export class BusinessCalendarsController {
  constructor(
    private readonly calendars: BusinessCalendarsService,
    @Inject(AuditLog) private readonly audit: AuditLog,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The account\'s business-hours calendars, by name' })
  @ApiOkResponse({ type: BusinessCalendarListDto })
  async list(@CurrentPrincipal() principal: AgentPrincipal): Promise<BusinessCalendarListDto> {
    return { calendars: await this.calendars.list(principal.accountId) };
  }

  @Post()
  @ApiOperation({ summary: 'Create a calendar (owner, admin)', description: `A time zone, weekly hours (split shifts, 00:00–24:00 for a whole day) and holidays.${RULES}` })
  @ApiCreatedResponse({ type: BusinessCalendarDto })
  @ApiConflictResponse(NAME_TAKEN)
  async create(@CurrentPrincipal() principal: AgentPrincipal, @Body() body: BusinessCalendarBody): Promise<BusinessCalendarDto> {
    requireAccountManager(principal, 'change business calendars');
    const created = await this.calendars.create(principal.accountId, calendarInput(body));
    await this.audit.recordSettingsChange(principal.accountId, principal.user.id, section(created), {}, snapshot(created));
    return created;
  }

  @Get(':calendarId')
  @ApiOperation({ summary: 'One calendar' })
  @ApiOkResponse({ type: BusinessCalendarDto })
  get(@CurrentPrincipal() principal: AgentPrincipal, @Param('calendarId') calendarId: string): Promise<BusinessCalendarDto> {
    return this.calendars.get(principal.accountId, calendarId);
  }

  @Put(':calendarId')
  @ApiOperation({ summary: 'Replace a calendar: name, zone, weekly hours and holidays (owner, admin)', description: `Holidays left out become [].${RULES}` })
  @ApiOkResponse({ type: BusinessCalendarDto })
  @ApiConflictResponse(NAME_TAKEN)
  async replace(@CurrentPrincipal() principal: AgentPrincipal, @Param('calendarId') calendarId: string, @Body() body: BusinessCalendarBody): Promise<BusinessCalendarDto> {
    requireAccountManager(principal, 'change business calendars');
    const { before, after } = await this.calendars.replace(principal.accountId, calendarId, calendarInput(body));
    await this.audit.recordSettingsChange(principal.accountId, principal.user.id, section(after), snapshot(before), snapshot(after));
    return after;
  }

  @Delete(':calendarId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a calendar (owner, admin)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiConflictResponse({ type: ApiErrorBody, description: 'calendar_in_use: SLA policies count targets in it (the message names them); change them first' })
  async remove(@CurrentPrincipal() principal: AgentPrincipal, @Param('calendarId') calendarId: string): Promise<void> {
    requireAccountManager(principal, 'change business calendars');
    const deleted = await this.calendars.remove(principal.accountId, calendarId);
    await this.audit.recordSettingsChange(principal.accountId, principal.user.id, section(deleted), snapshot(deleted), {});
  }

  @Get(':calendarId/preview')
  @ApiOperation({
    summary: 'Check a calendar: when a target of durationMinutes of open time, started at from, falls due',
    description:
      'The computation the SLA clock makes: the clock starts at from, or at the next opening when from is outside hours, ' +
      'and counts only open time; local times skipped or repeated by a DST change are read as docs/service-levels.md says. ' +
      'dueAt is null when the open time does not fit within searchDays local days (a calendar with no open time at all).',
  })
  @ApiOkResponse({ type: BusinessCalendarPreviewDto })
  preview(@CurrentPrincipal() principal: AgentPrincipal, @Param('calendarId') calendarId: string, @Query() query: BusinessCalendarPreviewQuery): Promise<BusinessCalendarPreviewDto> {
    const from = query.from === undefined ? new Date() : new Date(query.from);
    return this.calendars.preview(principal.accountId, calendarId, from, query.durationMinutes, query.warnAtPercent ?? null);
  }
}

/** A plain calendar with only the keys that were sent, so validateBusinessCalendar sees what the client meant. */
function calendarInput(body: BusinessCalendarBody): BusinessCalendarInput {
  return {
    name: body.name.trim(),
    timeZone: body.timeZone,
    weekly: body.weekly.map(({ day, windows }) => ({ day, windows: windows.map(({ opens, closes }) => ({ opens, closes })) })),
    holidays: (body.holidays ?? []).map(holiday),
  };
}

function holiday(dto: BusinessHolidayDto): BusinessHoliday {
  const plain: Record<string, unknown> = { date: dto.date };
  if (dto.name !== undefined) plain['name'] = dto.name;
  if (dto.closed !== undefined) plain['closed'] = dto.closed;
  if (dto.windows !== undefined) plain['windows'] = dto.windows.map(({ opens, closes }) => ({ opens, closes }));
  return plain as unknown as BusinessHoliday;
}

const section = (calendar: StoredBusinessCalendar) => `businessCalendar:${calendar.id}`;
const snapshot = ({ name, timeZone, weekly, holidays }: StoredBusinessCalendar): Record<string, unknown> => ({ name, timeZone, weekly, holidays });
