import { Module } from '@nestjs/common';
import { SlaModule } from '../sla/sla.module.js';
import { BusinessCalendarsController } from './business-calendars.controller.js';
import { BusinessCalendarsService } from './business-calendars.service.js';

/** Business-hours calendars (docs/service-levels.md): stored per account, read by the SLA clock's activities. */
@Module({
  imports: [SlaModule],
  controllers: [BusinessCalendarsController],
  providers: [BusinessCalendarsService],
  exports: [BusinessCalendarsService],
})
export class CalendarsModule {}
