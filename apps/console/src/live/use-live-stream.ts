import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { Schemas } from '../api/client';

export type LiveState = 'connecting' | 'live' | 'reconnecting';

/** How long changes are gathered before the queries they touch refetch: a burst of events costs one refetch. */
const COALESCE_MS = 50;
const RECONNECT_MS = 2_000;

interface TicketChange {
  ticketId: string;
}

/**
 * The agent's live stream (GET /me/stream, server-sent events fed by PostgreSQL LISTEN/NOTIFY). Each change marks
 * the queries it touches stale, and the visible ones refetch; the unread badge comes with the stream itself.
 * EventSource resends the last event id when it reconnects, so nothing is missed across an API restart; when the
 * server answers with an error instead, the stream is reopened here with that id in the query.
 */
export function useLiveStream(): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');

  useEffect(() => {
    let source: EventSource | undefined;
    let lastEventId: string | undefined;
    let reconnectTimer: number | undefined;
    let flushTimer: number | undefined;
    let closed = false;
    const stale = new Map<string, QueryKey>();

    const touch = (...keys: QueryKey[]) => {
      for (const key of keys) stale.set(JSON.stringify(key), key);
      flushTimer ??= window.setTimeout(() => {
        flushTimer = undefined;
        const keys = [...stale.values()];
        stale.clear();
        for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey });
      }, COALESCE_MS);
    };
    const onChange = (kind: 'ticket' | 'message' | 'read') => (event: MessageEvent<string>) => {
      lastEventId = event.lastEventId || lastEventId;
      const change = JSON.parse(event.data) as TicketChange;
      if (kind === 'ticket') touch(['tickets'], ['folders'], ['ticket', change.ticketId]);
      else if (kind === 'message') touch(['tickets'], ['ticket', change.ticketId]);
      else touch(['tickets']);
    };

    const open = () => {
      const url = lastEventId ? `/me/stream?lastEventId=${encodeURIComponent(lastEventId)}` : '/me/stream';
      source = new EventSource(url, { withCredentials: true });
      source.onopen = () => setState('live');
      source.onerror = () => {
        if (closed || !source) return;
        setState('reconnecting');
        if (source.readyState === EventSource.CLOSED) {
          // The server answered with an error (e.g. 503 while PostgreSQL restarts): EventSource gives up, we do not.
          reconnectTimer = window.setTimeout(open, RECONNECT_MS);
        }
      };
      source.addEventListener('ticket', onChange('ticket'));
      source.addEventListener('message', onChange('message'));
      source.addEventListener('read', onChange('read'));
      source.addEventListener('unread', (event: MessageEvent<string>) => {
        queryClient.setQueryData<Schemas['UnreadCountDto']>(['unread'], JSON.parse(event.data) as Schemas['UnreadCountDto']);
      });
      source.addEventListener('reset', () => {
        // Too much was missed to replay: everything on screen is read again.
        void queryClient.invalidateQueries();
      });
    };
    open();
    return () => {
      closed = true;
      source?.close();
      window.clearTimeout(reconnectTimer);
      window.clearTimeout(flushTimer);
    };
  }, [queryClient]);

  return state;
}
