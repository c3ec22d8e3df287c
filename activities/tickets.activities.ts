import type { SqlEntityManager } from '@mikro-orm/postgresql';
import { slaOf, slaSummary } from '../libs/domain/sla-clock.js';
import { priorityOf, withMatchedProfile, type TicketEvent } from '../libs/domain/ticket.js';
import { Message } from '../libs/persistence/entities/index.js';
import { ProfileDirectory, type ProfileMatch } from '../libs/profiles/profile-directory.js';
import { storableText, storableTextOrNull } from '../libs/persistence/storable-text.js';
import type { InboundMessage, TicketProjection } from '../libs/temporal/contracts/ticket.js';
import type { ActivityDependencies } from './dependencies.js';
import { storing } from './unstorable-data.js';

/** Idempotent writes of a transition: the ticket row only moves forward (by version), events are keyed. */
export async function writeProjection(em: SqlEntityManager, { state, events }: TicketProjection, inbound?: InboundMessage): Promise<void> {
  const sla = slaSummary(state);
  await em.execute(
    `INSERT INTO tickets (id, account_id, channel, status, assignee_id, tags, subject, customer_name, customer_phone,
       customer_email, customer_visitor_id, snoozed_until, unread_since, last_inbound_at, first_agent_reply_at,
       message_count, created_at, updated_at, closed_at, version, profile_id, priority,
       sla_policy_id, sla_due_at, sla_at_risk_from, sla_breached_at)
     VALUES (?, ?, ?, ?, ?, ARRAY(SELECT jsonb_array_elements_text(?::jsonb)), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET
       status = excluded.status, assignee_id = excluded.assignee_id, tags = excluded.tags,
       subject = COALESCE(tickets.subject, excluded.subject),
       customer_name = COALESCE(excluded.customer_name, tickets.customer_name),
       customer_phone = COALESCE(tickets.customer_phone, excluded.customer_phone),
       customer_email = COALESCE(tickets.customer_email, excluded.customer_email),
       customer_visitor_id = COALESCE(tickets.customer_visitor_id, excluded.customer_visitor_id),
       snoozed_until = excluded.snoozed_until, unread_since = excluded.unread_since,
       last_inbound_at = excluded.last_inbound_at, first_agent_reply_at = excluded.first_agent_reply_at,
       message_count = excluded.message_count, updated_at = excluded.updated_at, closed_at = excluded.closed_at,
       version = excluded.version, priority = excluded.priority,
       sla_policy_id = excluded.sla_policy_id, sla_due_at = excluded.sla_due_at,
       sla_at_risk_from = excluded.sla_at_risk_from, sla_breached_at = excluded.sla_breached_at,
       profile_id = CASE WHEN ?::boolean THEN excluded.profile_id ELSE tickets.profile_id END
     WHERE tickets.version < excluded.version`,
    [
      state.ticketId, state.accountId, state.channel, state.status, state.assigneeId, JSON.stringify(state.tags),
      inbound?.subject ?? null, inbound?.sender.name ?? null, inbound?.sender.phone ?? null,
      inbound?.sender.email ?? null, inbound?.sender.visitorId ?? null, state.snoozedUntil, state.unreadSince,
      state.lastInboundAt, state.firstAgentReplyAt, state.messageCount, state.createdAt, state.updatedAt,
      state.closedAt, state.version, state.profileId ?? null, priorityOf(state),
      sla.policyId, sla.dueAt, sla.atRiskFrom, sla.breachedAt,
      // States carried from runs before profiles existed leave the column to the activity that matched it.
      state.profileId !== undefined,
    ],
  );
  for (const [index, event] of events.entries()) {
    await em.execute(
      `INSERT INTO ticket_events (id, ticket_id, account_id, type, actor_user_id, detail, occurred_at)
       VALUES (?, ?, ?, ?, ?, ?::jsonb, ?) ON CONFLICT (id) DO NOTHING`,
      [`${state.ticketId}:${state.version}:${index}`, state.ticketId, state.accountId, event.type, event.actorUserId, JSON.stringify(event.detail), event.at],
    );
  }
  await writeSlaClocks(em, { state, events });
}

interface SlaClockRow {
  clock_id: string;
  policy_id: string | null;
  policy_name: string | null;
  target: string;
  minutes: number;
  calendar_id: string | null;
  started_at: string;
  due_at: string | null;
  warned_at: string | null;
  breached_at: string | null;
  ended_at: string | null;
  outcome: 'running' | 'paused' | 'met' | 'cancelled';
  ended_by_user_id: string | null;
}

/** The ticket's timed SLA clocks as they stand (running or paused) and those the transition ended (met or cancelled). */
async function writeSlaClocks(em: SqlEntityManager, { state, events }: TicketProjection): Promise<void> {
  const sla = slaOf(state);
  const rows: SlaClockRow[] = sla.clocks.flatMap((clock) =>
    clock.goal
      ? [{
          clock_id: clock.id, policy_id: sla.policy?.id ?? null, policy_name: sla.policy?.name ?? null, target: clock.target,
          minutes: clock.goal.minutes, calendar_id: clock.goal.calendarId, started_at: clock.startedAt, due_at: clock.dueAt,
          warned_at: clock.warnedAt, breached_at: clock.breachedAt, ended_at: null, outcome: clock.pausedSince ? 'paused' : 'running', ended_by_user_id: null,
        }]
      : [],
  );
  for (const event of events.filter((candidate: TicketEvent) => candidate.type === 'sla_met' || candidate.type === 'sla_cancelled')) {
    const detail = event.detail as Record<string, string | number | null>;
    if (detail.minutes === null) continue;
    rows.push({
      clock_id: String(detail.clockId), policy_id: (detail.policyId as string | null) ?? null, policy_name: (detail.policyName as string | null) ?? null,
      target: String(detail.target), minutes: Number(detail.minutes), calendar_id: (detail.calendarId as string | null) ?? null,
      started_at: String(detail.startedAt), due_at: (detail.dueAt as string | null) ?? null, warned_at: (detail.warnedAt as string | null) ?? null,
      breached_at: (detail.breachedAt as string | null) ?? null, ended_at: event.at, outcome: event.type === 'sla_met' ? 'met' : 'cancelled', ended_by_user_id: event.actorUserId,
    });
  }
  if (rows.length === 0) return;
  await em.execute(
    `INSERT INTO ticket_sla_clocks (ticket_id, account_id, version, clock_id, policy_id, policy_name, target, minutes, calendar_id, started_at, due_at,
       warned_at, breached_at, ended_at, outcome, ended_by_user_id)
     SELECT ?, ?, ?, r.* FROM jsonb_to_recordset(?::jsonb) AS r(clock_id text, policy_id text, policy_name text, target text, minutes integer,
       calendar_id text, started_at timestamptz, due_at timestamptz, warned_at timestamptz, breached_at timestamptz, ended_at timestamptz,
       outcome text, ended_by_user_id text)
     ON CONFLICT (ticket_id, clock_id) DO UPDATE SET
       policy_id = excluded.policy_id, policy_name = excluded.policy_name, minutes = excluded.minutes, calendar_id = excluded.calendar_id,
       due_at = excluded.due_at, warned_at = excluded.warned_at, breached_at = excluded.breached_at, ended_at = excluded.ended_at,
       outcome = excluded.outcome, ended_by_user_id = excluded.ended_by_user_id, version = excluded.version
     WHERE ticket_sla_clocks.version <= excluded.version`,
    [state.ticketId, state.accountId, state.version, JSON.stringify(rows)],
  );
}

/** The transition as stored with the sender's profile: the ticket names it, and an event says how it was found. */
function withProfileMatch({ state, events }: TicketProjection, match: ProfileMatch): TicketProjection {
  const detail = { profileId: match.profileId, identifier: match.by, created: match.created, joinedProfileId: match.joinedProfileId ?? null };
  return { state: withMatchedProfile(state, match.profileId), events: [...events, { type: 'profile_matched', at: state.updatedAt, actorUserId: null, detail }] };
}

export function createTicketActivities({ orm, transports }: ActivityDependencies) {
  const transaction = <T>(work: (em: SqlEntityManager) => Promise<T>) => storing(() => orm.em.fork().transactional(work));

  return {
    /**
     * Stores a customer's message with the transition it causes. A message id already stored by an
     * earlier transition is a duplicate delivery: nothing is written and the workflow drops it.
     * (The same transition retried finds its own row and carries on.)
     */
    async recordInboundMessage(input: { projection: TicketProjection; message: InboundMessage }): Promise<{ duplicate: boolean; profile?: ProfileMatch | null }> {
      const { message } = input;
      return transaction(async (em) => {
        const existing = await em.findOne(Message, { id: message.messageId });
        if (existing && !(existing.ticketId === input.projection.state.ticketId && existing.recordedAtVersion === input.projection.state.version)) {
          return { duplicate: true };
        }
        const { state } = input.projection;
        const profile = await new ProfileDirectory(em).matchSender({
          accountId: message.accountId,
          channel: message.channel,
          sender: message.sender,
          currentProfileId: state.profileId ?? null,
          chosenByAgent: state.profileChosenByAgent ?? false,
        });
        const projection = profile ? withProfileMatch(input.projection, profile) : input.projection;
        await writeProjection(em, projection, message);
        await em.execute(
          `INSERT INTO messages (id, ticket_id, account_id, direction, body, subject, external_id, recorded_at_version, created_at)
           VALUES (?, ?, ?, 'inbound', ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
          [message.messageId, projection.state.ticketId, message.accountId, message.body, message.subject, message.externalId, projection.state.version, message.receivedAt],
        );
        return { duplicate: false, profile };
      });
    },

    async projectTicket(projection: TicketProjection): Promise<void> {
      await transaction((em) => writeProjection(em, projection));
    },

    async recordAgentReply(input: { projection: TicketProjection; messageId: string; body: string; authorUserId: string }): Promise<void> {
      const { projection } = input;
      await transaction(async (em) => {
        await writeProjection(em, projection);
        await em.execute(
          `INSERT INTO messages (id, ticket_id, account_id, direction, author_user_id, body, delivery_status, recorded_at_version, created_at)
           VALUES (?, ?, ?, 'outbound', ?, ?, 'pending', ?, ?) ON CONFLICT (id) DO NOTHING`,
          [input.messageId, projection.state.ticketId, projection.state.accountId, input.authorUserId, input.body, projection.state.version, projection.state.updatedAt],
        );
      });
    },

    /** The agent's read marker, with the transition that marks the ticket read when there is one. */
    async recordTicketRead(input: { ticketId: string; userId: string; readAt: string; projection?: TicketProjection }): Promise<void> {
      await transaction(async (em) => {
        if (input.projection) await writeProjection(em, input.projection);
        await em.execute(
          `INSERT INTO ticket_reads (ticket_id, user_id, read_at) VALUES (?, ?, ?)
           ON CONFLICT (ticket_id, user_id) DO UPDATE SET read_at = GREATEST(ticket_reads.read_at, excluded.read_at)`,
          [input.ticketId, input.userId, input.readAt],
        );
      });
    },

    /**
     * A message the database refused as it came: stored apart as rejected, its text made storable and the
     * reason kept, so agents see that something arrived and operators see why it was not taken as is.
     */
    async quarantineInboundMessage(input: { projection: TicketProjection; message: InboundMessage; reason: string }): Promise<void> {
      const { projection, message } = input;
      const storable: InboundMessage = {
        ...message,
        body: storableText(message.body),
        subject: storableTextOrNull(message.subject),
        externalId: storableText(message.externalId),
        sender: {
          name: storableTextOrNull(message.sender.name),
          phone: storableTextOrNull(message.sender.phone),
          email: storableTextOrNull(message.sender.email),
          visitorId: storableTextOrNull(message.sender.visitorId),
        },
      };
      await transaction(async (em) => {
        await writeProjection(em, projection, storable);
        await em.execute(
          `INSERT INTO messages (id, ticket_id, account_id, direction, body, subject, external_id, rejected_reason, recorded_at_version, created_at)
           VALUES (?, ?, ?, 'inbound', ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
          [message.messageId, projection.state.ticketId, message.accountId, storable.body, storable.subject, storable.externalId, storableText(input.reason), projection.state.version, message.receivedAt],
        );
      });
    },

    /** The delivery failed for good: the message shows the provider's reason, the ticket's history the failure. */
    async recordDeliveryFailure(input: { projection: TicketProjection; messageId: string; reason: string }): Promise<void> {
      await transaction(async (em) => {
        await writeProjection(em, input.projection);
        await em.execute(
          `UPDATE messages SET delivery_status = 'failed', delivery_error = ? WHERE id = ? AND delivery_status IN ('pending', 'failed')`,
          [storableText(input.reason), input.messageId],
        );
      });
    },

    /**
     * An agent's retry of a failed delivery: the message is pending again, only if it is an outbound message
     * of this ticket whose delivery failed; the transport forgets an attempt the provider definitely refused.
     */
    async requeueFailedDelivery(input: { projection: TicketProjection; messageId: string }): Promise<{ requeued: boolean }> {
      const { state } = input.projection;
      const requeued = await transaction(async (em) => {
        const rows = await em.execute<{ id: string }[]>(
          `UPDATE messages SET delivery_status = 'pending', delivery_error = NULL
           WHERE id = ? AND ticket_id = ? AND direction = 'outbound' AND delivery_status IN ('failed', 'undelivered') RETURNING id`,
          [input.messageId, state.ticketId],
        );
        if (rows.length === 0) return false;
        await writeProjection(em, input.projection);
        return true;
      });
      if (requeued) await transports[state.channel]?.forgetFailedAttempt?.(input.messageId);
      return { requeued };
    },

    /** The snooze came to an end: the assignee finds an alert in their notifications. */
    async notifySnoozeExpired(input: { notificationId: string; accountId: string; ticketId: string; assigneeId: string; snoozedUntil: string }): Promise<void> {
      await storing(() => orm.em.fork().execute(
        `INSERT INTO notifications (id, account_id, user_id, ticket_id, type, detail, created_at)
         VALUES (?, ?, ?, ?, 'snooze_expired', ?::jsonb, now()) ON CONFLICT (id) DO NOTHING`,
        [input.notificationId, input.accountId, input.assigneeId, input.ticketId, JSON.stringify({ snoozedUntil: input.snoozedUntil })],
      ));
    },
  };
}
