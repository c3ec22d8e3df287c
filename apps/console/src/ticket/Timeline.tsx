import { useQuery } from '@tanstack/react-query';
import { api, describeFailure, unwrap } from '../api/client';
import { useUserName } from '../common/people';
import { Time } from '../common/time';

/** Every event of the ticket's history with its actor; an automated decision shows what it was based on. */
export function Timeline({ ticketId }: { ticketId: string }) {
  const nameOf = useUserName();
  const events = useQuery({
    queryKey: ['ticket', ticketId, 'events'],
    queryFn: () => unwrap(api.GET('/tickets/{ticketId}/events', { params: { path: { ticketId } } })),
  });
  if (events.isPending) return <p className="loading">Loading the timeline…</p>;
  if (events.isError) return <p className="error">{describeFailure(events.error)}</p>;
  return (
    <ol className="timeline" aria-label="Timeline">
      {events.data.events.map((event) => {
        const detail = event.detail as Record<string, unknown>;
        const reason = typeof detail.reason === 'string' ? detail.reason : null;
        return (
          <li key={event.id}>
            <Time value={event.occurredAt} /> <strong>{event.type.replace(/_/g, ' ')}</strong>{' '}
            <span className="actor">{event.actorUserId ? `by ${nameOf(event.actorUserId)}` : 'automated'}</span>
            {!event.actorUserId && reason && <span className="reason"> — because: {reason.replace(/_/g, ' ')}</span>}
            {Object.keys(detail).length > 0 && (
              <details>
                <summary>Details</summary>
                <pre>{JSON.stringify(detail, null, 2)}</pre>
              </details>
            )}
          </li>
        );
      })}
    </ol>
  );
}
