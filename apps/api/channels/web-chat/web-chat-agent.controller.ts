import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, Equals, IsArray, IsEmail, IsInt, IsObject, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { AuditLog } from '../../../../libs/accounts/audit-log.js';
import { MAX_VISITOR_TOKEN_TTL_HOURS, type WebChatSettings } from '../../../../libs/domain/account-settings.js';
import { validateOfficeHours, type DayOfWeek, type OfficeHours, type OfficeHoursException } from '../../../../libs/domain/office-hours.js';
import { CurrentPrincipal, requireAccountManager, type AgentPrincipal } from '../../auth/principal.js';
import { ApiError, ApiErrorBody } from '../../common/api-error.js';
import { AccountSettingsService } from '../../settings/account-settings.service.js';
import { Omittable, OmittableOrNull } from '../../settings/settings-validation.js';
import { BusinessCalendarsService } from '../../calendars/business-calendars.service.js';
import { WebChatService } from './web-chat.service.js';

class VisitorPresenceDto {
  @ApiProperty({ description: 'A heartbeat within the last 60 seconds and no goodbye since' }) online!: boolean;
  @ApiProperty() typing!: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastHeartbeatAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
}

const TIME_OF_DAY = { type: String, example: '09:00', description: '"HH:MM", 24-hour; closes may be "24:00"; a closes before opens runs past midnight' };

class WeeklyOpeningHoursDto {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 6, description: '0 = Sunday … 6 = Saturday' }) @IsInt() day!: DayOfWeek;
  @ApiProperty({ ...TIME_OF_DAY }) @IsString() @MaxLength(5) opens!: string;
  @ApiProperty({ ...TIME_OF_DAY }) @IsString() @MaxLength(5) closes!: string;
}

/** Either { date, closed: true } or { date, opens, closes }. */
class OfficeHoursExceptionDto {
  @ApiProperty({ example: '2026-12-25', description: 'YYYY-MM-DD in the office hours\' time zone' }) @IsString() @MaxLength(10) date!: string;
  @ApiPropertyOptional({ enum: [true], description: 'Closed all day (then no opens/closes)' }) @Omittable() @Equals(true) closed?: true;
  @ApiPropertyOptional({ ...TIME_OF_DAY }) @Omittable() @IsString() @MaxLength(5) opens?: string;
  @ApiPropertyOptional({ ...TIME_OF_DAY }) @Omittable() @IsString() @MaxLength(5) closes?: string;
}

class OfficeHoursDto {
  @ApiProperty({ example: 'Europe/Berlin', description: 'IANA time zone' }) @IsString() @MaxLength(100) timeZone!: string;
  @ApiProperty({ type: [WeeklyOpeningHoursDto], maxItems: 7, description: 'At most one window per weekday; a day left out is closed' })
  @IsArray()
  @ArrayMaxSize(7)
  @ValidateNested({ each: true })
  @IsObject({ each: true })
  @Type(() => WeeklyOpeningHoursDto)
  weekly!: WeeklyOpeningHoursDto[];
  @ApiPropertyOptional({ type: [OfficeHoursExceptionDto], maxItems: 366, description: 'Holidays and special hours, one per date; default []' })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(366)
  @ValidateNested({ each: true })
  @IsObject({ each: true })
  @Type(() => OfficeHoursExceptionDto)
  exceptions?: OfficeHoursExceptionDto[];
}

class WebChatSettingsDto implements WebChatSettings {
  @ApiProperty({ nullable: true, type: String, description: 'From of the offline follow-up; the first email support address when null' }) followUpFromAddress!: string | null;
  @ApiProperty({ nullable: true, type: OfficeHoursDto, description: 'null: the team always counts as online' }) officeHours!: OfficeHours | null;
  @ApiProperty({ nullable: true, type: String, description: 'A business-hours calendar (GET /business-calendars) giving the office hours instead of officeHours; null: officeHours apply' })
  officeHoursCalendarId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Posted in a new conversation within office hours; null: nothing' }) onlineAutoResponse!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Posted in a new conversation outside office hours; null: nothing' }) offlineAutoResponse!: string | null;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_VISITOR_TOKEN_TTL_HOURS, description: 'How long a visitor token stays valid (default 168, 7 days)' }) visitorTokenTtlHours!: number;
}

/** Keys left out keep their value; null means the default only where the field says so. */
class WebChatSettingsPatch {
  @ApiPropertyOptional({ nullable: true, type: String, format: 'email', description: 'null: the default (the first email support address, then MAIL_FROM)' })
  @OmittableOrNull()
  @IsEmail()
  followUpFromAddress?: string | null;
  @ApiPropertyOptional({ nullable: true, type: OfficeHoursDto, description: 'Replaces the office hours; null: none (the team always counts as online)' })
  @OmittableOrNull()
  @IsObject()
  @ValidateNested()
  @Type(() => OfficeHoursDto)
  officeHours?: OfficeHoursDto | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'A business-hours calendar of the account whose hours the chat follows; null: the officeHours above' })
  @OmittableOrNull()
  @IsString()
  @MaxLength(100)
  officeHoursCalendarId?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 1000, description: 'null or blank: no auto-response' })
  @OmittableOrNull()
  @IsString()
  @MaxLength(1000)
  onlineAutoResponse?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 1000, description: 'null or blank: no auto-response' })
  @OmittableOrNull()
  @IsString()
  @MaxLength(1000)
  offlineAutoResponse?: string | null;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_VISITOR_TOKEN_TTL_HOURS, description: 'Whole hours from 1 to 2160 (90 days); null is refused' })
  @Omittable()
  @IsInt()
  @Min(1)
  @Max(MAX_VISITOR_TOKEN_TTL_HOURS)
  visitorTokenTtlHours?: number;
}

/** Agents' side of web chat: the visitor's presence on a chat ticket, and the channel's settings. */
@ApiTags('web chat')
@ApiBearerAuth()
@Controller()
export class WebChatAgentController {
  constructor(
    @Inject(WebChatService) private readonly chat: WebChatService,
    private readonly settings: AccountSettingsService,
    @Inject(AuditLog) private readonly audit: AuditLog,
    @Inject(BusinessCalendarsService) private readonly calendars: BusinessCalendarsService,
  ) {}

  @Get('tickets/:ticketId/chat-visitor')
  @ApiOperation({ summary: 'Is the chat visitor still here, and typing?' })
  @ApiOkResponse({ type: VisitorPresenceDto })
  presence(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string): Promise<VisitorPresenceDto> {
    return this.chat.visitorPresence(principal.accountId, ticketId);
  }

  @Post('tickets/:ticketId/chat-typing')
  @HttpCode(204)
  @ApiOperation({ summary: 'Tell the chat visitor that an agent is typing (shown for a few seconds; repeat while typing)' })
  typing(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string): Promise<void> {
    return this.chat.agentTyping(principal.accountId, ticketId);
  }

  @Get('settings/web-chat')
  @ApiOperation({ summary: 'Web chat settings: office hours, auto-responses, follow-up address' })
  @ApiOkResponse({ type: WebChatSettingsDto })
  async get(@CurrentPrincipal() principal: AgentPrincipal): Promise<WebChatSettingsDto> {
    return (await this.settings.get(principal.accountId)).webChat;
  }

  @Patch('settings/web-chat')
  @ApiOperation({ summary: 'Change web chat settings (owner, admin, manager); keys left out keep their value' })
  @ApiOkResponse({ type: WebChatSettingsDto })
  @ApiBadRequestResponse({ type: ApiErrorBody })
  async update(@CurrentPrincipal() principal: AgentPrincipal, @Body() body: WebChatSettingsPatch): Promise<WebChatSettingsDto> {
    requireAccountManager(principal, 'change account settings');
    const changes: Partial<WebChatSettings> = {};
    if (body.officeHours !== undefined) {
      if (body.officeHours !== null) {
        const hours: OfficeHours = {
          timeZone: body.officeHours.timeZone,
          weekly: body.officeHours.weekly.map(({ day, opens, closes }) => ({ day, opens, closes })),
          exceptions: (body.officeHours.exceptions ?? []).map(officeHoursException),
        };
        const [problem] = validateOfficeHours(hours);
        if (problem) throw ApiError.badRequest(`officeHours.${problem.field}: ${problem.message}`, `officeHours.${problem.field}`);
        changes.officeHours = hours;
      } else changes.officeHours = null;
    }
    if (body.officeHoursCalendarId !== undefined) {
      if (body.officeHoursCalendarId !== null && !(await this.calendars.exists(principal.accountId, body.officeHoursCalendarId))) {
        throw ApiError.badRequest(`officeHoursCalendarId: no business-hours calendar ${body.officeHoursCalendarId} in this account`, 'officeHoursCalendarId');
      }
      changes.officeHoursCalendarId = body.officeHoursCalendarId;
    }
    if (body.followUpFromAddress !== undefined) changes.followUpFromAddress = body.followUpFromAddress?.trim().toLowerCase() || null;
    if (body.onlineAutoResponse !== undefined) changes.onlineAutoResponse = body.onlineAutoResponse?.trim() || null;
    if (body.offlineAutoResponse !== undefined) changes.offlineAutoResponse = body.offlineAutoResponse?.trim() || null;
    if (body.visitorTokenTtlHours !== undefined) changes.visitorTokenTtlHours = body.visitorTokenTtlHours;
    const before = (await this.settings.get(principal.accountId)).webChat;
    const after = (await this.settings.updateSection(principal.accountId, 'webChat', changes)).webChat;
    await this.audit.recordSettingsChange(principal.accountId, principal.user.id, 'webChat', { ...before }, { ...after });
    return after;
  }
}

/** A plain exception with only the keys that were sent, so validateOfficeHours sees what the client meant. */
function officeHoursException(exception: OfficeHoursExceptionDto): OfficeHoursException {
  const plain: Record<string, unknown> = { date: exception.date };
  for (const key of ['closed', 'opens', 'closes'] as const) if (exception[key] !== undefined) plain[key] = exception[key];
  return plain as unknown as OfficeHoursException;
}
