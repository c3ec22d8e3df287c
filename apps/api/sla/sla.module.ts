import { Module } from '@nestjs/common';
import { SlaPoliciesController } from './sla-policies.controller.js';
import { SlaPoliciesService } from './sla-policies.service.js';

/** Service levels: the account's SLA policies (docs/service-levels.md). The ticket workflow's SLA timers read them through activities. */
@Module({
  controllers: [SlaPoliciesController],
  providers: [SlaPoliciesService],
  exports: [SlaPoliciesService],
})
export class SlaModule {}
