import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { AppConfig } from '../../../libs/config/config.js';
import { createLogger } from '../../../libs/logger/logger.js';
import { createMailTransport, type MailTransport } from '../../../libs/mail/mail-transport.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import { APP_CONFIG, ORM } from '../tokens.js';

const log = createLogger('team');

/** Invitation and password-reset mail, through the product's one mail transport (the local mailbox without SMTP_URL). */
@Injectable()
export class TeamMailer implements OnModuleDestroy {
  private readonly transport: MailTransport;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ORM) orm: Orm,
  ) {
    this.transport = createMailTransport({ smtpUrl: config.mail.smtpUrl, orm });
  }

  onModuleDestroy(): void {
    this.transport.close();
  }

  /** A link to the web app, e.g. `/reset-password?token=…`. */
  link(path: string, token: string): string {
    return `${this.config.publicUrl.replace(/\/+$/, '')}${path}?token=${encodeURIComponent(token)}`;
  }

  async send(accountId: string, to: string, subject: string, text: string): Promise<void> {
    try {
      await this.transport.send({ accountId, from: this.config.mail.defaultFrom, to: [to], subject, text });
    } catch (error) {
      log.warn('could not send team mail', { accountId, subject, error: (error as Error).message });
      throw error;
    }
  }
}
