import { Body, Controller, Get, Inject, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsEmail, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { canManageAccount } from '../../../../libs/domain/access.js';
import type { EmailSettings } from '../../../../libs/domain/account-settings.js';
import { accountForRecipient } from '../../../../libs/email/email-settings.js';
import type { Orm } from '../../../../libs/persistence/orm.js';
import { CurrentPrincipal, type AgentPrincipal } from '../../auth/principal.js';
import { ApiError, ApiErrorBody } from '../../common/api-error.js';
import { AccountSettingsService } from '../../settings/account-settings.service.js';
import { ORM } from '../../tokens.js';

const MAX_ADDRESSES = 20;

class EmailSettingsDto implements EmailSettings {
  @ApiProperty({ type: [String], description: 'Support addresses customers write to; replies go out from the one the customer wrote to (else the first)' })
  supportAddresses!: string[];
  @ApiProperty({ type: [String], description: 'Further addresses the SMTP ingress accepts for this account (forwarding targets, groups)' })
  forwardingAddresses!: string[];
  @ApiProperty({ nullable: true, type: String, description: 'Display name of replies' }) senderName!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Plain text appended to every reply' }) signature!: string | null;
}

class EmailSettingsPatch {
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(MAX_ADDRESSES) @IsEmail({}, { each: true }) supportAddresses?: string[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(MAX_ADDRESSES) @IsEmail({}, { each: true }) forwardingAddresses?: string[];
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @ValidateIf((_, value) => value !== null) @IsString() @MaxLength(100) senderName?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) @IsOptional() @ValidateIf((_, value) => value !== null) @IsString() @MaxLength(2000) signature?: string | null;
}

/** SPEC §7: the email channel's settings, the `email` section of the account's settings. */
@ApiTags('settings')
@ApiBearerAuth()
@Controller('settings/email')
export class EmailSettingsController {
  constructor(
    private readonly settings: AccountSettingsService,
    @Inject(ORM) private readonly orm: Orm,
  ) {}

  @Get()
  @ApiOkResponse({ type: EmailSettingsDto })
  async get(@CurrentPrincipal() principal: AgentPrincipal): Promise<EmailSettingsDto> {
    return (await this.settings.get(principal.accountId)).email;
  }

  @Patch()
  @ApiOperation({ summary: 'Change support and forwarding addresses, sender name or signature (owners and admins)' })
  @ApiOkResponse({ type: EmailSettingsDto })
  @ApiForbiddenResponse({ type: ApiErrorBody })
  @ApiConflictResponse({ type: ApiErrorBody, description: 'An address already belongs to another account' })
  async update(@CurrentPrincipal() principal: AgentPrincipal, @Body() body: EmailSettingsPatch): Promise<EmailSettingsDto> {
    if (!canManageAccount(principal.user.role)) throw ApiError.forbidden(`role ${principal.user.role} may not change account settings`);
    const changes: Partial<EmailSettings> = {};
    for (const key of ['supportAddresses', 'forwardingAddresses'] as const) {
      const addresses = body[key];
      if (addresses === undefined) continue;
      changes[key] = [...new Set(addresses.map((address) => address.trim().toLowerCase()))];
      for (const address of changes[key]) {
        const owner = await accountForRecipient(this.orm, address);
        if (owner !== null && owner !== principal.accountId) throw ApiError.conflict('email_address_taken', `${address} already receives mail for another account`);
      }
    }
    if (body.senderName !== undefined) changes.senderName = body.senderName?.trim() || null;
    if (body.signature !== undefined) changes.signature = body.signature?.trim() || null;
    return (await this.settings.updateSection(principal.accountId, 'email', changes)).email;
  }
}
