import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags, OmitType, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { CurrentPrincipal, type AgentPrincipal } from '../auth/principal.js';
import { TicketQueriesService, type TicketFilters } from '../tickets/ticket-queries.service.js';
import { TicketListQuery, TicketPageDto } from '../tickets/ticket.dto.js';
import { SavedViewsService } from './saved-views.service.js';

/** The filters a view saves: those of the ticket list, without paging. */
export class ViewFilters extends OmitType(TicketListQuery, ['cursor', 'limit', 'sort', 'order'] as const) {}

class CreateViewBody {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(100) name!: string;
  @ApiPropertyOptional({ default: false, description: 'Visible to everyone in the account' }) @IsOptional() @IsBoolean() shared?: boolean;
  @ApiProperty({ type: ViewFilters }) @ValidateNested() @Type(() => ViewFilters) filters!: ViewFilters;
}

class ViewDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() shared!: boolean;
  @ApiProperty() ownerUserId!: string;
  @ApiProperty({ type: ViewFilters }) filters!: TicketFilters;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

class ViewListDto {
  @ApiProperty({ type: [ViewDto] }) views!: ViewDto[];
}

class ViewPageQuery extends PickType(TicketListQuery, ['cursor', 'limit', 'sort', 'order'] as const) {}

/** Custom views: saved filter sets, personal or shared with the account (SPEC §5). */
@ApiTags('views')
@ApiBearerAuth()
@Controller('views')
export class ViewsController {
  constructor(
    private readonly views: SavedViewsService,
    private readonly queries: TicketQueriesService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'My views and the views shared in my account' })
  @ApiOkResponse({ type: ViewListDto })
  async list(@CurrentPrincipal() principal: AgentPrincipal): Promise<ViewListDto> {
    return { views: await this.views.visibleTo(principal) };
  }

  @Post()
  @ApiCreatedResponse({ type: ViewDto })
  create(@CurrentPrincipal() principal: AgentPrincipal, @Body() body: CreateViewBody): Promise<ViewDto> {
    return this.views.create(principal, { name: body.name, shared: body.shared ?? false, filters: body.filters });
  }

  @Get(':viewId/tickets')
  @ApiOperation({ summary: 'The tickets of a view' })
  @ApiOkResponse({ type: TicketPageDto })
  async tickets(@CurrentPrincipal() principal: AgentPrincipal, @Param('viewId') viewId: string, @Query() query: ViewPageQuery): Promise<TicketPageDto> {
    const view = await this.views.find(principal, viewId);
    return this.queries.list(principal.accountId, principal.user.id, { ...view.filters, ...query });
  }

  @Delete(':viewId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a view (its owner, or an owner/admin for shared views)' })
  remove(@CurrentPrincipal() principal: AgentPrincipal, @Param('viewId') viewId: string): Promise<void> {
    return this.views.remove(principal, viewId);
  }
}
