import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { canManageAccount } from '../../../libs/domain/access.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import type { AgentPrincipal } from '../auth/principal.js';
import { ApiError } from '../common/api-error.js';
import type { TicketFilters } from '../tickets/ticket-queries.service.js';
import { ORM } from '../tokens.js';

export interface SavedView {
  id: string;
  name: string;
  shared: boolean;
  ownerUserId: string;
  filters: TicketFilters;
  createdAt: string;
}

interface ViewRow {
  id: string;
  name: string;
  shared: boolean;
  owner_user_id: string;
  filters: TicketFilters;
  created_at: Date;
}

const toView = (row: ViewRow): SavedView => ({
  id: row.id,
  name: row.name,
  shared: row.shared,
  ownerUserId: row.owner_user_id,
  filters: row.filters,
  createdAt: new Date(row.created_at).toISOString(),
});

/** Custom views (saved filter sets): an agent sees their own and those shared in the account. */
@Injectable()
export class SavedViewsService {
  constructor(@Inject(ORM) private readonly orm: Orm) {}

  async visibleTo(principal: AgentPrincipal): Promise<SavedView[]> {
    const rows = await this.orm.em.fork().execute<ViewRow[]>(
      'SELECT * FROM saved_views WHERE account_id = ? AND (owner_user_id = ? OR shared) ORDER BY name, id',
      [principal.accountId, principal.user.id],
    );
    return rows.map(toView);
  }

  async create(principal: AgentPrincipal, view: { name: string; shared: boolean; filters: TicketFilters }): Promise<SavedView> {
    const filters = Object.fromEntries(Object.entries(view.filters).filter(([, value]) => value !== undefined));
    const [row] = await this.orm.em.fork().execute<ViewRow[]>(
      `INSERT INTO saved_views (id, account_id, owner_user_id, name, shared, filters, created_at)
       VALUES (?, ?, ?, ?, ?, ?::jsonb, now()) RETURNING *`,
      [randomUUID(), principal.accountId, principal.user.id, view.name, view.shared, JSON.stringify(filters)],
    );
    return toView(row!);
  }

  async find(principal: AgentPrincipal, viewId: string): Promise<SavedView> {
    const [row] = await this.orm.em.fork().execute<ViewRow[]>(
      'SELECT * FROM saved_views WHERE id::text = ? AND account_id = ? AND (owner_user_id = ? OR shared)',
      [viewId, principal.accountId, principal.user.id],
    );
    if (!row) throw ApiError.notFound(`view ${viewId} not found`);
    return toView(row);
  }

  async remove(principal: AgentPrincipal, viewId: string): Promise<void> {
    const view = await this.find(principal, viewId);
    if (view.ownerUserId !== principal.user.id && !canManageAccount(principal.user.role)) {
      throw ApiError.forbidden('only the view\'s owner or an account owner/admin may delete it');
    }
    await this.orm.em.fork().execute('DELETE FROM saved_views WHERE id = ? AND account_id = ?', [viewId, principal.accountId]);
  }
}
