import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Inject, Post, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { normalisePhoneNumber } from '../../../../libs/domain/phone.js';
import type { SmsConsent } from '../../../../libs/domain/sms-consent.js';
import type { Orm } from '../../../../libs/persistence/orm.js';
import { setSmsConsent } from '../../../../libs/sms/sms-profiles.js';
import { CurrentPrincipal, IntegrationOnly, type IntegrationPrincipal } from '../../auth/principal.js';
import { ApiError, ApiErrorBody } from '../../common/api-error.js';
import { ORM } from '../../tokens.js';
import { marketingSendId } from './twilio-webhook.controller.js';
import { IsDateTime } from '../../common/date-time.validator.js';

const CONSENTS: SmsConsent[] = ['marketing', 'transactional', 'none'];

/** How far ahead of our clock a send's `sentAt` may be (the marketing side's clock may run a little fast). */
export const MAX_SENT_AT_CLOCK_SKEW_MS = 5 * 60 * 1000;

class MarketingSendBody {
  @ApiProperty({ description: 'The recipient (normalised to E.164)' }) @IsString() @IsNotEmpty() @MaxLength(40) phone!: string;
  @ApiPropertyOptional({ description: 'The campaign that sent it (give campaignId or flowId)' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) campaignId?: string;
  @ApiPropertyOptional({ description: 'The flow that sent it' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) flowId?: string;
  @ApiPropertyOptional({ description: 'Twilio MessageSid of the send: posting it again is one send, and its status callbacks update it' })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(64) messageSid?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'When it was sent; now when omitted. Not in the future: at most 5 minutes ahead of the server\'s clock (clock skew), otherwise 400' })
  @IsOptional() @IsDateTime() sentAt?: string;
}

class MarketingSendDto {
  @ApiProperty() id!: string;
}

class ConsentBody {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(40) phone!: string;
  @ApiProperty({ enum: CONSENTS }) @IsIn(CONSENTS) consent!: SmsConsent;
}

function e164(raw: string): string {
  const phone = normalisePhoneNumber(raw);
  if (!phone.ok) throw ApiError.badRequest(`phone: ${phone.message}`, 'phone');
  return phone.e164;
}

/** The marketing side's door (integration token): its campaign/flow SMS sends (SPEC §9) and consent collected elsewhere (SPEC §3). */
@ApiTags('integration')
@ApiBearerAuth()
@Controller('integration/sms')
export class SmsMarketingController {
  constructor(@Inject(ORM) private readonly orm: Orm) {}

  @Post('sends')
  @IntegrationOnly()
  @ApiOperation({ summary: 'Record an SMS a campaign or flow sent to a person; their next text within the window is attributed to it' })
  @ApiCreatedResponse({ type: MarketingSendDto })
  @ApiBadRequestResponse({ type: ApiErrorBody })
  async recordSend(@CurrentPrincipal() principal: IntegrationPrincipal, @Body() body: MarketingSendBody): Promise<MarketingSendDto> {
    if (Boolean(body.campaignId) === Boolean(body.flowId)) throw ApiError.badRequest('give exactly one of campaignId and flowId', body.campaignId ? 'flowId' : 'campaignId');
    if (body.sentAt && Date.parse(body.sentAt) > Date.now() + MAX_SENT_AT_CLOCK_SKEW_MS) throw ApiError.badRequest('sentAt must not be in the future', 'sentAt');
    const id = body.messageSid ? marketingSendId(principal.accountId, body.messageSid) : `send-${randomUUID()}`;
    await this.orm.em.fork().execute(
      `INSERT INTO sms_marketing_sends (id, account_id, phone, kind, source_id, message_sid, sent_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, now())
       ON CONFLICT (account_id, message_sid) DO UPDATE SET kind = excluded.kind, source_id = excluded.source_id, sent_at = excluded.sent_at`,
      [id, principal.accountId, e164(body.phone), body.flowId ? 'flow' : 'campaign', body.flowId ?? body.campaignId, body.messageSid ?? null, body.sentAt ?? new Date().toISOString()],
    );
    return { id };
  }

  @Put('consent')
  @HttpCode(200)
  @IntegrationOnly()
  @ApiOperation({ summary: 'Set a person\'s SMS consent (e.g. a sign-up form); kept in the profile\'s consent history' })
  @ApiOkResponse({ type: ConsentBody })
  @ApiBadRequestResponse({ type: ApiErrorBody })
  async setConsent(@CurrentPrincipal() principal: IntegrationPrincipal, @Body() body: ConsentBody): Promise<ConsentBody> {
    const phone = e164(body.phone);
    await setSmsConsent(this.orm, { accountId: principal.accountId, phone, consent: body.consent });
    return { phone, consent: body.consent };
  }
}
