import { Body, Controller, Get, Inject, Patch } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { AuditLog } from '../../../libs/accounts/audit-log.js';
import type { AccountSettings } from '../../../libs/domain/account-settings.js';
import { CurrentPrincipal, requireAccountManager, type AgentPrincipal } from '../auth/principal.js';
import { ApiErrorBody } from '../common/api-error.js';
import { AccountSettingsService } from './account-settings.service.js';
import { Omittable } from './settings-validation.js';

/** The general settings; each channel's section has its own endpoint (`/settings/email`, `/settings/sms`, `/settings/web-chat`). */
class AccountSettingsDto {
  @ApiProperty({ description: 'Show agents the unread badge (default true)' }) unreadNotificationEnabled!: boolean;
}

/** Keys left out keep their value; null is refused (400). */
class AccountSettingsPatch {
  @ApiPropertyOptional({ type: Boolean, description: 'Show agents the unread badge; null is refused' }) @Omittable() @IsBoolean() unreadNotificationEnabled?: boolean;
}

@ApiTags('settings')
@ApiBearerAuth()
@Controller('settings')
export class SettingsController {
  constructor(
    private readonly settings: AccountSettingsService,
    @Inject(AuditLog) private readonly audit: AuditLog,
  ) {}

  @Get()
  @ApiOkResponse({ type: AccountSettingsDto })
  async get(@CurrentPrincipal() principal: AgentPrincipal): Promise<AccountSettingsDto> {
    return general(await this.settings.get(principal.accountId));
  }

  @Patch()
  @ApiOkResponse({ type: AccountSettingsDto })
  @ApiBadRequestResponse({ type: ApiErrorBody, description: 'A value of the wrong type, or null; `field` names it' })
  @ApiForbiddenResponse({ type: ApiErrorBody, description: 'Only owners and admins change settings' })
  async update(@CurrentPrincipal() principal: AgentPrincipal, @Body() body: AccountSettingsPatch): Promise<AccountSettingsDto> {
    requireAccountManager(principal, 'change account settings');
    const changes: Partial<Pick<AccountSettings, 'unreadNotificationEnabled'>> = {};
    if (body.unreadNotificationEnabled !== undefined) changes.unreadNotificationEnabled = body.unreadNotificationEnabled;
    const before = general(await this.settings.get(principal.accountId));
    const after = general(await this.settings.update(principal.accountId, changes));
    await this.audit.recordSettingsChange(principal.accountId, principal.user.id, 'general', { ...before }, { ...after });
    return after;
  }
}

/** Only the general keys: the channel sections are documented (and served) by their own endpoints. */
function general(settings: AccountSettings): AccountSettingsDto {
  return { unreadNotificationEnabled: settings.unreadNotificationEnabled };
}
