import { createHash } from 'node:crypto';
import { Body, Controller, Header, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import twilio from 'twilio';
import type { AppConfig } from '../../../../libs/config/config.js';
import { normalisePhoneNumber } from '../../../../libs/domain/phone.js';
import { classifySmsKeyword } from '../../../../libs/domain/sms-keywords.js';
import { InboundIngestion } from '../../../../libs/ingestion/inbound-ingestion.js';
import type { Orm } from '../../../../libs/persistence/orm.js';
import { storableText } from '../../../../libs/persistence/storable-text.js';
import { deliveryStatusFromTwilio, progressOf, progressSql, twilioErrorText } from '../../../../libs/sms/delivery-status.js';
import { secretBoxFrom, SecretBoxError } from '../../../../libs/secrets/secret-box.js';
import { findSmsChannel, type SmsChannel } from '../../../../libs/sms/sms-channels.js';
import { applyConsentKeyword, ensureSmsProfile } from '../../../../libs/sms/sms-profiles.js';
import { Public } from '../../auth/principal.js';
import { ApiError } from '../../common/api-error.js';
import { AcceptsContentTypes } from '../../common/content-type.guard.js';
import { AccountSettingsService } from '../../settings/account-settings.service.js';
import { APP_CONFIG, ORM } from '../../tokens.js';

type TwilioParams = Record<string, string | undefined>;

function twiml(reply?: string): string {
  const response = new twilio.twiml.MessagingResponse();
  if (reply) response.message(reply);
  return response.toString();
}

/**
 * Twilio cannot be answered "fix it": characters PostgreSQL cannot store (NUL, unpaired surrogates) become
 * U+FFFD in every parameter, so the text is kept (docs/api.md, "Characters PostgreSQL cannot store").
 */
function storableParams(params: TwilioParams): TwilioParams {
  return Object.fromEntries(Object.entries(params).map(([name, value]) => [name, value === undefined ? value : storableText(value)]));
}

/** MMS: the media URLs follow the text, one per line, so the thread shows them. */
function textWithMedia(params: TwilioParams): string {
  const count = Math.min(Number(params.NumMedia ?? 0) || 0, 10);
  const media = Array.from({ length: count }, (_, index) => params[`MediaUrl${index}`]).filter((url): url is string => Boolean(url));
  return [params.Body ?? '', ...media.map((url) => `[media] ${url}`)].filter((line) => line.trim() !== '').join('\n');
}

/**
 * Twilio's webhooks for one account: incoming texts and delivery status callbacks. Twilio signs each
 * request with the account's auth token over the URL it called (PUBLIC_URL + path) and the form
 * parameters; anything unsigned or signed wrongly is refused with 403 before it is looked at.
 */
@ApiExcludeController()
@AcceptsContentTypes('application/x-www-form-urlencoded')
@Controller('webhooks/twilio/sms')
export class TwilioWebhookController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ORM) private readonly orm: Orm,
    @Inject(InboundIngestion) private readonly ingestion: InboundIngestion,
    private readonly settings: AccountSettingsService,
  ) {}

  /**
   * A customer's text. Keywords change consent (HELP is answered) and go no further; anything else is
   * handed to the person's ticket durably (signal-with-start keyed by MessageSid) before Twilio gets its 200.
   */
  @Post(':accountId')
  @Public()
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  async inbound(@Param('accountId') accountId: string, @Req() request: Request, @Body() params: TwilioParams): Promise<string> {
    await this.authenticate(accountId, request, params);
    params = storableParams(params); // after the signature, which is over what Twilio sent
    const messageSid = params.MessageSid ?? params.SmsSid;
    if (!messageSid) throw ApiError.badRequest('MessageSid is missing', 'MessageSid');
    const from = normalisePhoneNumber(params.From ?? '');
    if (!from.ok) throw ApiError.badRequest(`From: ${from.message}`, 'From');
    const phone = from.e164;

    const { sms } = await this.settings.get(accountId);
    const keyword = classifySmsKeyword(params.Body ?? '', { optOut: sms.optOutKeywords, optIn: sms.optInKeywords, help: sms.helpKeywords });
    if (keyword === 'help') return twiml(sms.helpText);
    if (keyword) {
      await applyConsentKeyword(this.orm, { accountId, phone, keyword, text: params.Body ?? '', messageSid });
      return twiml();
    }

    const body = textWithMedia(params);
    if (body === '') return twiml();
    await ensureSmsProfile(this.orm, accountId, phone);
    // Twilio cannot tell the texter about a refusal: characters PostgreSQL cannot store are replaced, the text is kept.
    await this.ingestion.ingest({ accountId, channel: 'sms', externalId: messageSid, body, sender: { phone }, unstorableText: 'replace' });
    return twiml();
  }

  /**
   * Delivery status of a text we sent (`?messageId=`: an agent reply or auto-response) or of a campaign
   * or flow send of the brand (`?campaignId=` / `?flowId=`, recorded for attribution). Statuses only move forward.
   */
  @Post(':accountId/status')
  @Public()
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  async status(@Param('accountId') accountId: string, @Req() request: Request, @Body() params: TwilioParams): Promise<string> {
    await this.authenticate(accountId, request, params);
    params = storableParams(params); // after the signature, which is over what Twilio sent
    const messageSid = params.MessageSid ?? params.SmsSid;
    const status = deliveryStatusFromTwilio(params.MessageStatus ?? params.SmsStatus ?? '');
    if (!messageSid || !status) return twiml();
    const query = request.query as Record<string, string | undefined>;
    const errorCode = params.ErrorCode || null;

    if (query.campaignId || query.flowId) {
      const to = normalisePhoneNumber(params.To ?? '');
      if (!to.ok) throw ApiError.badRequest(`To: ${to.message}`, 'To');
      await this.orm.em.fork().execute(
        `INSERT INTO sms_marketing_sends (id, account_id, phone, kind, source_id, message_sid, sent_at, status, error_code, created_at)
         VALUES (?, ?, ?, ?, ?, ?, now(), ?, ?, now())
         ON CONFLICT (account_id, message_sid) DO UPDATE SET status = excluded.status, error_code = COALESCE(excluded.error_code, sms_marketing_sends.error_code)
         WHERE ${progressSql('sms_marketing_sends.status')} < ?`,
        [marketingSendId(accountId, messageSid), accountId, to.e164, query.flowId ? 'flow' : 'campaign', query.flowId ?? query.campaignId, messageSid, status, errorCode, progressOf(status)],
      );
      return twiml();
    }

    const em = this.orm.em.fork();
    await em.execute(
      `UPDATE messages SET delivery_status = ?, delivery_error = COALESCE(?, delivery_error), external_id = COALESCE(external_id, ?)
       WHERE ${query.messageId ? 'id' : 'external_id'} = ? AND account_id = ? AND direction = 'outbound' AND ${progressSql('delivery_status')} < ?`,
      [status, twilioErrorText(errorCode, params.ErrorMessage), messageSid, query.messageId ?? messageSid, accountId, progressOf(status)],
    );
    await em.execute(
      `UPDATE sms_marketing_sends SET status = ?, error_code = COALESCE(?, error_code) WHERE account_id = ? AND message_sid = ? AND ${progressSql('status')} < ?`,
      [status, errorCode, accountId, messageSid, progressOf(status)],
    );
    return twiml();
  }

  private async authenticate(accountId: string, request: Request, params: TwilioParams): Promise<SmsChannel> {
    let channel: SmsChannel | null;
    try {
      channel = await findSmsChannel(this.orm, secretBoxFrom(this.config), accountId);
    } catch (error) {
      // The sealed auth token cannot be opened (no SECRETS_KEYRING, unknown key id): the message names no value.
      if (error instanceof SecretBoxError) throw ApiError.unavailable(`cannot check the signature: ${error.message}`);
      throw error;
    }
    const signature = request.header('x-twilio-signature');
    const url = `${this.config.publicUrl.replace(/\/+$/, '')}${request.originalUrl}`;
    if (!channel || !signature || !twilio.validateRequest(channel.authToken, signature, url, params)) {
      throw ApiError.forbidden('the X-Twilio-Signature does not match this request');
    }
    if (params.AccountSid !== undefined && params.AccountSid !== channel.accountSid) {
      throw ApiError.forbidden('AccountSid is not the Twilio account connected to this inbox');
    }
    return channel;
  }
}

/** One record per Twilio message, whether it arrives from the marketing endpoint or a status callback. */
export function marketingSendId(accountId: string, messageSid: string): string {
  return `send-${createHash('sha256').update(`${accountId}\n${messageSid}`).digest('base64url').slice(0, 32)}`;
}
