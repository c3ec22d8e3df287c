import { HttpStatus, Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { canReplyBySms, SMS_REPLY_REFUSED_REASON } from '../../../../libs/domain/sms-consent.js';
import type { Orm } from '../../../../libs/persistence/orm.js';
import { currentSmsConsent } from '../../../../libs/sms/sms-profiles.js';
import { ApiError } from '../../common/api-error.js';
import { TicketActionsService } from '../../tickets/ticket-actions.service.js';
import { TicketsModule } from '../../tickets/tickets.module.js';
import { ORM } from '../../tokens.js';
import { ShortLinksController } from './short-links.controller.js';
import { SmsMarketingController } from './sms-marketing.controller.js';
import { SmsProfilesController } from './sms-profiles.controller.js';
import { SmsSettingsController } from './sms-settings.controller.js';
import { TwilioWebhookController } from './twilio-webhook.controller.js';

/**
 * SPEC §3: a reply to a profile without SMS consent is refused (409) before anything is recorded.
 * The delivery activity checks again right before sending, for consent withdrawn in between.
 */
@Injectable()
export class SmsReplyConsentCheck implements OnModuleInit {
  constructor(
    @Inject(ORM) private readonly orm: Orm,
    private readonly actions: TicketActionsService,
  ) {}

  onModuleInit(): void {
    this.actions.registerReplyPrecheck('sms', async (accountId, ticketId) => {
      const [ticket] = await this.orm.em.fork().execute<{ customer_phone: string | null }[]>(
        'SELECT customer_phone FROM tickets WHERE id = ? AND account_id = ?',
        [ticketId, accountId],
      );
      if (!ticket?.customer_phone) return; // not projected yet: the workflow answers for the ticket, delivery for consent
      if (!canReplyBySms(await currentSmsConsent(this.orm, accountId, ticket.customer_phone))) {
        throw new ApiError(HttpStatus.CONFLICT, 'sms_consent_missing', SMS_REPLY_REFUSED_REASON);
      }
    });
  }
}

/** The SMS channel on Twilio: webhooks, settings and connection, profiles, the marketing door, short links. */
@Module({
  imports: [TicketsModule],
  controllers: [TwilioWebhookController, SmsSettingsController, SmsMarketingController, SmsProfilesController, ShortLinksController],
  providers: [SmsReplyConsentCheck],
})
export class SmsModule {}
