import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type AgentPrincipal } from '../auth/principal.js';
import { ApiErrorBody } from '../common/api-error.js';
import {
  AgentLoadDto,
  AvailabilityBody,
  CapacityBody,
  TeamBody,
  TeamDto,
  TeamListDto,
  TeamMembersBody,
  TeamPatchBody,
  TeamQueueDto,
  TeamRoutingRulesBody,
  TeamRoutingRulesDto,
} from './teams.dto.js';
import { TeamsService } from './teams.service.js';

const WRITE_FORBIDDEN = { type: ApiErrorBody, description: 'forbidden: only owners, admins and managers change teams, routing rules and capacity' };
const NAME_TAKEN = { type: ApiErrorBody, description: 'name_taken: another team of the account has this name (regardless of case)' };
const INVALID_MEMBERS = { type: ApiErrorBody, description: 'validation_failed: `field` names the problem, e.g. `name`, `memberIds[1]` (no such active inbox user, or listed twice)' };

/**
 * Teams with auto-assignment (docs/teams.md): every inbox role reads them; owners, admins and managers change
 * them. /queue is read from the team's assigner workflow.
 */
@ApiTags('teams')
@ApiBearerAuth()
@Controller('teams')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Get()
  @ApiOperation({ summary: 'The account\'s teams, by name' })
  @ApiOkResponse({ type: TeamListDto })
  async list(@CurrentPrincipal() principal: AgentPrincipal): Promise<TeamListDto> {
    return { teams: await this.teams.list(principal.accountId) };
  }

  @Post()
  @ApiOperation({ summary: 'Create a team (owner/admin/manager)' })
  @ApiCreatedResponse({ type: TeamDto })
  @ApiBadRequestResponse(INVALID_MEMBERS)
  @ApiForbiddenResponse(WRITE_FORBIDDEN)
  @ApiConflictResponse(NAME_TAKEN)
  create(@CurrentPrincipal() principal: AgentPrincipal, @Body() body: TeamBody): Promise<TeamDto> {
    return this.teams.create(principal, body);
  }

  @Get(':teamId')
  @ApiOkResponse({ type: TeamDto })
  get(@CurrentPrincipal() principal: AgentPrincipal, @Param('teamId') teamId: string): Promise<TeamDto> {
    return this.teams.find(principal.accountId, teamId);
  }

  @Patch(':teamId')
  @ApiOperation({ summary: 'Rename a team, change its assignment mode or turn auto-assignment on or off (owner/admin/manager)' })
  @ApiOkResponse({ type: TeamDto })
  @ApiBadRequestResponse(INVALID_MEMBERS)
  @ApiForbiddenResponse(WRITE_FORBIDDEN)
  @ApiConflictResponse(NAME_TAKEN)
  update(@CurrentPrincipal() principal: AgentPrincipal, @Param('teamId') teamId: string, @Body() body: TeamPatchBody): Promise<TeamDto> {
    return this.teams.update(principal, teamId, body);
  }

  @Delete(':teamId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a team and the routing rules that name it (owner/admin/manager); its tickets keep their assignees' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiForbiddenResponse(WRITE_FORBIDDEN)
  remove(@CurrentPrincipal() principal: AgentPrincipal, @Param('teamId') teamId: string): Promise<void> {
    return this.teams.remove(principal, teamId);
  }

  @Put(':teamId/members')
  @ApiOperation({ summary: 'Replace the team\'s members, in member order (owner/admin/manager)' })
  @ApiOkResponse({ type: TeamDto })
  @ApiBadRequestResponse({ type: ApiErrorBody, description: 'validation_failed, field `userIds[i]`: no such active inbox user in the account, or listed twice' })
  @ApiForbiddenResponse(WRITE_FORBIDDEN)
  setMembers(@CurrentPrincipal() principal: AgentPrincipal, @Param('teamId') teamId: string, @Body() body: TeamMembersBody): Promise<TeamDto> {
    return this.teams.setMembers(principal, teamId, body.userIds);
  }

  @Get(':teamId/queue')
  @ApiOperation({ summary: 'The team\'s tickets waiting for an agent, oldest first' })
  @ApiOkResponse({ type: TeamQueueDto })
  @ApiServiceUnavailableResponse({ type: ApiErrorBody, description: 'unavailable: no worker answered in time' })
  async queue(@CurrentPrincipal() principal: AgentPrincipal, @Param('teamId') teamId: string): Promise<TeamQueueDto> {
    return { waiting: await this.teams.queue(principal.accountId, teamId) };
  }
}

/** The ordered routing rules that send new tickets to teams. */
@ApiTags('teams')
@ApiBearerAuth()
@Controller('team-routing-rules')
export class TeamRoutingRulesController {
  constructor(private readonly teams: TeamsService) {}

  @Get()
  @ApiOperation({ summary: 'The account\'s routing rules, in order: the first that matches a new ticket names its team' })
  @ApiOkResponse({ type: TeamRoutingRulesDto })
  async list(@CurrentPrincipal() principal: AgentPrincipal): Promise<TeamRoutingRulesDto> {
    return { rules: await this.teams.listRules(principal.accountId) };
  }

  @Put()
  @ApiOperation({ summary: 'Replace the whole ordered list (owner/admin/manager)' })
  @ApiOkResponse({ type: TeamRoutingRulesDto })
  @ApiBadRequestResponse({ type: ApiErrorBody, description: 'validation_failed: `field` names the problem, e.g. `rules[0].teamId` (no such team in the account), `rules[1].conditions.channels`' })
  @ApiForbiddenResponse(WRITE_FORBIDDEN)
  async replace(@CurrentPrincipal() principal: AgentPrincipal, @Body() body: TeamRoutingRulesBody): Promise<TeamRoutingRulesDto> {
    return { rules: await this.teams.replaceRules(principal, body.rules) };
  }
}

/** An agent's availability (their own) and capacity (set by a manager). */
@ApiTags('teams')
@ApiBearerAuth()
@Controller()
export class AgentLoadController {
  constructor(private readonly teams: TeamsService) {}

  @Get('me/availability')
  @ApiOperation({ summary: 'Your own availability and capacity' })
  @ApiOkResponse({ type: AgentLoadDto })
  myAvailability(@CurrentPrincipal() principal: AgentPrincipal): Promise<AgentLoadDto> {
    return this.teams.loadOf(principal.accountId, principal.user.id);
  }

  @Patch('me/availability')
  @ApiOperation({ summary: 'Set your own availability: only online agents get tickets from a team\'s assigner' })
  @ApiOkResponse({ type: AgentLoadDto })
  @ApiBadRequestResponse({ type: ApiErrorBody, description: 'validation_failed, field `availability`' })
  setAvailability(@CurrentPrincipal() principal: AgentPrincipal, @Body() body: AvailabilityBody): Promise<AgentLoadDto> {
    return this.teams.setAvailability(principal, body.availability);
  }

  @Patch('users/:userId/capacity')
  @ApiOperation({ summary: 'Set the most open tickets a user holds before the assigners pass them by (owner/admin/manager)' })
  @ApiOkResponse({ type: AgentLoadDto })
  @ApiBadRequestResponse({ type: ApiErrorBody, description: 'validation_failed, field `capacity`: a whole number from 0 to 1000' })
  @ApiForbiddenResponse(WRITE_FORBIDDEN)
  setCapacity(@CurrentPrincipal() principal: AgentPrincipal, @Param('userId') userId: string, @Body() body: CapacityBody): Promise<AgentLoadDto> {
    return this.teams.setCapacity(principal, userId, body.capacity);
  }
}
