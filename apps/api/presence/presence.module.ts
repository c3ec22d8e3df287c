import { Module } from '@nestjs/common';
import { PresenceController } from './presence.controller.js';
import { PresenceService } from './presence.service.js';

/** Agent presence on tickets, the collision guard (docs/console.md, "Presence"): ephemeral heartbeats, polled by the console. */
@Module({
  controllers: [PresenceController],
  providers: [PresenceService],
})
export class PresenceModule {}
