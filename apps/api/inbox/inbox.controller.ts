import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Orm } from '../../../libs/persistence/orm.js';
import { CurrentPrincipal, type AgentPrincipal } from '../auth/principal.js';
import { ApiError } from '../common/api-error.js';
import { TicketQueriesService } from '../tickets/ticket-queries.service.js';
import { UnreadCountDto } from '../tickets/ticket.dto.js';
import { SavedViewsService } from '../views/saved-views.service.js';
import { UnreadBadgeService } from './unread-badge.service.js';
import { ORM } from '../tokens.js';

class NotificationDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['snooze_expired'] }) type!: string;
  @ApiProperty() ticketId!: string;
  @ApiProperty() detail!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) readAt!: string | null;
}

class FolderCountDto {
  @ApiProperty({ enum: ['mine', 'unassigned', 'all'] }) id!: 'mine' | 'unassigned' | 'all';
  @ApiProperty({ example: 'My Inbox' }) name!: string;
  @ApiProperty({ description: 'Open tickets in the folder' }) count!: number;
}

class ViewCountDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() shared!: boolean;
  @ApiProperty({ description: 'Tickets the view lists: open ones, unless its filters name statuses' }) count!: number;
}

class FoldersDto {
  @ApiProperty({ type: [FolderCountDto] }) folders!: FolderCountDto[];
  @ApiProperty({ type: [ViewCountDto], description: 'My views and the shared ones, by name' }) views!: ViewCountDto[];
}

const FOLDERS = [
  { id: 'mine', name: 'My Inbox' },
  { id: 'unassigned', name: 'Unassigned' },
  { id: 'all', name: 'All tickets' },
] as const;

class NotificationListDto {
  @ApiProperty({ type: [NotificationDto] }) notifications!: NotificationDto[];
}

/** What concerns the current agent: the unread badge and alerts such as a snooze coming to an end. */
@ApiTags('inbox')
@ApiBearerAuth()
@Controller('me')
export class InboxController {
  constructor(
    @Inject(ORM) private readonly orm: Orm,
    private readonly queries: TicketQueriesService,
    private readonly unread: UnreadBadgeService,
    private readonly views: SavedViewsService,
  ) {}

  @Get('folders')
  @ApiOperation({
    summary: 'The navigation: My Inbox, Unassigned, All tickets and my custom views, each with its count',
    description: 'Counts are of open tickets (a view whose filters name statuses counts those), as GET /tickets lists them.',
  })
  @ApiOkResponse({ type: FoldersDto })
  async folders(@CurrentPrincipal() principal: AgentPrincipal): Promise<FoldersDto> {
    const views = await this.views.visibleTo(principal);
    const counts = await this.queries.countOpen(principal.accountId, principal.user.id, [
      ...FOLDERS.map((folder) => ({ view: folder.id })),
      ...views.map((view) => view.filters),
    ]);
    return {
      folders: FOLDERS.map((folder, index) => ({ ...folder, count: counts[index] ?? 0 })),
      views: views.map((view, index) => ({ id: view.id, name: view.name, shared: view.shared, count: counts[FOLDERS.length + index] ?? 0 })),
    };
  }

  @Get('unread-count')
  @ApiOperation({ summary: 'The unread badge: tickets in My Inbox or Unassigned with inbound messages I have not read' })
  @ApiOkResponse({ type: UnreadCountDto })
  async unreadCount(@CurrentPrincipal() principal: AgentPrincipal): Promise<UnreadCountDto> {
    return this.unread.of(principal.accountId, principal.user.id);
  }

  @Get('notifications')
  @ApiOperation({ summary: 'My alerts, newest first (at most 100)' })
  @ApiOkResponse({ type: NotificationListDto })
  async notifications(@CurrentPrincipal() principal: AgentPrincipal): Promise<NotificationListDto> {
    const rows = await this.orm.em.fork().execute<
      { id: string; type: string; ticket_id: string; detail: Record<string, unknown>; created_at: Date; read_at: Date | null }[]
    >(
      `SELECT id, type, ticket_id, detail, created_at, read_at FROM notifications
       WHERE account_id = ? AND user_id = ? ORDER BY created_at DESC, id DESC LIMIT 100`,
      [principal.accountId, principal.user.id],
    );
    return {
      notifications: rows.map((row) => ({
        id: row.id,
        type: row.type,
        ticketId: row.ticket_id,
        detail: row.detail,
        createdAt: new Date(row.created_at).toISOString(),
        readAt: row.read_at ? new Date(row.read_at).toISOString() : null,
      })),
    };
  }

  @Post('notifications/:notificationId/read')
  @HttpCode(204)
  @ApiOperation({ summary: 'Mark one alert read' })
  async markNotificationRead(@CurrentPrincipal() principal: AgentPrincipal, @Param('notificationId') notificationId: string): Promise<void> {
    const result = await this.orm.em.fork().execute<{ affectedRows?: number; rowCount?: number }>(
      'UPDATE notifications SET read_at = COALESCE(read_at, now()) WHERE id = ? AND account_id = ? AND user_id = ?',
      [notificationId, principal.accountId, principal.user.id],
      'run',
    );
    if ((result.affectedRows ?? result.rowCount ?? 0) === 0) throw ApiError.notFound(`notification ${notificationId} not found`);
  }
}
