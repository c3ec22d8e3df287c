import { Controller, Get, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, requireAccountManager, type AgentPrincipal } from '../auth/principal.js';
import { PredictionsService } from './predictions.service.js';
import { PredictionModelDto, ProfilePredictionsDto, RefitResultDto, TicketOverviewDto } from './profile.dto.js';
import { ProfilesService } from './profiles.service.js';
import { TicketOverviewService } from './ticket-overview.service.js';

/** The customer context agents see beside a ticket, and the account's predictive analytics (SPEC §6). */
@ApiTags('profiles')
@ApiBearerAuth()
@Controller()
export class CustomerContextController {
  constructor(
    private readonly overviews: TicketOverviewService,
    private readonly predictions: PredictionsService,
    private readonly profiles: ProfilesService,
  ) {}

  @Get('tickets/:ticketId/overview')
  @ApiOperation({ summary: 'The ticket with its customer: profile and SMS consent, predictive analytics (or why not), orders, events and tickets' })
  @ApiOkResponse({ type: TicketOverviewDto })
  overview(@CurrentPrincipal() principal: AgentPrincipal, @Param('ticketId') ticketId: string): Promise<TicketOverviewDto> {
    return this.overviews.overview(principal.accountId, principal.user.id, ticketId);
  }

  @Get('profiles/:profileId/predictions')
  @ApiOperation({ summary: 'The profile\'s CLV, churn and next-order figures from the account\'s last fit, with the model they came from' })
  @ApiOkResponse({ type: ProfilePredictionsDto })
  async profilePredictions(@CurrentPrincipal() principal: AgentPrincipal, @Param('profileId') profileId: string): Promise<ProfilePredictionsDto> {
    return this.predictions.ofProfile(principal.accountId, await this.profiles.surviving(principal.accountId, profileId));
  }

  @Get('predictive-analytics')
  @ApiOperation({ summary: 'The account\'s predictive analytics model: fitted when, with which parameters, or why it does not qualify yet' })
  @ApiOkResponse({ type: PredictionModelDto })
  model(@CurrentPrincipal() principal: AgentPrincipal): Promise<PredictionModelDto> {
    return this.predictions.model(principal.accountId);
  }

  @Post('predictive-analytics/refit')
  @ApiOperation({ summary: 'Refit the account\'s models now (owners and admins); they are refitted every night anyway' })
  @ApiOkResponse({ type: RefitResultDto, description: 'Finished within the API\'s wait' })
  @ApiAcceptedResponse({ type: RefitResultDto, description: 'Still running' })
  async refit(@CurrentPrincipal() principal: AgentPrincipal, @Res() res: Response): Promise<void> {
    requireAccountManager(principal, 'refit the models; ask an owner or admin');
    const outcome = await this.predictions.refit(principal.accountId);
    res.status(outcome.status === 'finished' ? 200 : 202).json(outcome);
  }
}
