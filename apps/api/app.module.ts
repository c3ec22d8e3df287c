import { Module, type DynamicModule } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import type { AppConfig } from '../../libs/config/config.js';
import type { Orm } from '../../libs/persistence/orm.js';
import { AuthModule } from './auth/auth.module.js';
import { CalendarsModule } from './calendars/calendars.module.js';
import { EmailModule } from './channels/email/email.module.js';
import { SmsModule } from './channels/sms/sms.module.js';
import { WebChatModule } from './channels/web-chat/web-chat.module.js';
import { ConsoleController } from './console/console.controller.js';
import { CsatModule } from './csat/csat.module.js';
import { RoundTripController } from './diagnostics/round-trip.controller.js';
import { HealthController } from './health/health.controller.js';
import { LiveModule } from './live/live.module.js';
import { MacrosModule } from './macros/macros.module.js';
import { MailboxController } from './mailbox/mailbox.controller.js';
import { PresenceModule } from './presence/presence.module.js';
import { RateLimitsModule } from './rate-limits/rate-limits.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { SettingsModule } from './settings/settings.module.js';
import { ShopifyModule } from './shopify/shopify.module.js';
import { SlaModule } from './sla/sla.module.js';
import { TeamsModule } from './teams/teams.module.js';
import { TicketsModule } from './tickets/tickets.module.js';
import { APP_CONFIG, ORM, TEMPORAL_CLIENT } from './tokens.js';

export interface ApiDependencies {
  config: AppConfig;
  orm: Orm;
  temporal: Client;
}

@Module({})
export class AppModule {
  static withDependencies(dependencies: ApiDependencies): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [RateLimitsModule, AuthModule, SettingsModule, TicketsModule, EmailModule, SmsModule, WebChatModule, ReportsModule, ShopifyModule, LiveModule, CalendarsModule, SlaModule, CsatModule, PresenceModule, MacrosModule, TeamsModule],
      controllers: [HealthController, RoundTripController, MailboxController, ConsoleController],
      providers: [
        { provide: APP_CONFIG, useValue: dependencies.config },
        { provide: ORM, useValue: dependencies.orm },
        { provide: TEMPORAL_CLIENT, useValue: dependencies.temporal },
      ],
      exports: [APP_CONFIG, ORM, TEMPORAL_CLIENT],
    };
  }
}
