import { Module } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import type { AppConfig } from '../../../libs/config/config.js';
import { InboundIngestion } from '../../../libs/ingestion/inbound-ingestion.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import { InboxController } from '../inbox/inbox.controller.js';
import { UnreadBadgeService } from '../inbox/unread-badge.service.js';
import { ProfilesModule } from '../profiles/profiles.module.js';
import { IntegrationController } from '../integration/integration.controller.js';
import { APP_CONFIG, ORM, TEMPORAL_CLIENT } from '../tokens.js';
import { SavedViewsService } from '../views/saved-views.service.js';
import { ViewsController } from '../views/views.controller.js';
import { BulkActionsController } from './bulk-actions.controller.js';
import { IdempotencyKeysService } from './idempotency-keys.service.js';
import { TicketActionsService } from './ticket-actions.service.js';
import { TicketAuditController } from './ticket-audit.controller.js';
import { TicketQueriesService } from './ticket-queries.service.js';
import { TicketsController } from './tickets.controller.js';

/** Everything agents do with tickets, and the integration door through which customers' messages arrive. */
@Module({
  imports: [ProfilesModule],
  controllers: [BulkActionsController, TicketsController, TicketAuditController, InboxController, ViewsController, IntegrationController],
  providers: [
    TicketQueriesService,
    SavedViewsService,
    UnreadBadgeService,
    IdempotencyKeysService,
    TicketActionsService,
    {
      // Shared with the channel modules: every transport hands messages to tickets through it.
      provide: InboundIngestion,
      inject: [APP_CONFIG, ORM, TEMPORAL_CLIENT],
      useFactory: (config: AppConfig, orm: Orm, temporal: Client) => new InboundIngestion({ config, orm, temporal }),
    },
  ],
  exports: [InboundIngestion, TicketActionsService, TicketQueriesService, IdempotencyKeysService, UnreadBadgeService],
})
export class TicketsModule {}
