import type { Schemas } from '../api/client';

/** What the ticket list shows: a folder or a custom view's filters, as the agent has changed them. */
export interface ListFilters {
  view: 'all' | 'mine' | 'unassigned';
  status: string[];
  channel: string[];
  priority: string[];
  /** Service levels: at_risk, breached. */
  sla: string[];
  assigneeId?: string;
  tag?: string;
  createdFrom?: string;
  createdTo?: string;
  q?: string;
  sort: 'updatedAt' | 'createdAt' | 'priority' | 'slaDue';
  order: 'asc' | 'desc';
}

export { TICKET_STATUSES as STATUSES } from '../../../../libs/domain/ticket';
/** The channels in the order the filter shows them. */
export const CHANNELS = ['sms', 'email', 'web_chat'] as const;
export const SLA_STATES = [
  ['at_risk', 'At risk'],
  ['breached', 'Breached'],
] as const;

export function initialFilters(source: { folder: ListFilters['view'] } | { view: Schemas['ViewDto'] }): ListFilters {
  if ('folder' in source) {
    // All tickets opens on the open ones, as its count does; the status filter shows the rest.
    return { view: source.folder, status: source.folder === 'all' ? ['open'] : [], channel: [], priority: [], sla: [], sort: 'updatedAt', order: 'desc' };
  }
  const saved = source.view.filters;
  return {
    view: saved.view ?? 'all',
    status: saved.status ?? [],
    channel: saved.channel ?? [],
    priority: saved.priority ?? [],
    sla: saved.sla ?? [],
    assigneeId: saved.assigneeId,
    tag: saved.tag,
    createdFrom: saved.createdFrom,
    createdTo: saved.createdTo,
    q: saved.q,
    sort: 'updatedAt',
    order: 'desc',
  };
}

/** The query of GET /tickets (empty filters left out). */
export function toQuery(filters: ListFilters) {
  return {
    view: filters.view,
    status: filters.status.length ? filters.status : undefined,
    channel: filters.channel.length ? filters.channel : undefined,
    priority: filters.priority.length ? filters.priority : undefined,
    sla: filters.sla.length ? (filters.sla as ('at_risk' | 'breached')[]) : undefined,
    assigneeId: filters.assigneeId || undefined,
    tag: filters.tag?.trim() || undefined,
    createdFrom: filters.createdFrom || undefined,
    createdTo: filters.createdTo || undefined,
    q: filters.q?.trim() || undefined,
    sort: filters.sort,
    order: filters.order,
  };
}

/** The filters a custom view saves (paging and sorting are not part of it). */
export function toViewFilters(filters: ListFilters): Schemas['ViewFilters'] {
  const { sort: _sort, order: _order, ...rest } = toQuery(filters);
  return rest as Schemas['ViewFilters'];
}
