import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { canManageAccount } from '../../../libs/domain/access.js';
import { CurrentPrincipal, type AgentPrincipal } from '../auth/principal.js';
import { ApiError, ApiErrorBody } from '../common/api-error.js';
import { AccountSettingsService } from './account-settings.service.js';

class AccountSettingsDto {
  @ApiProperty({ description: 'Show agents the unread badge' }) unreadNotificationEnabled!: boolean;
}

class AccountSettingsPatch {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() unreadNotificationEnabled?: boolean;
}

@ApiTags('settings')
@ApiBearerAuth()
@Controller('settings')
export class SettingsController {
  constructor(private readonly settings: AccountSettingsService) {}

  @Get()
  @ApiOkResponse({ type: AccountSettingsDto })
  get(@CurrentPrincipal() principal: AgentPrincipal): Promise<AccountSettingsDto> {
    return this.settings.get(principal.accountId);
  }

  @Patch()
  @ApiOkResponse({ type: AccountSettingsDto })
  @ApiForbiddenResponse({ type: ApiErrorBody, description: 'Only owners and admins change settings' })
  update(@CurrentPrincipal() principal: AgentPrincipal, @Body() body: AccountSettingsPatch): Promise<AccountSettingsDto> {
    if (!canManageAccount(principal.user.role)) throw ApiError.forbidden(`role ${principal.user.role} may not change account settings`);
    return this.settings.update(principal.accountId, body);
  }
}
