import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { canManageAccount, type Role } from '../../../libs/domain/access.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import { ApiError } from '../common/api-error.js';
import { ORM } from '../tokens.js';
import type { EventFilter } from './profile-events.service.js';

/** The period a view shows: the last N days (moving with today), or fixed bounds. */
export type EventViewPeriod = { lastDays: number } | { from?: string; to?: string };

export interface EventView {
  id: string;
  name: string;
  shared: boolean;
  ownerUserId: string;
  metrics: string[];
  period: EventViewPeriod | null;
  createdAt: string;
}

interface EventViewRow {
  id: string;
  name: string;
  shared: boolean;
  owner_user_id: string;
  metrics: string[];
  period: EventViewPeriod | null;
  created_at: Date;
}

export interface Viewer {
  accountId: string;
  userId: string;
  role: Role;
}

const DAY_MS = 24 * 60 * 60 * 1000;

const toView = (row: EventViewRow): EventView => ({
  id: row.id,
  name: row.name,
  shared: row.shared,
  ownerUserId: row.owner_user_id,
  metrics: row.metrics,
  period: row.period,
  createdAt: new Date(row.created_at).toISOString(),
});

/** Saved filtered views of profile events (SPEC §6): a metric set and a period, personal or shared with the account. */
@Injectable()
export class EventViewsService {
  constructor(@Inject(ORM) private readonly orm: Orm) {}

  async list(viewer: Viewer): Promise<EventView[]> {
    const rows = await this.orm.em.fork().execute<EventViewRow[]>(
      'SELECT * FROM event_views WHERE account_id = ? AND (owner_user_id = ? OR shared) ORDER BY name, id',
      [viewer.accountId, viewer.userId],
    );
    return rows.map(toView);
  }

  async create(viewer: Viewer, input: { name: string; shared?: boolean; metrics?: string[]; period?: EventViewPeriod }): Promise<EventView> {
    const [row] = await this.orm.em.fork().execute<EventViewRow[]>(
      `INSERT INTO event_views (id, account_id, owner_user_id, name, shared, metrics, period)
       VALUES (?, ?, ?, ?, ?, ARRAY(SELECT jsonb_array_elements_text(?::jsonb)), ?::jsonb) RETURNING *`,
      [`evview-${randomUUID()}`, viewer.accountId, viewer.userId, input.name.trim(), input.shared ?? false, JSON.stringify(input.metrics ?? []), input.period ? JSON.stringify(input.period) : null],
    );
    return toView(row!);
  }

  /** A view the viewer can see, or 404. */
  async get(viewer: Viewer, viewId: string): Promise<EventView> {
    const [row] = await this.orm.em.fork().execute<EventViewRow[]>(
      'SELECT * FROM event_views WHERE id = ? AND account_id = ? AND (owner_user_id = ? OR shared)',
      [viewId, viewer.accountId, viewer.userId],
    );
    if (!row) throw ApiError.notFound(`event view ${viewId} not found`);
    return toView(row);
  }

  async rename(viewer: Viewer, viewId: string, name: string): Promise<EventView> {
    await this.assertMayChange(viewer, await this.get(viewer, viewId));
    const [row] = await this.orm.em.fork().execute<EventViewRow[]>('UPDATE event_views SET name = ? WHERE id = ? RETURNING *', [name.trim(), viewId]);
    return toView(row!);
  }

  async delete(viewer: Viewer, viewId: string): Promise<void> {
    await this.assertMayChange(viewer, await this.get(viewer, viewId));
    await this.orm.em.fork().execute('DELETE FROM event_views WHERE id = ?', [viewId]);
  }

  /** The event filter a view stands for, now (a "last N days" period moves with `now`). */
  filterOf(view: EventView, now: Date): EventFilter {
    const period = view.period;
    const bounds = period === null ? {} : 'lastDays' in period ? { from: new Date(now.getTime() - period.lastDays * DAY_MS).toISOString() } : period;
    return { ...(view.metrics.length > 0 ? { metrics: view.metrics } : {}), ...bounds };
  }

  /** Its owner changes a view; a shared one, also owners and admins. */
  private async assertMayChange(viewer: Viewer, view: EventView): Promise<void> {
    if (view.ownerUserId === viewer.userId) return;
    if (view.shared && canManageAccount(viewer.role)) return;
    throw ApiError.forbidden('only the view\'s owner (or, for a shared view, an owner or admin) may change it');
  }
}
