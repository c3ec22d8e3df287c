import { useQuery } from '@tanstack/react-query';
import { api, describeFailure, unwrap, type Ticket } from '../api/client';
import { CHANNEL_LABELS, useUserName } from '../common/people';
import { formatExact, Time } from '../common/time';

const money = (amount: number, currency: string) => new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(amount);

/** Beside the thread: the ticket's facts, then the customer's profile, predictions and orders (GET /tickets/:id/overview). */
export function OverviewPanel({ ticketId, ticket }: { ticketId: string; ticket: Ticket }) {
  const nameOf = useUserName();
  const overview = useQuery({
    queryKey: ['ticket', ticketId, 'overview'],
    queryFn: () => unwrap(api.GET('/tickets/{ticketId}/overview', { params: { path: { ticketId } } })),
  });
  const profile = overview.data?.profile;
  const predictions = overview.data?.predictions;
  return (
    <aside className="overview" aria-label="Overview">
      <section aria-labelledby="overview-ticket">
        <h2 id="overview-ticket">Ticket</h2>
        <dl>
          <dt>ID</dt>
          <dd className="mono">{ticket.id}</dd>
          <dt>Assignee</dt>
          <dd>{ticket.assigneeId ? nameOf(ticket.assigneeId) : 'Unassigned'}{ticket.assigneeDeactivated && ' (deactivated)'}</dd>
          <dt>Created</dt>
          <dd title={formatExact(ticket.createdAt)}>{formatExact(ticket.createdAt)}</dd>
          <dt>Channel</dt>
          <dd>{CHANNEL_LABELS[ticket.channel]}</dd>
          <dt>Tags</dt>
          <dd>{ticket.tags.length ? ticket.tags.join(', ') : 'None'}</dd>
        </dl>
      </section>
      {overview.isError && <p className="error">{describeFailure(overview.error)}</p>}
      {overview.data && (
        <>
          <section aria-labelledby="overview-profile">
            <h2 id="overview-profile">Customer</h2>
            {profile ? (
              <dl>
                <dt>Name</dt>
                <dd>{profile.name ?? 'Unknown'}</dd>
                {profile.emails.length > 0 && (
                  <>
                    <dt>Email</dt>
                    <dd>{profile.emails.join(', ')}</dd>
                  </>
                )}
                {profile.phones.length > 0 && (
                  <>
                    <dt>Phone</dt>
                    <dd>{profile.phones.join(', ')}</dd>
                  </>
                )}
                <dt>SMS consent</dt>
                <dd>{profile.smsConsent ?? 'none recorded'}</dd>
                <dt>Tickets</dt>
                <dd>{overview.data.tickets.count}</dd>
                <dt>Events</dt>
                <dd>{overview.data.events.count}</dd>
              </dl>
            ) : (
              <p className="muted">No profile yet: it is made from the first message the ticket stores.</p>
            )}
          </section>
          {predictions && (
            <section aria-labelledby="overview-predictions">
              <h2 id="overview-predictions">Predictive analytics</h2>
              {predictions.figures ? (
                <dl>
                  <dt>Historic CLV</dt>
                  <dd>{predictions.figures.historicClv.toFixed(2)}</dd>
                  <dt>Predicted CLV</dt>
                  <dd>{predictions.figures.predictedClv.toFixed(2)}</dd>
                  <dt>Churn risk</dt>
                  <dd>{Math.round(predictions.figures.churnProbability * 100)} %</dd>
                  <dt>Expected next order</dt>
                  <dd>{predictions.figures.expectedNextOrderAt ? <Time value={predictions.figures.expectedNextOrderAt} /> : '—'}</dd>
                </dl>
              ) : (
                <p className="muted">{predictions.model.reasons.join(' ') || 'Not computed yet.'}</p>
              )}
            </section>
          )}
          <section aria-labelledby="overview-orders">
            <h2 id="overview-orders">Orders ({overview.data.orders.count})</h2>
            {overview.data.orders.recent.length === 0 ? (
              <p className="muted">No orders known.</p>
            ) : (
              <ul>
                {overview.data.orders.recent.map((order) => (
                  <li key={order.id}>
                    {order.name} · {money(order.totalAmount, order.currency)} · <Time value={order.placedAt} />
                    {order.cancelledAt && ' · cancelled'}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </aside>
  );
}
