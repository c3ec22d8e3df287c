import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api, describeFailure, unwrap } from '../api/client';
import { CHANNEL_LABELS, customerName } from '../common/people';
import { useShortcuts } from '../common/shortcuts';
import { AgentsOnTicket } from './AgentsOnTicket';
import { Composer } from './Composer';
import { OverviewPanel } from './OverviewPanel';
import { Thread } from './Thread';
import { TicketActions } from './TicketActions';
import { Timeline } from './Timeline';
import { useAgentPresenceHeartbeat } from './use-agent-presence';
import { useTicketAction } from './use-ticket-action';

export function TicketPage({ ticketId, onBack }: { ticketId: string; onBack: () => void }) {
  const detail = useQuery({ queryKey: ['ticket', ticketId], queryFn: () => unwrap(api.GET('/tickets/{ticketId}', { params: { path: { ticketId } } })) });
  const [tab, setTab] = useState<'thread' | 'timeline'>('thread');
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const markRead = useTicketAction(ticketId);
  useAgentPresenceHeartbeat(ticketId);
  const unread = detail.data?.ticket.unread ?? false;
  // Opening a ticket reads it, as in any mail client.
  useEffect(() => {
    if (unread && !markRead.isPending) markRead.mutate({ type: 'mark_read' });
  }, [unread]);
  useShortcuts({ u: onBack, r: () => { setTab('thread'); composerRef.current?.focus(); } });

  if (detail.isPending) return <p className="loading">Loading the ticket…</p>;
  if (detail.isError) {
    return (
      <section className="empty">
        <h1>The ticket could not be loaded</h1>
        <p role="alert" className="error">
          {describeFailure(detail.error)}
        </p>
        <button onClick={() => void detail.refetch()}>Try again</button>
      </section>
    );
  }
  const { ticket } = detail.data;
  return (
    <div className="ticket-page">
      <section className="ticket-main" aria-labelledby="ticket-title">
        <header className="ticket-header">
          <button className="link" onClick={onBack} aria-label="Back to the list">
            ←
          </button>
          <h1 id="ticket-title">
            {customerName(ticket)} <span className="muted">· {CHANNEL_LABELS[ticket.channel]}</span>
          </h1>
          <span className={`status status-${ticket.status}`} aria-label={`Status: ${ticket.status}`}>
            {ticket.status}
          </span>
        </header>
        <TicketActions ticket={ticket} />
        <div role="tablist" aria-label="Ticket" className="tabs">
          <button role="tab" aria-selected={tab === 'thread'} onClick={() => setTab('thread')}>
            Conversation
          </button>
          <button role="tab" aria-selected={tab === 'timeline'} onClick={() => setTab('timeline')}>
            Timeline
          </button>
        </div>
        {tab === 'thread' ? (
          <div role="tabpanel" aria-label="Conversation" className="thread-panel">
            <Thread ticketId={ticketId} messages={detail.data.messages} olderCursor={detail.data.olderCursor} channel={ticket.channel} />
            <AgentsOnTicket ticketId={ticketId} />
            <Composer ticket={ticket} textareaRef={composerRef} />
          </div>
        ) : (
          <div role="tabpanel" aria-label="Timeline">
            <Timeline ticketId={ticketId} />
          </div>
        )}
      </section>
      <OverviewPanel ticketId={ticketId} ticket={ticket} />
    </div>
  );
}
