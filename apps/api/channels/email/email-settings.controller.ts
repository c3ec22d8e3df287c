import { Body, Controller, Get, Inject, Patch } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsEmail, IsString, MaxLength } from 'class-validator';
import { AuditLog } from '../../../../libs/accounts/audit-log.js';
import type { EmailSettings } from '../../../../libs/domain/account-settings.js';
import { accountForRecipient } from '../../../../libs/email/email-settings.js';
import type { Orm } from '../../../../libs/persistence/orm.js';
import { CurrentPrincipal, requireAccountManager, type AgentPrincipal } from '../../auth/principal.js';
import { ApiError, ApiErrorBody } from '../../common/api-error.js';
import { AccountSettingsService } from '../../settings/account-settings.service.js';
import { Omittable, OmittableOrNull } from '../../settings/settings-validation.js';
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

/** Keys left out keep their value. The address lists refuse null (send [] to empty one); senderName and signature take null (or "") for none. */
class EmailSettingsPatch {
  @ApiPropertyOptional({ type: [String], maxItems: MAX_ADDRESSES, description: 'Replaces the list; [] empties it, null is refused' })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(MAX_ADDRESSES)
  @IsEmail({}, { each: true })
  supportAddresses?: string[];
  @ApiPropertyOptional({ type: [String], maxItems: MAX_ADDRESSES, description: 'Replaces the list; [] empties it, null is refused' })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(MAX_ADDRESSES)
  @IsEmail({}, { each: true })
  forwardingAddresses?: string[];
  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 100, description: 'null or blank: no display name' })
  @OmittableOrNull()
  @IsString()
  @MaxLength(100)
  senderName?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 2000, description: 'null or blank: no signature' })
  @OmittableOrNull()
  @IsString()
  @MaxLength(2000)
  signature?: string | null;
}

/** SPEC §7: the email channel's settings, the `email` section of the account's settings. */
@ApiTags('settings')
@ApiBearerAuth()
@Controller('settings/email')
export class EmailSettingsController {
  constructor(
    private readonly settings: AccountSettingsService,
    @Inject(AuditLog) private readonly audit: AuditLog,
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
  @ApiBadRequestResponse({ type: ApiErrorBody, description: 'A value of the wrong type, not an address, or null where it means nothing; `field` names it' })
  @ApiForbiddenResponse({ type: ApiErrorBody })
  @ApiConflictResponse({ type: ApiErrorBody, description: 'An address already belongs to another account' })
  async update(@CurrentPrincipal() principal: AgentPrincipal, @Body() body: EmailSettingsPatch): Promise<EmailSettingsDto> {
    requireAccountManager(principal, 'change account settings');
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
    const before = (await this.settings.get(principal.accountId)).email;
    const after = (await this.settings.updateSection(principal.accountId, 'email', changes)).email;
    await this.audit.recordSettingsChange(principal.accountId, principal.user.id, 'email', { ...before }, { ...after });
    return after;
  }
}
