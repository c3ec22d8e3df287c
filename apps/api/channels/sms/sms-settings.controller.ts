import { Body, Controller, Get, Inject, Patch, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsNotEmpty, IsObject, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { AuditLog } from '../../../../libs/accounts/audit-log.js';
import type { AppConfig } from '../../../../libs/config/config.js';
import { MAX_ATTRIBUTION_WINDOW_HOURS, SMS_AUTO_RESPONDER_AUDIENCES, type SmsSettings } from '../../../../libs/domain/account-settings.js';
import { validateAutoResponderTemplate, type SmsAutoResponderAudience } from '../../../../libs/domain/auto-responder.js';
import { validateInboxSmsNumber } from '../../../../libs/domain/phone.js';
import { normaliseSmsKeywordText } from '../../../../libs/domain/sms-keywords.js';
import type { Orm } from '../../../../libs/persistence/orm.js';
import { secretBoxFrom, SecretBoxError, type SecretBox } from '../../../../libs/secrets/secret-box.js';
import { findSmsConnection, saveSmsChannel, smsWebhookPaths } from '../../../../libs/sms/sms-channels.js';
import { CurrentPrincipal, requireAccountManager, type AgentPrincipal } from '../../auth/principal.js';
import { ApiError, ApiErrorBody } from '../../common/api-error.js';
import { AccountSettingsService } from '../../settings/account-settings.service.js';
import { IsNotBlank, Omittable, OmittableOrNull } from '../../settings/settings-validation.js';
import { APP_CONFIG, ORM } from '../../tokens.js';

const AUDIENCES = [...SMS_AUTO_RESPONDER_AUDIENCES];
const MAX_KEYWORDS = 20;
const MAX_SMS_TEXT = 640;

class AutoResponderDto {
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ enum: AUDIENCES, description: 'Recommended: non_consented' }) audience!: SmsAutoResponderAudience;
  @ApiProperty({ description: 'Placeholders {{organization_prefix}} and {{email}}' }) template!: string;
}

class SmsSettingsDto implements SmsSettings {
  @ApiProperty({ type: [String] }) optOutKeywords!: string[];
  @ApiProperty({ type: [String] }) optInKeywords!: string[];
  @ApiProperty({ type: [String] }) helpKeywords!: string[];
  @ApiProperty() helpText!: string;
  @ApiProperty({ type: AutoResponderDto }) autoResponder!: AutoResponderDto;
  @ApiProperty({ nullable: true, type: String, description: '{{organization_prefix}}; the account name when null' }) organizationPrefix!: string | null;
  @ApiProperty({ nullable: true, type: String, description: '{{email}}; the first email support address when null' }) contactEmail!: string | null;
  @ApiProperty() teamNotificationsEnabled!: boolean;
  @ApiProperty({ type: [String] }) teamNotificationRecipients!: string[];
  @ApiProperty() linkShorteningEnabled!: boolean;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_ATTRIBUTION_WINDOW_HOURS, description: 'SPEC §9 attribution window (default 24)' }) attributionWindowHours!: number;
}

/** Keys left out keep their value; null is refused. */
class AutoResponderPatch {
  @ApiPropertyOptional({ type: Boolean }) @Omittable() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional({ enum: AUDIENCES }) @Omittable() @IsIn(AUDIENCES) audience?: SmsAutoResponderAudience;
  @ApiPropertyOptional({ type: String, maxLength: MAX_SMS_TEXT, description: 'Not blank; placeholders {{organization_prefix}} and {{email}} only' })
  @Omittable()
  @IsString()
  @IsNotBlank()
  @MaxLength(MAX_SMS_TEXT)
  template?: string;
}

const KEYWORDS: ApiPropertyOptions = { type: [String], maxItems: MAX_KEYWORDS, description: 'Replaces the list; null is refused' };

/** Keys left out keep their value; null means the default only for organizationPrefix and contactEmail. */
class SmsSettingsPatch {
  @ApiPropertyOptional({ type: [String], minItems: 1, maxItems: MAX_KEYWORDS, description: 'Replaces the list; at least one keyword (texters must be able to opt out); null is refused' })
  @Omittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_KEYWORDS)
  @IsString({ each: true })
  @MaxLength(40, { each: true })
  optOutKeywords?: string[];
  @ApiPropertyOptional(KEYWORDS) @Omittable() @IsArray() @ArrayMaxSize(MAX_KEYWORDS) @IsString({ each: true }) @MaxLength(40, { each: true }) optInKeywords?: string[];
  @ApiPropertyOptional(KEYWORDS) @Omittable() @IsArray() @ArrayMaxSize(MAX_KEYWORDS) @IsString({ each: true }) @MaxLength(40, { each: true }) helpKeywords?: string[];
  @ApiPropertyOptional({ type: String, maxLength: MAX_SMS_TEXT, description: 'Answer to HELP; not blank, null is refused' })
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @IsNotBlank()
  @MaxLength(MAX_SMS_TEXT)
  helpText?: string;
  @ApiPropertyOptional({ type: AutoResponderPatch, description: 'Keys left out keep their value; null is refused' })
  @Omittable()
  @IsObject()
  @ValidateNested()
  @Type(() => AutoResponderPatch)
  autoResponder?: AutoResponderPatch;
  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 40, description: 'null or blank: the default, the account name' })
  @OmittableOrNull()
  @IsString()
  @MaxLength(40)
  organizationPrefix?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'email', description: 'null: the default, the first email support address' })
  @OmittableOrNull()
  @IsEmail()
  contactEmail?: string | null;
  @ApiPropertyOptional({ type: Boolean, description: 'null is refused' }) @Omittable() @IsBoolean() teamNotificationsEnabled?: boolean;
  @ApiPropertyOptional({ type: [String], maxItems: 20, description: 'Replaces the list; [] empties it, null is refused' })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(20)
  @IsEmail({}, { each: true })
  teamNotificationRecipients?: string[];
  @ApiPropertyOptional({ type: Boolean, description: 'null is refused' }) @Omittable() @IsBoolean() linkShorteningEnabled?: boolean;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_ATTRIBUTION_WINDOW_HOURS, description: 'Whole hours; null is refused' })
  @Omittable()
  @IsInt()
  @Min(1)
  @Max(MAX_ATTRIBUTION_WINDOW_HOURS)
  attributionWindowHours?: number;
}

class TwilioConnectionBody {
  @ApiProperty({ example: 'AC0123456789abcdef0123456789abcdef' }) @Matches(/^AC[0-9a-fA-F]{32}$/, { message: 'accountSid must be a Twilio account SID (AC followed by 32 hex digits)' }) accountSid!: string;
  @ApiProperty({ writeOnly: true }) @IsString() @IsNotEmpty() @MaxLength(200) authToken!: string;
  @ApiProperty({ example: '+14155550100', description: 'A number that can receive texts; alphanumeric sender IDs are refused' }) @IsString() @IsNotEmpty() @MaxLength(40) inboxNumber!: string;
}

class TwilioConnectionDto {
  @ApiProperty() connected!: boolean;
  @ApiProperty({ nullable: true, type: String }) accountSid!: string | null;
  @ApiProperty({ nullable: true, type: String }) inboxNumber!: string | null;
  @ApiProperty({ description: 'Set as the number\'s "A message comes in" webhook (HTTP POST)' }) inboundWebhookUrl!: string;
  @ApiProperty({ description: 'Status callback URL; add ?campaignId= or ?flowId= for the brand\'s own sends' }) statusCallbackUrl!: string;
}

/** SPEC §7: the SMS channel's settings (the `sms` section) and its Twilio connection (owners and admins change them). */
@ApiTags('settings')
@ApiBearerAuth()
@Controller('settings/sms')
export class SmsSettingsController {
  constructor(
    private readonly settings: AccountSettingsService,
    @Inject(AuditLog) private readonly audit: AuditLog,
    @Inject(ORM) private readonly orm: Orm,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOkResponse({ type: SmsSettingsDto })
  async get(@CurrentPrincipal() principal: AgentPrincipal): Promise<SmsSettingsDto> {
    return (await this.settings.get(principal.accountId)).sms;
  }

  @Patch()
  @ApiOperation({ summary: 'Change keywords, help text, auto-responder, team notifications, link shortening or the attribution window' })
  @ApiOkResponse({ type: SmsSettingsDto })
  @ApiBadRequestResponse({ type: ApiErrorBody })
  @ApiForbiddenResponse({ type: ApiErrorBody })
  async update(@CurrentPrincipal() principal: AgentPrincipal, @Body() body: SmsSettingsPatch): Promise<SmsSettingsDto> {
    requireAccountManager(principal, 'change account settings');
    const current = (await this.settings.get(principal.accountId)).sms;
    const changes: Partial<SmsSettings> = {};
    for (const key of ['optOutKeywords', 'optInKeywords', 'helpKeywords'] as const) {
      const keywords = body[key]?.map((keyword) => normaliseSmsKeywordText(keyword));
      if (keywords === undefined) continue;
      if (keywords.some((keyword) => keyword === '')) throw ApiError.badRequest(`${key} must not contain an empty keyword`, key);
      changes[key] = [...new Set(keywords)];
    }
    if (body.autoResponder) {
      const autoResponder = { ...current.autoResponder, ...body.autoResponder };
      const [problem] = validateAutoResponderTemplate(autoResponder.template);
      if (problem) throw ApiError.badRequest(`autoResponder.template: ${problem}`, 'autoResponder.template');
      changes.autoResponder = autoResponder;
    }
    if (body.helpText !== undefined) changes.helpText = body.helpText.trim();
    if (body.organizationPrefix !== undefined) changes.organizationPrefix = body.organizationPrefix?.trim() || null;
    if (body.contactEmail !== undefined) changes.contactEmail = body.contactEmail?.trim().toLowerCase() || null;
    if (body.teamNotificationRecipients !== undefined) changes.teamNotificationRecipients = [...new Set(body.teamNotificationRecipients.map((address) => address.trim().toLowerCase()))];
    for (const key of ['teamNotificationsEnabled', 'linkShorteningEnabled', 'attributionWindowHours'] as const) {
      if (body[key] !== undefined) (changes as Record<string, unknown>)[key] = body[key];
    }
    const after = (await this.settings.updateSection(principal.accountId, 'sms', changes)).sms;
    await this.audit.recordSettingsChange(principal.accountId, principal.user.id, 'sms', { ...current }, { ...after });
    return after;
  }

  @Get('twilio')
  @ApiOperation({ summary: 'The Twilio connection and the webhook URLs to configure at Twilio (the auth token is never shown)' })
  @ApiOkResponse({ type: TwilioConnectionDto })
  async connection(@CurrentPrincipal() principal: AgentPrincipal): Promise<TwilioConnectionDto> {
    const channel = await findSmsConnection(this.orm, principal.accountId);
    return this.connectionDto(principal.accountId, channel?.accountSid ?? null, channel?.inboxNumber ?? null);
  }

  @Put('twilio')
  @ApiOperation({ summary: 'Connect the inbox to a Twilio account and number' })
  @ApiOkResponse({ type: TwilioConnectionDto })
  @ApiBadRequestResponse({ type: ApiErrorBody, description: 'e.g. an alphanumeric sender ID, which cannot receive texts' })
  async connect(@CurrentPrincipal() principal: AgentPrincipal, @Body() body: TwilioConnectionBody): Promise<TwilioConnectionDto> {
    requireAccountManager(principal, 'change account settings');
    const number = validateInboxSmsNumber(body.inboxNumber);
    if (!number.ok) throw ApiError.badRequest(`inboxNumber: ${number.message}`, 'inboxNumber');
    const before = await findSmsConnection(this.orm, principal.accountId);
    await saveSmsChannel(this.orm, this.secrets(), { accountId: principal.accountId, accountSid: body.accountSid, authToken: body.authToken, inboxNumber: number.e164 });
    // The auth token always counts as changed (it cannot be compared without opening it); the log masks it.
    await this.audit.recordSettingsChange(
      principal.accountId,
      principal.user.id,
      'sms.twilio',
      { accountSid: before?.accountSid ?? null, inboxNumber: before?.inboxNumber ?? null, authToken: before ? 'previous' : null },
      { accountSid: body.accountSid, inboxNumber: number.e164, authToken: 'new' },
    );
    return this.connectionDto(principal.accountId, body.accountSid, number.e164);
  }

  /** The auth token is stored sealed: without SECRETS_KEYRING the connection cannot be saved. */
  private secrets(): SecretBox {
    try {
      return secretBoxFrom(this.config);
    } catch (error) {
      if (error instanceof SecretBoxError) throw ApiError.unavailable('the Twilio auth token cannot be stored sealed: set SECRETS_KEYRING');
      throw error;
    }
  }

  private connectionDto(accountId: string, accountSid: string | null, inboxNumber: string | null): TwilioConnectionDto {
    const base = this.config.publicUrl.replace(/\/+$/, '');
    const paths = smsWebhookPaths(accountId);
    return { connected: accountSid !== null, accountSid, inboxNumber, inboundWebhookUrl: `${base}${paths.inbound}`, statusCallbackUrl: `${base}${paths.status}` };
  }
}

