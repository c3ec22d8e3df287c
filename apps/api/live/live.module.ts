import { Module } from '@nestjs/common';
import { TicketsModule } from '../tickets/tickets.module.js';
import { LiveController } from './live.controller.js';
import { LiveStreamsService } from './live-streams.service.js';

/** GET /me/stream: live updates fed by PostgreSQL LISTEN/NOTIFY (docs/architecture.md, "Live updates"). */
@Module({
  // The tickets' UnreadBadgeService: the stream's `unread` is GET /me/unread-count's answer.
  imports: [TicketsModule],
  controllers: [LiveController],
  providers: [LiveStreamsService],
})
export class LiveModule {}
