import { Inject, Injectable, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { AppConfig } from '../../../../libs/config/config.js';
import { EmailReceiver } from '../../../../libs/email/email-receiver.js';
import { SmtpIngress } from '../../../../libs/email/smtp-ingress.js';
import { InboundIngestion } from '../../../../libs/ingestion/inbound-ingestion.js';
import type { Orm } from '../../../../libs/persistence/orm.js';
import { TicketsModule } from '../../tickets/tickets.module.js';
import { APP_CONFIG, ORM } from '../../tokens.js';
import { EmailMessagesController } from './email-messages.controller.js';
import { EmailSettingsController } from './email-settings.controller.js';
import { EmailWebhookController } from './email-webhook.controller.js';

/** Runs the SMTP ingress inside the API process when SMTP_INGRESS_PORT is set (npm start sets 2525). */
@Injectable()
export class SmtpIngressLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  readonly ingress: SmtpIngress;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig, @Inject(ORM) orm: Orm, receiver: EmailReceiver) {
    this.ingress = new SmtpIngress({ config, orm, receiver });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.smtpIngress.port !== undefined) await this.ingress.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.ingress.stop();
  }
}

/** The email channel: SMTP ingress, the raw-MIME webhook, email message details, attachments and settings. */
@Module({
  imports: [TicketsModule],
  controllers: [EmailWebhookController, EmailMessagesController, EmailSettingsController],
  providers: [
    {
      provide: EmailReceiver,
      inject: [APP_CONFIG, ORM, InboundIngestion],
      useFactory: (config: AppConfig, orm: Orm, ingestion: InboundIngestion) => new EmailReceiver({ config, orm, ingestion }),
    },
    SmtpIngressLifecycle,
  ],
})
export class EmailModule {}
