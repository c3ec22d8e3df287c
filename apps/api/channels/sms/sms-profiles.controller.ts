import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { normalisePhoneNumber } from '../../../../libs/domain/phone.js';
import type { Orm } from '../../../../libs/persistence/orm.js';
import { smsConsentHistory } from '../../../../libs/sms/sms-profiles.js';
import { CurrentPrincipal, type AgentPrincipal } from '../../auth/principal.js';
import { ApiError, ApiErrorBody } from '../../common/api-error.js';
import { ORM } from '../../tokens.js';

class ConsentChangeDto {
  @ApiProperty() previousConsent!: string;
  @ApiProperty() consent!: string;
  @ApiProperty({ enum: ['keyword', 'integration'] }) source!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The keyword as the customer texted it' }) keyword!: string | null;
  @ApiProperty({ nullable: true, type: String }) messageSid!: string | null;
  @ApiProperty({ format: 'date-time' }) changedAt!: string;
}

class SmsProfileDto {
  @ApiProperty() phone!: string;
  @ApiProperty({ enum: ['marketing', 'transactional', 'none'] }) consent!: string;
  @ApiProperty({ type: [ConsentChangeDto], description: 'Oldest first' }) history!: ConsentChangeDto[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

/** SPEC §3: the SMS side of a customer's profile, for agents. */
@ApiTags('sms')
@ApiBearerAuth()
@Controller('sms/profiles')
export class SmsProfilesController {
  constructor(@Inject(ORM) private readonly orm: Orm) {}

  @Get(':phone')
  @ApiOperation({ summary: 'SMS consent of a phone number and its history of changes' })
  @ApiOkResponse({ type: SmsProfileDto })
  @ApiNotFoundResponse({ type: ApiErrorBody })
  async get(@CurrentPrincipal() principal: AgentPrincipal, @Param('phone') raw: string): Promise<SmsProfileDto> {
    const phone = normalisePhoneNumber(raw);
    if (!phone.ok) throw ApiError.badRequest(`phone: ${phone.message}`, 'phone');
    const [row] = await this.orm.em.fork().execute<{ consent: string; created_at: Date }[]>(
      'SELECT consent, created_at FROM sms_profiles WHERE account_id = ? AND phone = ?',
      [principal.accountId, phone.e164],
    );
    if (!row) throw ApiError.notFound(`no SMS profile for ${phone.e164}`);
    return { phone: phone.e164, consent: row.consent, history: await smsConsentHistory(this.orm, principal.accountId, phone.e164), createdAt: new Date(row.created_at).toISOString() };
  }
}
