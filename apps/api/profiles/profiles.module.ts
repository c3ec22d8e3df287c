import { Module } from '@nestjs/common';
import { TicketQueriesService } from '../tickets/ticket-queries.service.js';
import { EventViewsController } from './event-views.controller.js';
import { EventViewsService } from './event-views.service.js';
import { IntegrationEventsController } from './integration-events.controller.js';
import { ProfileEventsService } from './profile-events.service.js';
import { ProfilesController } from './profiles.controller.js';
import { ProfilesService } from './profiles.service.js';

/** Customer context (SPEC §6): profiles, their events and saved event views. */
@Module({
  controllers: [ProfilesController, EventViewsController, IntegrationEventsController],
  providers: [ProfilesService, ProfileEventsService, EventViewsService, TicketQueriesService],
  exports: [ProfilesService],
})
export class ProfilesModule {}
