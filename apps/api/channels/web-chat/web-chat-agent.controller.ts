import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsEmail, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { canManageAccount } from '../../../../libs/domain/access.js';
import type { WebChatSettings } from '../../../../libs/domain/account-settings.js';
import { validateOfficeHours, type OfficeHours } from '../../../../libs/domain/office-hours.js';
import { CurrentPrincipal, type AgentPrincipal } from '../../auth/principal.js';
import { ApiError, ApiErrorBody } from '../../common/api-error.js';
import { AccountSettingsService } from '../../settings/account-settings.service.js';
import { WebChatService } from './web-chat.service.js';

class VisitorPresenceDto {
  @ApiProperty({ description: 'A heartbeat within the last 60 seconds and no goodbye since' }) online!: boolean;
  @ApiProperty() typing!: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastHeartbeatAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
}

class WebChatSettingsDto implements WebChatSettings {
  @ApiProperty({ nullable: true, type: String, description: 'From of the offline follow-up; the first email support address when null' }) followUpFromAddress!: string | null;
  @ApiProperty({ nullable: true, type: Object, description: '{ timeZone, weekly: [{ day 0-6, opens "HH:MM", closes "HH:MM" }], exceptions: [{ date, closed: true } | { date, opens, closes }] }' })
  officeHours!: OfficeHours | null;
  @ApiProperty({ nullable: true, type: String }) onlineAutoResponse!: string | null;
  @ApiProperty({ nullable: true, type: String }) offlineAutoResponse!: string | null;
  @ApiProperty() visitorTokenTtlHours!: number;
}

class WebChatSettingsPatch {
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @ValidateIf((_, value) => value !== null) @IsEmail() followUpFromAddress?: string | null;
  @ApiPropertyOptional({ nullable: true, type: Object }) @IsOptional() @ValidateIf((_, value) => value !== null) @IsObject() officeHours?: OfficeHours | null;
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @ValidateIf((_, value) => value !== null) @IsString() @MaxLength(1000) onlineAutoResponse?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @ValidateIf((_, value) => value !== null) @IsString() @MaxLength(1000) offlineAutoResponse?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(24 * 90) visitorTokenTtlHours?: number;
}

/** Agents' side of web chat: the visitor's presence on a chat ticket, and the channel's settings. */
@ApiTags('web chat')
@ApiBearerAuth()
@Controller()
export class WebChatAgentController {
  constructor(
    @Inject(WebChatService) private readonly chat: WebChatService,
    private readonly settings: AccountSettingsService,
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
    if (!canManageAccount(principal.user.role)) throw ApiError.forbidden(`role ${principal.user.role} may not change account settings`);
    const changes: Partial<WebChatSettings> = {};
    if (body.officeHours !== undefined) {
      if (body.officeHours !== null) {
        const hours: OfficeHours = { ...body.officeHours, exceptions: body.officeHours.exceptions ?? [] };
        const [problem] = validateOfficeHours(hours);
        if (problem) throw ApiError.badRequest(`officeHours.${problem.field}: ${problem.message}`, `officeHours.${problem.field}`);
        changes.officeHours = { timeZone: hours.timeZone, weekly: hours.weekly, exceptions: hours.exceptions };
      } else changes.officeHours = null;
    }
    if (body.followUpFromAddress !== undefined) changes.followUpFromAddress = body.followUpFromAddress?.trim().toLowerCase() || null;
    if (body.onlineAutoResponse !== undefined) changes.onlineAutoResponse = body.onlineAutoResponse?.trim() || null;
    if (body.offlineAutoResponse !== undefined) changes.offlineAutoResponse = body.offlineAutoResponse?.trim() || null;
    if (body.visitorTokenTtlHours !== undefined) changes.visitorTokenTtlHours = body.visitorTokenTtlHours;
    return (await this.settings.updateSection(principal.accountId, 'webChat', changes)).webChat;
  }
}
