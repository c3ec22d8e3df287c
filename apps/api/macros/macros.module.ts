import { Module } from '@nestjs/common';
import { TicketsModule } from '../tickets/tickets.module.js';
import { MacrosController } from './macros.controller.js';
import { MacrosService } from './macros.service.js';

/** Macros (docs/macros.md): saved replies and actions, applied to a ticket through its agent actions. */
@Module({
  imports: [TicketsModule],
  controllers: [MacrosController],
  providers: [MacrosService],
})
export class MacrosModule {}
