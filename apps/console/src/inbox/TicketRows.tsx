import { useLayoutEffect } from 'react';
import type { Ticket } from '../api/client';
import { hrefOf } from '../app/router';
import { CHANNEL_LABELS, customerName, PRIORITY_LABELS, useUserName } from '../common/people';
import { Time } from '../common/time';

export const TICKET_LIST_RENDER_MEASURE = 'ticket-list-render';

/** The ticket list as a table: one row per ticket, a checkbox for bulk actions, the row's link opens the ticket. */
export function TicketRows(props: {
  tickets: Ticket[];
  selected: ReadonlySet<string>;
  cursorIndex: number;
  onToggle: (ticketId: string) => void;
  onToggleAll: (all: boolean) => void;
}) {
  const nameOf = useUserName();
  // The render budget (50 tickets in under 100 ms, docs/benchmarks.md) is measured from this entry: render + commit.
  const renderStarted = performance.now();
  useLayoutEffect(() => {
    performance.measure(TICKET_LIST_RENDER_MEASURE, { start: renderStarted, detail: { tickets: props.tickets.length } });
  }, [props.tickets]);
  const allSelected = props.tickets.length > 0 && props.tickets.every((ticket) => props.selected.has(ticket.id));
  return (
    <table className="tickets" aria-label="Tickets">
      <thead>
        <tr>
          <th scope="col">
            <input type="checkbox" aria-label="Select all tickets" checked={allSelected} onChange={(event) => props.onToggleAll(event.target.checked)} />
          </th>
          <th scope="col">Customer</th>
          <th scope="col">Channel</th>
          <th scope="col">Priority</th>
          <th scope="col">SLA</th>
          <th scope="col">Status</th>
          <th scope="col">Assignee</th>
          <th scope="col">Tags</th>
          <th scope="col">Updated</th>
        </tr>
      </thead>
      <tbody>
        {props.tickets.map((ticket, index) => {
          const name = customerName(ticket);
          return (
            <tr key={ticket.id} className={[ticket.unread ? 'unread' : '', index === props.cursorIndex ? 'cursor' : ''].join(' ')} aria-selected={props.selected.has(ticket.id)}>
              <td>
                <input type="checkbox" aria-label={`Select ticket of ${name}`} checked={props.selected.has(ticket.id)} onChange={() => props.onToggle(ticket.id)} />
              </td>
              <td>
                <a href={hrefOf({ page: 'ticket', ticketId: ticket.id })}>
                  {ticket.unread && <span className="dot" aria-label="unread" />}
                  <strong>{name}</strong>
                  {ticket.subject && <span className="subject"> — {ticket.subject}</span>}
                </a>
                {ticket.lastMessage && (
                  <p className="preview">
                    {ticket.lastMessage.direction === 'outbound' && <span className="muted">Replied: </span>}
                    {ticket.lastMessage.preview}
                  </p>
                )}
              </td>
              <td>{CHANNEL_LABELS[ticket.channel]}</td>
              <td>
                <span className={`priority priority-${ticket.priority}`}>{PRIORITY_LABELS[ticket.priority]}</span>
              </td>
              <td>
                <SlaBadge ticket={ticket} />
              </td>
              <td>
                <span className={`status status-${ticket.status}`}>{ticket.status}</span>
                {ticket.status === 'snoozed' && ticket.snoozedUntil && (
                  <>
                    {' '}
                    until <Time value={ticket.snoozedUntil} />
                  </>
                )}
              </td>
              <td>{ticket.assigneeId ? nameOf(ticket.assigneeId) : <span className="muted">Unassigned</span>}</td>
              <td>
                {ticket.tags.map((tag) => (
                  <span key={tag} className="tag">
                    {tag}
                  </span>
                ))}
              </td>
              <td>
                <Time value={ticket.updatedAt} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The ticket's service level in a list row: breached, at risk, or when the next target is due. */
function SlaBadge({ ticket: { sla, status } }: { ticket: Ticket }) {
  if (!sla) return <span className="muted">—</span>;
  if (sla.breachedAt) return <span className="sla sla-breached">Breached</span>;
  // No deadline left: every target met, or the clock paused while snoozed.
  if (!sla.dueAt) return <span className="muted">{status === 'snoozed' ? 'Paused' : '—'}</span>;
  return (
    <span className={`sla ${sla.atRiskFrom ? 'sla-at-risk' : ''}`}>
      {sla.atRiskFrom ? 'At risk, due ' : 'Due '}
      <Time value={sla.dueAt} />
    </span>
  );
}
