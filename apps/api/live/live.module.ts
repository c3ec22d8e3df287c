import { Module } from '@nestjs/common';
import { TicketQueriesService } from '../tickets/ticket-queries.service.js';
import { LiveController } from './live.controller.js';
import { LiveStreamsService } from './live-streams.service.js';

/** GET /me/stream: live updates fed by PostgreSQL LISTEN/NOTIFY (docs/architecture.md, "Live updates"). */
@Module({
  controllers: [LiveController],
  // TicketQueriesService (stateless) for the unread count, which the stream computes exactly as GET /me/unread-count.
  providers: [LiveStreamsService, TicketQueriesService],
})
export class LiveModule {}
