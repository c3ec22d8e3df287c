import { Module } from '@nestjs/common';
import { TicketQueriesService } from '../tickets/ticket-queries.service.js';
import { CustomerContextController } from './customer-context.controller.js';
import { EventViewsController } from './event-views.controller.js';
import { EventViewsService } from './event-views.service.js';
import { IntegrationEventsController } from './integration-events.controller.js';
import { PredictionsService } from './predictions.service.js';
import { ProfileEventsService } from './profile-events.service.js';
import { ProfilesController } from './profiles.controller.js';
import { ProfilesService } from './profiles.service.js';
import { TicketOverviewService } from './ticket-overview.service.js';

/** Customer context (SPEC §6): profiles, their events and saved event views, predictive analytics, the ticket overview. */
@Module({
  controllers: [ProfilesController, EventViewsController, IntegrationEventsController, CustomerContextController],
  providers: [ProfilesService, ProfileEventsService, EventViewsService, PredictionsService, TicketOverviewService, TicketQueriesService],
  exports: [ProfilesService],
})
export class ProfilesModule {}
