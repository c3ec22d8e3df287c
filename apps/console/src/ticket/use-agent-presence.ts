import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';
import { api, unwrap } from '../api/client';

/** The API keeps an agent on the ticket for 30 s after a beat (libs/domain/agent-presence.ts): a beat every 10 s survives a lost one. */
const HEARTBEAT_MS = 10_000;
/** Typing shows for 6 s after a typing beat: one every 3 s keeps it on while the agent types. */
const TYPING_BEAT_MS = 3_000;
/** Presence is not in the live stream (heartbeats would flood its replayed events): the page polls it. */
const PRESENCE_POLL_MS = 5_000;

/** A presence write that has not finished by then is given up: the next beat says the same. */
const WRITE_TIMEOUT_MS = 5_000;

const presencePath = (ticketId: string) => ({ params: { path: { ticketId } } });
const presenceWrite = (ticketId: string) => ({ ...presencePath(ticketId), signal: AbortSignal.timeout(WRITE_TIMEOUT_MS) });

let presenceWrites: Promise<unknown> = Promise.resolve();
/** One presence write at a time, in order: leaving a ticket and coming back must not reach the API as hello, goodbye. */
function inOrder(write: () => Promise<unknown>): void {
  presenceWrites = presenceWrites.then(write).catch(() => undefined);
}

/**
 * Tells the other agents this agent has the ticket open: a heartbeat now and every 10 s while the tab is visible,
 * none while it is hidden (the API forgets the agent after 30 s), and gone at once when the page is left.
 */
export function useAgentPresenceHeartbeat(ticketId: string): void {
  useEffect(() => {
    let timer: number | undefined;
    const beat = () => inOrder(() => api.POST('/tickets/{ticketId}/presence', { ...presenceWrite(ticketId), body: {} }));
    const start = () => {
      if (timer !== undefined) return;
      beat();
      timer = window.setInterval(beat, HEARTBEAT_MS);
    };
    const stop = () => {
      window.clearInterval(timer);
      timer = undefined;
    };
    const leave = () => inOrder(() => api.DELETE('/tickets/{ticketId}/presence', presenceWrite(ticketId)));
    // A closing tab waits for nothing: the goodbye goes out at once, and keepalive lets it outlive the page.
    const closeTab = () => void api.DELETE('/tickets/{ticketId}/presence', { ...presencePath(ticketId), keepalive: true }).catch(() => undefined);
    const onVisibilityChange = () => (document.visibilityState === 'visible' ? start() : stop());
    onVisibilityChange();
    document.addEventListener('visibilitychange', onVisibilityChange);
    window.addEventListener('pagehide', closeTab);
    return () => {
      stop();
      document.removeEventListener('visibilitychange', onVisibilityChange);
      window.removeEventListener('pagehide', closeTab);
      leave();
    };
  }, [ticketId]);
}

/**
 * Call on every edit of the reply: tells the other agents this agent is typing, at most once every 3 s. Call it
 * with `false` once the reply is sent: the others stop seeing "typing" at once rather than 6 s later.
 */
export function useAgentTypingBeat(ticketId: string): (typing?: boolean) => void {
  const lastBeat = useRef(0);
  return useCallback(
    (typing = true) => {
      if (typing && Date.now() - lastBeat.current < TYPING_BEAT_MS) return;
      lastBeat.current = typing ? Date.now() : 0;
      inOrder(() => api.POST('/tickets/{ticketId}/presence', { ...presenceWrite(ticketId), body: { typing } }));
    },
    [ticketId],
  );
}

/** The other agents on the ticket, refreshed every 5 s while the tab is visible. */
export function useAgentsOnTicket(ticketId: string) {
  return useQuery({
    queryKey: ['agent-presence', ticketId],
    queryFn: () => unwrap(api.GET('/tickets/{ticketId}/presence', presencePath(ticketId))),
    refetchInterval: PRESENCE_POLL_MS,
  });
}
