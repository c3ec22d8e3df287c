import { Module } from '@nestjs/common';
import { TicketQueriesService } from '../tickets/ticket-queries.service.js';
import { ProfilesController } from './profiles.controller.js';
import { ProfilesService } from './profiles.service.js';

/** Customer context (SPEC §6): profiles. */
@Module({
  controllers: [ProfilesController],
  providers: [ProfilesService, TicketQueriesService],
  exports: [ProfilesService],
})
export class ProfilesModule {}
