import { Module } from '@nestjs/common';
import { SlaPoliciesController } from './sla-policies.controller.js';
import { SlaPoliciesService } from './sla-policies.service.js';
import { SlaReplanService } from './sla-replan.service.js';

/** Service levels: the account's SLA policies (docs/service-levels.md). The ticket workflow's SLA clock reads them through activities; a change reaches the open tickets through the fan-out workflow. */
@Module({
  controllers: [SlaPoliciesController],
  providers: [SlaPoliciesService, SlaReplanService],
  exports: [SlaPoliciesService, SlaReplanService],
})
export class SlaModule {}
