import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { api, describeFailure, unwrap, type Schemas } from '../api/client';
import { hrefOf } from '../app/router';
import { customerName } from '../common/people';
import { useShortcuts } from '../common/shortcuts';
import { BulkActions } from './BulkActions';
import { FilterBar } from './FilterBar';
import { initialFilters, toQuery, type ListFilters } from './filters';
import { SaveView } from './SaveView';
import { TicketRows } from './TicketRows';

export type ListSource = { folder: ListFilters['view'] } | { viewId: string };

const PAGE_SIZE = 50;
const FOLDER_TITLES = { mine: 'My Inbox', unassigned: 'Unassigned', all: 'All tickets' } as const;

export function InboxPage({ source }: { source: ListSource }) {
  const views = useQuery({ queryKey: ['views'], queryFn: () => unwrap(api.GET('/views')), enabled: 'viewId' in source });
  if ('folder' in source) return <TicketList title={FOLDER_TITLES[source.folder]} initial={initialFilters(source)} />;
  if (views.isPending) return <p className="loading">Loading the view…</p>;
  const view = views.data?.views.find((candidate) => candidate.id === source.viewId);
  if (!view) {
    return (
      <section className="empty">
        <h1>View not found</h1>
        <p>
          It may have been deleted. <a href={hrefOf({ page: 'inbox', folder: 'mine' })}>Back to My Inbox</a>
        </p>
      </section>
    );
  }
  return <TicketList title={view.name} initial={initialFilters({ view })} actions={<DeleteView view={view} />} />;
}

/** A view's owner deletes it (an owner or admin also the shared ones; the API decides and says why not). */
function DeleteView({ view }: { view: Schemas['ViewDto'] }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/views/{viewId}', { params: { path: { viewId: view.id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['views'] });
      void queryClient.invalidateQueries({ queryKey: ['folders'] });
      window.location.hash = hrefOf({ page: 'inbox', folder: 'mine' });
    },
  });
  if (!confirming) return <button onClick={() => setConfirming(true)}>Delete view</button>;
  return (
    <span role="group" aria-label="Delete view">
      Delete the view "{view.name}"{view.shared ? ' for everyone' : ''}?{' '}
      <button className="danger" onClick={() => remove.mutate()} disabled={remove.isPending}>
        Yes, delete
      </button>{' '}
      <button onClick={() => setConfirming(false)}>Cancel</button>
      {remove.isError && (
        <span role="alert" className="error">
          {' '}
          {describeFailure(remove.error)}
        </span>
      )}
    </span>
  );
}

function TicketList({ title, initial, actions }: { title: string; initial: ListFilters; actions?: ReactNode }) {
  const [filters, setFilters] = useState(initial);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [cursorIndex, setCursorIndex] = useState(0);
  const searchRef = useRef<HTMLInputElement>(null);
  const query = toQuery(filters);
  const list = useInfiniteQuery({
    queryKey: ['tickets', query],
    queryFn: ({ pageParam }) => unwrap(api.GET('/tickets', { params: { query: { ...query, limit: PAGE_SIZE, cursor: pageParam } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page: Schemas['TicketPageDto']) => page.nextCursor ?? undefined,
  });
  const tickets = list.data?.pages.flatMap((page) => page.tickets) ?? [];

  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  // The next page loads when the end of the list scrolls into view.
  useEffect(() => {
    const element = sentinel.current;
    if (!element || !hasNextPage || isFetchingNextPage) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) void fetchNextPage();
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const open = (ticketId: string) => {
    window.location.hash = hrefOf({ page: 'ticket', ticketId });
  };
  const toggle = (ticketId: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(ticketId)) next.delete(ticketId);
      else next.add(ticketId);
      return next;
    });
  useShortcuts({
    j: () => setCursorIndex((index) => Math.min(index + 1, Math.max(tickets.length - 1, 0))),
    k: () => setCursorIndex((index) => Math.max(index - 1, 0)),
    Enter: () => tickets[cursorIndex] && open(tickets[cursorIndex].id),
    x: () => tickets[cursorIndex] && toggle(tickets[cursorIndex].id),
    '/': () => searchRef.current?.focus(),
  });

  return (
    <section className="inbox" aria-labelledby="list-title">
      <header className="list-header">
        <h1 id="list-title">{title}</h1>
        <div className="list-actions">
          {actions}
          <SaveView filters={filters} />
        </div>
      </header>
      <FilterBar filters={filters} onChange={(next) => { setFilters(next); setSelected(new Set()); setCursorIndex(0); }} searchRef={searchRef} />
      {selected.size > 0 && (
        <BulkActions
          ticketIds={[...selected]}
          labelOf={(ticketId) => {
            const ticket = tickets.find((candidate) => candidate.id === ticketId);
            return ticket ? customerName(ticket) : ticketId;
          }}
          onDone={() => setSelected(new Set())}
        />
      )}
      {list.isError && (
        <p role="alert" className="error">
          Could not load the tickets: {describeFailure(list.error)} <button onClick={() => void list.refetch()}>Try again</button>
        </p>
      )}
      {list.isPending ? (
        <p className="loading">Loading tickets…</p>
      ) : tickets.length === 0 && !list.isError ? (
        <div className="empty" role="status">
          <h2>No tickets here</h2>
          <p>{emptyHint(filters)}</p>
        </div>
      ) : (
        <TicketRows
          tickets={tickets}
          selected={selected}
          cursorIndex={cursorIndex}
          onToggle={toggle}
          onToggleAll={(all) => setSelected(all ? new Set(tickets.map((ticket) => ticket.id)) : new Set())}
        />
      )}
      <div ref={sentinel} aria-hidden="true" />
      {list.hasNextPage && (
        <button className="load-more" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          {list.isFetchingNextPage ? 'Loading…' : 'Load more tickets'}
        </button>
      )}
    </section>
  );
}

function emptyHint(filters: ListFilters): string {
  if (filters.q || filters.tag || filters.channel.length || filters.assigneeId || filters.createdFrom || filters.createdTo) {
    return 'Nothing matches these filters. Clear some of them to see more tickets.';
  }
  if (filters.view === 'mine') return 'Nothing is assigned to you. Pick up a ticket from Unassigned, or enjoy the quiet.';
  if (filters.view === 'unassigned') return 'Every open ticket has an owner. New messages from customers appear here as they arrive.';
  return 'New tickets appear here as customers write in by SMS, email or web chat.';
}
