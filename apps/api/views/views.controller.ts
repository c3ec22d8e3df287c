import { randomUUID } from 'node:crypto';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags, OmitType, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { canManageAccount } from '../../../libs/domain/access.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import { CurrentPrincipal, type AgentPrincipal } from '../auth/principal.js';
import { ApiError } from '../common/api-error.js';
import { TicketQueriesService, type TicketFilters } from '../tickets/ticket-queries.service.js';
import { TicketListQuery, TicketPageDto } from '../tickets/ticket.dto.js';
import { ORM } from '../tokens.js';

/** The filters a view saves: those of the ticket list, without paging. */
class ViewFilters extends OmitType(TicketListQuery, ['cursor', 'limit', 'sort', 'order'] as const) {}

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

interface ViewRow {
  id: string;
  name: string;
  shared: boolean;
  owner_user_id: string;
  filters: TicketFilters;
  created_at: Date;
}

const toView = (row: ViewRow): ViewDto => ({
  id: row.id,
  name: row.name,
  shared: row.shared,
  ownerUserId: row.owner_user_id,
  filters: row.filters,
  createdAt: new Date(row.created_at).toISOString(),
});

/** Custom views: saved filter sets, personal or shared with the account (SPEC §5). */
@ApiTags('views')
@ApiBearerAuth()
@Controller('views')
export class ViewsController {
  constructor(
    @Inject(ORM) private readonly orm: Orm,
    private readonly queries: TicketQueriesService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'My views and the views shared in my account' })
  @ApiOkResponse({ type: ViewListDto })
  async list(@CurrentPrincipal() principal: AgentPrincipal): Promise<ViewListDto> {
    const rows = await this.orm.em.fork().execute<ViewRow[]>(
      'SELECT * FROM saved_views WHERE account_id = ? AND (owner_user_id = ? OR shared) ORDER BY name, id',
      [principal.accountId, principal.user.id],
    );
    return { views: rows.map(toView) };
  }

  @Post()
  @ApiCreatedResponse({ type: ViewDto })
  async create(@CurrentPrincipal() principal: AgentPrincipal, @Body() body: CreateViewBody): Promise<ViewDto> {
    const filters: TicketFilters = Object.fromEntries(Object.entries(body.filters).filter(([, value]) => value !== undefined));
    const [row] = await this.orm.em.fork().execute<ViewRow[]>(
      `INSERT INTO saved_views (id, account_id, owner_user_id, name, shared, filters, created_at)
       VALUES (?, ?, ?, ?, ?, ?::jsonb, now()) RETURNING *`,
      [randomUUID(), principal.accountId, principal.user.id, body.name, body.shared ?? false, JSON.stringify(filters)],
    );
    return toView(row!);
  }

  @Get(':viewId/tickets')
  @ApiOperation({ summary: 'The tickets of a view' })
  @ApiOkResponse({ type: TicketPageDto })
  async tickets(@CurrentPrincipal() principal: AgentPrincipal, @Param('viewId') viewId: string, @Query() query: ViewPageQuery): Promise<TicketPageDto> {
    const view = await this.find(principal, viewId);
    return this.queries.list(principal.accountId, principal.user.id, { ...view.filters, ...query });
  }

  @Delete(':viewId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a view (its owner, or an owner/admin for shared views)' })
  async remove(@CurrentPrincipal() principal: AgentPrincipal, @Param('viewId') viewId: string): Promise<void> {
    const view = await this.find(principal, viewId);
    if (view.ownerUserId !== principal.user.id && !canManageAccount(principal.user.role)) {
      throw ApiError.forbidden('only the view\'s owner or an account owner/admin may delete it');
    }
    await this.orm.em.fork().execute('DELETE FROM saved_views WHERE id = ? AND account_id = ?', [viewId, principal.accountId]);
  }

  private async find(principal: AgentPrincipal, viewId: string): Promise<ViewDto> {
    const [row] = await this.orm.em.fork().execute<ViewRow[]>(
      'SELECT * FROM saved_views WHERE id::text = ? AND account_id = ? AND (owner_user_id = ? OR shared)',
      [viewId, principal.accountId, principal.user.id],
    );
    if (!row) throw ApiError.notFound(`view ${viewId} not found`);
    return toView(row);
  }
}
