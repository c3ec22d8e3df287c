import { Module } from '@nestjs/common';
import { CsatAgentController } from './csat-agent.controller.js';
import { CsatSurveyController } from './csat-survey.controller.js';
import { CsatService } from './csat.service.js';

/** Customer satisfaction (docs/csat.md): the customer's survey page and answer, the settings and a ticket's surveys. */
@Module({
  controllers: [CsatAgentController, CsatSurveyController],
  providers: [CsatService],
  exports: [CsatService],
})
export class CsatModule {}
