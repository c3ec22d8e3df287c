import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { SlaPolicyInput } from '../../../libs/domain/sla-policies.js';
import { CurrentPrincipal, type AgentPrincipal } from '../auth/principal.js';
import { ApiErrorBody } from '../common/api-error.js';
import { SlaMatchDto, SlaMatchQuery, SlaPolicyBody, SlaPolicyDto, SlaPolicyListDto, SlaPolicyOrderBody } from './sla-policies.dto.js';
import { SlaPoliciesService } from './sla-policies.service.js';

const WRITE_FORBIDDEN = { type: ApiErrorBody, description: 'forbidden: only owners and admins change SLA policies' };
const INVALID_POLICY = {
  type: ApiErrorBody,
  description: 'validation_failed: `field` names the problem, e.g. `targets.first_response.minutes`, `onBreach[0].to`, `targets.resolution.calendarId` (no such calendar in the account), `onBreach[1].userId` (no such active inbox user)',
};
const NAME_TAKEN = { type: ApiErrorBody, description: 'name_taken: another policy of the account has this name (regardless of case)' };

/**
 * SLA policies (docs/service-levels.md, "SLA policies"): the account's ordered list; the first enabled policy
 * whose conditions match a ticket applies. Every inbox role reads them; owners and admins change them.
 * The fixed paths (/match, /order) are declared before /:policyId so they are not taken for an id.
 */
@ApiTags('sla-policies')
@ApiBearerAuth()
@Controller('sla-policies')
export class SlaPoliciesController {
  constructor(private readonly policies: SlaPoliciesService) {}

  @Get()
  @ApiOperation({ summary: 'The account\'s SLA policies, in order' })
  @ApiOkResponse({ type: SlaPolicyListDto })
  async list(@CurrentPrincipal() principal: AgentPrincipal): Promise<SlaPolicyListDto> {
    return { policies: await this.policies.list(principal.accountId) };
  }

  @Post()
  @ApiOperation({ summary: 'Add a policy, last in the list (owner/admin)' })
  @ApiCreatedResponse({ type: SlaPolicyDto })
  @ApiBadRequestResponse(INVALID_POLICY)
  @ApiForbiddenResponse(WRITE_FORBIDDEN)
  @ApiConflictResponse(NAME_TAKEN)
  create(@CurrentPrincipal() principal: AgentPrincipal, @Body() body: SlaPolicyBody): Promise<SlaPolicyDto> {
    return this.policies.create(principal, body as SlaPolicyInput);
  }

  @Get('match')
  @ApiOperation({ summary: 'Which policy a ticket with these facts gets, and why not each one before it' })
  @ApiOkResponse({ type: SlaMatchDto })
  match(@CurrentPrincipal() principal: AgentPrincipal, @Query() query: SlaMatchQuery): Promise<SlaMatchDto> {
    return this.policies.match(principal.accountId, { channel: query.channel, priority: query.priority ?? 'normal', tags: query.tags ?? [] }, query.profileId);
  }

  @Put('order')
  @ApiOperation({ summary: 'Reorder the policies (owner/admin): `ids` lists every policy of the account once' })
  @ApiOkResponse({ type: SlaPolicyListDto })
  @ApiBadRequestResponse({ type: ApiErrorBody, description: 'validation_failed, field `ids`: an id that is not the account\'s, listed twice, or a policy left out' })
  @ApiForbiddenResponse(WRITE_FORBIDDEN)
  async reorder(@CurrentPrincipal() principal: AgentPrincipal, @Body() body: SlaPolicyOrderBody): Promise<SlaPolicyListDto> {
    return { policies: await this.policies.reorder(principal, body.ids) };
  }

  @Get(':policyId')
  @ApiOkResponse({ type: SlaPolicyDto })
  get(@CurrentPrincipal() principal: AgentPrincipal, @Param('policyId') policyId: string): Promise<SlaPolicyDto> {
    return this.policies.find(principal.accountId, policyId);
  }

  @Put(':policyId')
  @ApiOperation({ summary: 'Replace a policy (owner/admin); it keeps its place in the list' })
  @ApiOkResponse({ type: SlaPolicyDto })
  @ApiBadRequestResponse(INVALID_POLICY)
  @ApiForbiddenResponse(WRITE_FORBIDDEN)
  @ApiConflictResponse(NAME_TAKEN)
  replace(@CurrentPrincipal() principal: AgentPrincipal, @Param('policyId') policyId: string, @Body() body: SlaPolicyBody): Promise<SlaPolicyDto> {
    return this.policies.replace(principal, policyId, body as SlaPolicyInput);
  }

  @Delete(':policyId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a policy (owner/admin); the ones after it move up' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiForbiddenResponse(WRITE_FORBIDDEN)
  remove(@CurrentPrincipal() principal: AgentPrincipal, @Param('policyId') policyId: string): Promise<void> {
    return this.policies.remove(principal, policyId);
  }
}
