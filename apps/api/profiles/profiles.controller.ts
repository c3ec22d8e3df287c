import { Body, Controller, Get, Param, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type AgentPrincipal } from '../auth/principal.js';
import { ApiErrorBody } from '../common/api-error.js';
import { EventViewsService } from './event-views.service.js';
import { ProfileEventsService } from './profile-events.service.js';
import {
  ProfileDto,
  ProfileEventPageDto,
  ProfileEventsQuery,
  ProfileListDto,
  ProfileMetricsDto,
  ProfileSearchQuery,
  ProfileTicketsDto,
  ProfileTicketsQuery,
  UpdateProfileBody,
} from './profile.dto.js';
import { ProfilesService } from './profiles.service.js';

/** Customer profiles (SPEC §6): one per person, found from every channel. */
@ApiTags('profiles')
@ApiBearerAuth()
@Controller('profiles')
export class ProfilesController {
  constructor(
    private readonly profiles: ProfilesService,
    private readonly events: ProfileEventsService,
    private readonly views: EventViewsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Find profiles by phone, email, external id or name' })
  @ApiOkResponse({ type: ProfileListDto })
  async search(@CurrentPrincipal() principal: AgentPrincipal, @Query() query: ProfileSearchQuery): Promise<ProfileListDto> {
    return { profiles: await this.profiles.search(principal.accountId, query.q, query.limit) };
  }

  @Get(':profileId')
  @ApiOperation({ summary: 'A profile with its contact data, SMS consent and number of tickets (a joined profile answers with the one it joined)' })
  @ApiOkResponse({ type: ProfileDto })
  get(@CurrentPrincipal() principal: AgentPrincipal, @Param('profileId') profileId: string): Promise<ProfileDto> {
    return this.profiles.get(principal.accountId, profileId);
  }

  @Patch(':profileId')
  @ApiOperation({ summary: 'Correct the name, or add an email or phone number the person also uses' })
  @ApiOkResponse({ type: ProfileDto })
  @ApiConflictResponse({ type: ApiErrorBody, description: 'identifier_taken: another profile holds that email or phone (link the ticket to that profile instead)' })
  update(@CurrentPrincipal() principal: AgentPrincipal, @Param('profileId') profileId: string, @Body() body: UpdateProfileBody): Promise<ProfileDto> {
    return this.profiles.update(principal.accountId, profileId, body);
  }

  @Get(':profileId/tickets')
  @ApiOperation({ summary: 'The profile\'s tickets, newest first, and how many there are' })
  @ApiOkResponse({ type: ProfileTicketsDto })
  tickets(@CurrentPrincipal() principal: AgentPrincipal, @Param('profileId') profileId: string, @Query() query: ProfileTicketsQuery): Promise<ProfileTicketsDto> {
    return this.profiles.ticketsOf(principal.accountId, principal.user.id, profileId, query);
  }

  @Get(':profileId/events')
  @ApiOperation({ summary: 'The profile\'s events, newest first, by metric or through a saved event view, page by page' })
  @ApiOkResponse({ type: ProfileEventPageDto })
  async profileEvents(@CurrentPrincipal() principal: AgentPrincipal, @Param('profileId') profileId: string, @Query() query: ProfileEventsQuery): Promise<ProfileEventPageDto> {
    const viewer = { accountId: principal.accountId, userId: principal.user.id, role: principal.user.role };
    const viewFilter = query.view ? this.views.filterOf(await this.views.get(viewer, query.view), new Date()) : {};
    const metrics = query.metric?.length ? (viewFilter.metrics ? viewFilter.metrics.filter((metric) => query.metric!.includes(metric)) : query.metric) : viewFilter.metrics;
    if (metrics && metrics.length === 0) return { events: [], nextCursor: null };
    return this.events.list(principal.accountId, profileId, { ...viewFilter, metrics, before: query.before, limit: query.limit });
  }

  @Get(':profileId/metrics')
  @ApiOperation({ summary: 'The metric names of the profile\'s events, with how many each and the latest' })
  @ApiOkResponse({ type: ProfileMetricsDto })
  async profileMetrics(@CurrentPrincipal() principal: AgentPrincipal, @Param('profileId') profileId: string): Promise<ProfileMetricsDto> {
    return { metrics: await this.events.metrics(principal.accountId, profileId) };
  }
}
