import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, Equals, IsArray, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { BUSINESS_CALENDAR_SEARCH_DAYS, MAX_HOLIDAY_NAME_LENGTH, MAX_HOLIDAYS, MAX_WINDOWS_PER_DAY, type Weekday } from '../../../libs/calendars/business-calendar.js';
import { IsDateTime } from '../common/date-time.validator.js';
import { IsNotBlank, Omittable } from '../settings/settings-validation.js';

/**
 * One schema per shape: these classes validate the request (types and sizes; the calendar's own rules,
 * such as time formats, order and overlap, are checked by validateBusinessCalendar) and document it.
 */

export const MAX_CALENDAR_NAME_LENGTH = 100;
/** A year of around-the-clock time. */
export const MAX_PREVIEW_DURATION_MINUTES = 366 * 24 * 60;

const OPENS = { type: String, example: '09:00', description: '"HH:MM", 24-hour, 00:00–23:59' };
const CLOSES = { type: String, example: '18:00', description: '"HH:MM" after opens, or "24:00" (end of the day); a window never runs past midnight' };

export class BusinessHoursWindowDto {
  @ApiProperty({ ...OPENS }) @IsString() @MaxLength(5) opens!: string;
  @ApiProperty({ ...CLOSES }) @IsString() @MaxLength(5) closes!: string;
}

const WINDOWS_DESCRIPTION = 'In order, not overlapping (touching is fine); several for a split shift; 00:00–24:00 for the whole day';

export class BusinessDayDto {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 6, description: '0 = Sunday … 6 = Saturday; each day at most once' }) @IsInt() day!: Weekday;
  @ApiProperty({ type: [BusinessHoursWindowDto], maxItems: MAX_WINDOWS_PER_DAY, description: `${WINDOWS_DESCRIPTION}; [] is closed` })
  @IsArray()
  @ArrayMaxSize(MAX_WINDOWS_PER_DAY)
  @ValidateNested({ each: true })
  @IsObject({ each: true })
  @Type(() => BusinessHoursWindowDto)
  windows!: BusinessHoursWindowDto[];
}

/** Either { date, closed: true } or { date, windows }. */
export class BusinessHolidayDto {
  @ApiProperty({ example: '2026-12-25', description: 'YYYY-MM-DD, a date on the calendar\'s clocks; each date at most once' }) @IsString() @MaxLength(10) date!: string;
  @ApiPropertyOptional({ maxLength: MAX_HOLIDAY_NAME_LENGTH, example: 'Christmas Day' }) @Omittable() @IsString() @MaxLength(MAX_HOLIDAY_NAME_LENGTH) name?: string;
  @ApiPropertyOptional({ enum: [true], description: 'Closed all day (then no windows)' }) @Omittable() @Equals(true) closed?: true;
  @ApiPropertyOptional({
    type: [BusinessHoursWindowDto],
    minItems: 1,
    maxItems: MAX_WINDOWS_PER_DAY,
    description: `Special hours replacing the weekly ones of that date (then no closed). ${WINDOWS_DESCRIPTION}`,
  })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(MAX_WINDOWS_PER_DAY)
  @ValidateNested({ each: true })
  @IsObject({ each: true })
  @Type(() => BusinessHoursWindowDto)
  windows?: BusinessHoursWindowDto[];
}

/** The body of POST and PUT: the whole calendar. */
export class BusinessCalendarBody {
  @ApiProperty({ maxLength: MAX_CALENDAR_NAME_LENGTH, example: 'Paris office', description: 'Unique in the account, regardless of case; trimmed' })
  @IsString()
  @IsNotBlank()
  @MaxLength(MAX_CALENDAR_NAME_LENGTH)
  name!: string;
  @ApiProperty({ example: 'Europe/Paris', description: 'IANA time zone name' }) @IsString() @MaxLength(100) timeZone!: string;
  @ApiProperty({ type: [BusinessDayDto], maxItems: 7, description: 'The weekly hours; a day left out is closed' })
  @IsArray()
  @ArrayMaxSize(7)
  @ValidateNested({ each: true })
  @IsObject({ each: true })
  @Type(() => BusinessDayDto)
  weekly!: BusinessDayDto[];
  @ApiPropertyOptional({ type: [BusinessHolidayDto], maxItems: MAX_HOLIDAYS, description: 'Dates whose hours replace the weekly ones; default []' })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(MAX_HOLIDAYS)
  @ValidateNested({ each: true })
  @IsObject({ each: true })
  @Type(() => BusinessHolidayDto)
  holidays?: BusinessHolidayDto[];
}

export class BusinessCalendarDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'Europe/Paris' }) timeZone!: string;
  @ApiProperty({ type: [BusinessDayDto] }) weekly!: BusinessDayDto[];
  @ApiProperty({ type: [BusinessHolidayDto] }) holidays!: BusinessHolidayDto[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class BusinessCalendarListDto {
  @ApiProperty({ type: [BusinessCalendarDto], description: 'By name' }) calendars!: BusinessCalendarDto[];
}

export class BusinessCalendarPreviewQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'When the clock would start (a ticket\'s creation); default: now' })
  @IsOptional()
  @IsDateTime({ message: 'from must be an ISO 8601 date-time' })
  from?: string;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_PREVIEW_DURATION_MINUTES, example: 60, description: 'A target in minutes of open time' })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_PREVIEW_DURATION_MINUTES)
  durationMinutes!: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, example: 80, description: 'Also compute the warning at this share of the target' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  warnAtPercent?: number;
}

const INSTANT = (description: string) => ({ nullable: true, type: String, format: 'date-time', description });
const LOCAL = (description: string) => ({ nullable: true, type: String, example: '2026-03-30T09:55:00.000+02:00', description: `${description}, on the calendar's clocks (with its UTC offset)` });

export class BusinessCalendarPreviewDto {
  @ApiProperty() calendarId!: string;
  @ApiProperty({ example: 'Europe/Paris' }) timeZone!: string;
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ example: '2026-03-27T17:55:00.000+01:00', description: 'from on the calendar\'s clocks' }) fromLocal!: string;
  @ApiProperty({ description: 'Whether from is open time' }) openAtFrom!: boolean;
  @ApiProperty({ type: 'integer' }) durationMinutes!: number;
  @ApiProperty({ ...INSTANT('When the clock starts: from when it is open time, else the next opening; null when the calendar does not open within searchDays') })
  startsAt!: string | null;
  @ApiProperty({ ...LOCAL('startsAt') }) startsAtLocal!: string | null;
  @ApiProperty({ ...INSTANT('When durationMinutes of open time have passed since from; null when they do not fit in searchDays') }) dueAt!: string | null;
  @ApiProperty({ ...LOCAL('dueAt') }) dueAtLocal!: string | null;
  @ApiProperty({ nullable: true, type: 'integer', description: 'As asked; null when not asked' }) warnAtPercent!: number | null;
  @ApiProperty({ ...INSTANT('When warnAtPercent of the target has passed (rounded down to the second, as SLA policies warn); null when not asked or not within searchDays') })
  warnsAt!: string | null;
  @ApiProperty({ ...LOCAL('warnsAt') }) warnsAtLocal!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Minutes of open time in [from, dueAt): durationMinutes again, computed the other way; null without dueAt' })
  businessMinutesBetween!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Minutes of clock time in [from, dueAt); null without dueAt' }) clockMinutesBetween!: number | null;
  @ApiProperty({ type: 'integer', example: BUSINESS_CALENDAR_SEARCH_DAYS, description: 'How many local days past from the search looks' }) searchDays!: number;
}
