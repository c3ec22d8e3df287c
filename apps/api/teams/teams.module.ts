import { Module } from '@nestjs/common';
import { AgentLoadController, TeamRoutingRulesController, TeamsController } from './teams.controller.js';
import { TeamsService } from './teams.service.js';

/** Teams, routing rules, agents' availability and capacity (docs/teams.md); each team's assigner is a workflow. */
@Module({
  controllers: [TeamsController, TeamRoutingRulesController, AgentLoadController],
  providers: [TeamsService],
  exports: [TeamsService],
})
export class TeamsModule {}
