import { Body, Controller, Get, Inject, Param, Patch } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditLog } from '../../../libs/accounts/audit-log.js';
import type { CsatSettings } from '../../../libs/domain/csat.js';
import { CurrentPrincipal, requireAccountManager, type AgentPrincipal } from '../auth/principal.js';
import { ApiErrorBody } from '../common/api-error.js';
import { AccountSettingsService } from '../settings/account-settings.service.js';
import { CsatSettingsDto, CsatSettingsPatch, TicketCsatDto } from './csat.dto.js';
import { CsatService } from './csat.service.js';

/** Agents' side of customer satisfaction: the `csat` settings section and a ticket's surveys with their answers. */
@ApiTags('csat')
@ApiBearerAuth()
@Controller()
export class CsatAgentController {
  constructor(
    private readonly surveys: CsatService,
    private readonly settings: AccountSettingsService,
    @Inject(AuditLog) private readonly audit: AuditLog,
  ) {}

  @Get('settings/csat')
  @ApiOperation({ summary: 'Survey settings: the channels that send one after a close, the resend window, the question' })
  @ApiOkResponse({ type: CsatSettingsDto })
  async get(@CurrentPrincipal() principal: AgentPrincipal): Promise<CsatSettingsDto> {
    return (await this.settings.get(principal.accountId)).csat;
  }

  @Patch('settings/csat')
  @ApiOperation({ summary: 'Change the survey settings (owners and admins); keys left out keep their value' })
  @ApiOkResponse({ type: CsatSettingsDto })
  @ApiBadRequestResponse({ type: ApiErrorBody, description: 'A bad value or null; `field` names it' })
  @ApiForbiddenResponse({ type: ApiErrorBody, description: 'Only owners and admins change settings' })
  async update(@CurrentPrincipal() principal: AgentPrincipal, @Body() body: CsatSettingsPatch): Promise<CsatSettingsDto> {
    requireAccountManager(principal, 'change account settings');
    const changes: Partial<CsatSettings> = {};
    if (body.enabledChannels !== undefined) changes.enabledChannels = body.enabledChannels;
    if (body.resendAfterDays !== undefined) changes.resendAfterDays = body.resendAfterDays;
    if (body.question !== undefined) changes.question = body.question.trim();
    const before = (await this.settings.get(principal.accountId)).csat;
    const after = (await this.settings.updateSection(principal.accountId, 'csat', changes)).csat;
    await this.audit.recordSettingsChange(principal.accountId, principal.user.id, 'csat', { ...before }, { ...after });
    return after;
  }

  @Get('tickets/:ticketId/csat')
  @ApiOperation({ summary: "The ticket's satisfaction surveys, newest first, each with the customer's answer once given" })
  @ApiOkResponse({ type: TicketCsatDto })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: "No such ticket in the caller's account" })
  async ticketSurveys(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string): Promise<TicketCsatDto> {
    return { surveys: await this.surveys.ticketSurveys(principal.accountId, ticketId) };
  }
}
