import { useQuery } from '@tanstack/react-query';
import { api, describeFailure, unwrap, type Schemas, type Ticket } from '../api/client';
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
      <ServiceLevels ticketId={ticketId} />
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
      <Satisfaction ticketId={ticketId} />
    </aside>
  );
}

const TARGET_LABELS: Record<string, string> = { first_response: 'First response', next_response: 'Next response', resolution: 'Resolution' };

/** The ticket's SLA targets (GET /tickets/:id/sla): each with its deadline and whether it was met, missed or is running. */
function ServiceLevels({ ticketId }: { ticketId: string }) {
  const sla = useQuery({
    queryKey: ['ticket', ticketId, 'sla'],
    queryFn: () => unwrap(api.GET('/tickets/{ticketId}/sla', { params: { path: { ticketId } } })),
  });
  if (sla.isError) return <p className="error">{describeFailure(sla.error)}</p>;
  const targets = sla.data?.targets ?? [];
  if (targets.length === 0) return null;
  return (
    <section aria-labelledby="overview-sla">
      <h2 id="overview-sla">Service levels</h2>
      <p className="muted">{targets.at(-1)?.policyName ?? 'No policy'}</p>
      <ul className="sla-targets">
        {targets.map((target) => (
          <li key={target.clockId}>
            <strong>{TARGET_LABELS[target.target]}</strong> ({target.minutes} min{target.calendarId ? ', business hours' : ''}):{' '}
            <SlaOutcome target={target} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function SlaOutcome({ target }: { target: Schemas['TicketSlaTargetDto'] }) {
  const late = target.breachedAt !== null;
  switch (target.outcome) {
    case 'met':
      return <span className={late ? 'sla sla-breached' : 'sla'}>{late ? 'met late' : 'met'}{target.endedAt && <> <Time value={target.endedAt} /></>}</span>;
    case 'cancelled':
      return <span className="muted">no longer owed</span>;
    case 'paused':
      return <span className="muted">paused while snoozed</span>;
    case 'running':
      if (late) return <span className="sla sla-breached">breached <Time value={target.breachedAt!} /></span>;
      return <span className={target.warnedAt ? 'sla sla-at-risk' : 'sla'}>{target.warnedAt ? 'at risk, ' : ''}due {target.dueAt ? <Time value={target.dueAt} /> : '—'}</span>;
  }
}

/** The ticket's satisfaction surveys (GET /tickets/:id/csat), newest first; nothing when it sent none. */
function Satisfaction({ ticketId }: { ticketId: string }) {
  const csat = useQuery({
    queryKey: ['ticket', ticketId, 'csat'],
    queryFn: () => unwrap(api.GET('/tickets/{ticketId}/csat', { params: { path: { ticketId } } })),
  });
  if (csat.isError) return <p className="error">{describeFailure(csat.error)}</p>;
  const surveys = csat.data?.surveys ?? [];
  if (surveys.length === 0) return null;
  return (
    <section aria-labelledby="overview-csat">
      <h2 id="overview-csat">Satisfaction</h2>
      <ul className="csat-surveys">
        {surveys.map((survey) => (
          <li key={survey.id}>
            {survey.score !== null && survey.answeredAt !== null ? (
              <>
                <strong>{survey.score} / 5</strong> · answered <Time value={survey.answeredAt} />
                {survey.comment && <p>{survey.comment}</p>}
              </>
            ) : (
              <span className="muted">
                sent, no answer yet · <Time value={survey.sentAt} />
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
