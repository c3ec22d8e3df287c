import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type AgentPrincipal } from '../auth/principal.js';
import { ApiError, ApiErrorBody } from '../common/api-error.js';
import { EventViewsService, type EventViewPeriod, type Viewer } from './event-views.service.js';
import { CreateEventViewBody, EventViewDto, EventViewListDto, RenameEventViewBody } from './profile.dto.js';

const viewerOf = (principal: AgentPrincipal): Viewer => ({ accountId: principal.accountId, userId: principal.user.id, role: principal.user.role });

/** Saved filtered views of profile events (SPEC §6), used with GET /profiles/{profileId}/events?view=. */
@ApiTags('profiles')
@ApiBearerAuth()
@Controller('event-views')
export class EventViewsController {
  constructor(private readonly views: EventViewsService) {}

  @Get()
  @ApiOperation({ summary: 'My event views and those shared in my account' })
  @ApiOkResponse({ type: EventViewListDto })
  async list(@CurrentPrincipal() principal: AgentPrincipal): Promise<EventViewListDto> {
    return { views: await this.views.list(viewerOf(principal)) };
  }

  @Post()
  @ApiOperation({ summary: 'Save a view: a set of metrics and a period (the last N days, or fixed bounds)' })
  @ApiCreatedResponse({ type: EventViewDto })
  create(@CurrentPrincipal() principal: AgentPrincipal, @Body() body: CreateEventViewBody): Promise<EventViewDto> {
    let period: EventViewPeriod | undefined;
    if (body.period) {
      const { lastDays, from, to } = body.period;
      if (lastDays !== undefined && (from !== undefined || to !== undefined)) throw ApiError.badRequest('period: give lastDays or from/to, not both', 'period');
      if (from !== undefined && to !== undefined && Date.parse(from) >= Date.parse(to)) throw ApiError.badRequest('period.to must be after period.from', 'period.to');
      period = lastDays !== undefined ? { lastDays } : { ...(from ? { from: new Date(from).toISOString() } : {}), ...(to ? { to: new Date(to).toISOString() } : {}) };
    }
    return this.views.create(viewerOf(principal), { name: body.name, shared: body.shared, metrics: body.metrics, period });
  }

  @Patch(':viewId')
  @ApiOperation({ summary: 'Rename a view (its owner; a shared view, also owners and admins)' })
  @ApiOkResponse({ type: EventViewDto })
  @ApiForbiddenResponse({ type: ApiErrorBody })
  rename(@CurrentPrincipal() principal: AgentPrincipal, @Param('viewId') viewId: string, @Body() body: RenameEventViewBody): Promise<EventViewDto> {
    return this.views.rename(viewerOf(principal), viewId, body.name);
  }

  @Delete(':viewId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a view (its owner; a shared view, also owners and admins)' })
  @ApiNoContentResponse()
  @ApiForbiddenResponse({ type: ApiErrorBody })
  async remove(@CurrentPrincipal() principal: AgentPrincipal, @Param('viewId') viewId: string): Promise<void> {
    await this.views.delete(viewerOf(principal), viewId);
  }
}
