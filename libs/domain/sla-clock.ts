import type { SlaEscalation, SlaPolicy, SlaTargetKind } from './sla-policies.js';
import { normalizeTag, priorityOf, TICKET_PRIORITIES, type TicketEvent, type TicketState, type Transition } from './ticket.js';

/**
 * The SLA clock of a ticket (docs/service-levels.md, "The SLA clock"). Pure and deterministic: the ticket
 * workflow holds an SlaState in the ticket's state and moves it with these functions. Clocks start, stop and
 * pause here; their deadlines are computed from the business-hours calendars by an activity
 * (libs/sla/sla-timing.ts), whose answer the workflow's history records and applySlaTiming takes in.
 *
 * A ticket has at most one clock per target kind running at a time:
 * - first_response starts when the ticket is created and is met by the first agent reply;
 * - next_response starts at a customer message while no response clock runs, and is met by the next reply;
 * - resolution starts when the ticket is created or reopened and is met when it is closed.
 * A close cancels the response clocks; snoozed time is a pause of every clock when the policy says so.
 */

export interface SlaGoal {
  minutes: number;
  /** null: counted around the clock. */
  calendarId: string | null;
}

export interface SlaPause {
  from: string;
  to: string;
}

export interface SlaClock {
  /** Unique in the ticket: the target and its ordinal, e.g. 'next_response:4'. */
  id: string;
  target: SlaTargetKind;
  startedAt: string;
  /** Pauses that have ended, oldest first. */
  pauses: SlaPause[];
  pausedSince: string | null;
  /** The policy's target for this clock; null while no policy sets one (the clock runs untimed and records nothing). */
  goal: SlaGoal | null;
  /** Null once warned, while paused, or when untimed. */
  warnAt: string | null;
  /** Null while paused or when untimed (or when the calendar never opens). */
  dueAt: string | null;
  warnedAt: string | null;
  breachedAt: string | null;
}

/** What the ticket keeps of the policy that applies: enough to pause, escalate and explain without reading it again. */
export interface SlaPolicyInForce {
  id: string;
  name: string;
  warnAtPercent: number;
  pauseWhileSnoozed: boolean;
  onWarning: SlaEscalation[];
  onBreach: SlaEscalation[];
}

export interface SlaState {
  policy: SlaPolicyInForce | null;
  clocks: SlaClock[];
  /** Clocks started so far: the ordinal of the next clock's id. */
  startedCount: number;
  /** A policy of the account matches on the customer's profile: a profile found or changed re-times the clocks. */
  usesProfile?: boolean;
  /**
   * The account had an enabled policy when the clocks were last timed. When it had none, a change of tags or
   * priority cannot make one apply, so it asks nothing: a policy created or enabled later reaches the ticket
   * through the fan-out.
   */
  anyPolicy?: boolean;
}

/** What the timing activity is asked: the ticket's facts, its clocks, and the instant to time them at. */
export interface SlaTimingRequest {
  accountId: string;
  ticketId: string;
  channel: TicketState['channel'];
  priority: ReturnType<typeof priorityOf>;
  tags: string[];
  /** The customer's profile, for policies that match on it. */
  profileId: string | null;
  snoozed: boolean;
  at: string;
  clocks: Pick<SlaClock, 'id' | 'target' | 'startedAt' | 'pauses' | 'pausedSince' | 'warnedAt' | 'breachedAt'>[];
}

/** The activity's answer: the policy that applies (or none) and each clock's goal, pauses and deadlines under it. */
export interface SlaTiming {
  policy: SlaPolicyInForce | null;
  /** Why each policy before it did not match, for the audit trail. */
  skipped: string[];
  /** Some enabled policy matches on the profile. */
  usesProfile: boolean;
  /** The account has an enabled policy at all. */
  anyPolicy: boolean;
  clocks: Pick<SlaClock, 'id' | 'goal' | 'pauses' | 'pausedSince' | 'warnAt' | 'dueAt'>[];
}

export type SlaAlertKind = 'warning' | 'breach';

export interface SlaAlert {
  kind: SlaAlertKind;
  clock: SlaClock;
  escalations: SlaEscalation[];
}

export const SLA_CLOCK_EVENT_TYPES = ['sla_applied', 'sla_warning', 'sla_breached', 'sla_met', 'sla_cancelled'] as const;

const RESPONSE_TARGETS: readonly SlaTargetKind[] = ['first_response', 'next_response'];

export function emptySlaState(): SlaState {
  return { policy: null, clocks: [], startedCount: 0 };
}

export function slaOf(state: TicketState): SlaState {
  return state.sla ?? emptySlaState();
}

const running = (clock: SlaClock) => clock.pausedSince === null;

/**
 * The SLA consequences of a transition the ticket has just made (a message, an action, a snooze ending):
 * clocks met, cancelled, paused, resumed or started, each recorded as an event when the clock has a goal.
 * `needsTiming`: a clock started or resumed, or a fact policies match on changed, so the activity must time the
 * clocks (and perhaps pick another policy) before the transition is stored.
 */
export function followSla(previous: TicketState, transition: Transition, now: string): { transition: Transition; needsTiming: boolean } {
  if (transition.events.length === 0) return { transition, needsTiming: false };
  const types = new Set(transition.events.map((event) => event.type));
  let sla = slaOf(transition.state);
  const events: TicketEvent[] = [];
  let needsTiming = false;
  const end = (clock: SlaClock, outcome: 'met' | 'cancelled', reason: string, actorUserId: string | null) => {
    sla = { ...sla, clocks: sla.clocks.filter((other) => other.id !== clock.id) };
    if (clock.goal) events.push(clockEvent(outcome === 'met' ? 'sla_met' : 'sla_cancelled', sla.policy, clock, now, actorUserId, { reason }));
  };
  const start = (target: SlaTargetKind, at: string) => {
    const startedCount = sla.startedCount + 1;
    const clock: SlaClock = { id: `${target}:${startedCount}`, target, startedAt: at, pauses: [], pausedSince: null, goal: null, warnAt: null, dueAt: null, warnedAt: null, breachedAt: null };
    sla = { ...sla, startedCount, clocks: [...sla.clocks, clock] };
    needsTiming = true;
  };
  const resume = () => {
    const paused = sla.clocks.some((clock) => clock.pausedSince !== null);
    sla = { ...sla, clocks: sla.clocks.map((clock) => (clock.pausedSince === null ? clock : { ...clock, pauses: [...clock.pauses, { from: clock.pausedSince, to: now }], pausedSince: null })) };
    if (paused) needsTiming = true;
  };

  const wasSnoozed = previous.status === 'snoozed';
  const isSnoozed = transition.state.status === 'snoozed';
  if (wasSnoozed && !isSnoozed) resume();

  const replier = transition.events.find((event) => event.type === 'replied');
  if (replier) for (const clock of sla.clocks.filter((clock) => RESPONSE_TARGETS.includes(clock.target))) end(clock, 'met', 'agent_replied', replier.actorUserId);

  if (types.has('closed')) {
    const closer = transition.events.find((event) => event.type === 'closed')!.actorUserId;
    for (const clock of sla.clocks) end(clock, clock.target === 'resolution' ? 'met' : 'cancelled', 'closed', closer);
  }

  if (types.has('created')) {
    start('first_response', transition.state.createdAt);
    start('resolution', transition.state.createdAt);
  } else if (types.has('reopened') && !sla.clocks.some((clock) => clock.target === 'resolution')) {
    start('resolution', now);
  }

  const customerWrote = transition.events.some((event) => event.type === 'message_received' && event.detail.automated !== true);
  if (customerWrote && transition.state.status !== 'closed' && !sla.clocks.some((clock) => RESPONSE_TARGETS.includes(clock.target))) start('next_response', now);

  if (!wasSnoozed && isSnoozed && sla.policy?.pauseWhileSnoozed) {
    sla = { ...sla, clocks: sla.clocks.map((clock) => (running(clock) ? { ...clock, pausedSince: now, warnAt: null, dueAt: null } : clock)) };
  }
  const factsChanged =
    sla.anyPolicy !== false && (types.has('priority_changed') || types.has('tags_changed') || (sla.usesProfile === true && (types.has('profile_linked') || types.has('profile_unlinked'))));
  if (factsChanged) needsTiming = sla.clocks.length > 0 || needsTiming;

  if (events.length === 0 && sla === slaOf(transition.state) && !needsTiming) return { transition, needsTiming: false };
  return { transition: { state: { ...transition.state, sla }, events: [...transition.events, ...events] }, needsTiming: needsTiming && sla.clocks.length > 0 };
}

/** The question for the timing activity about the ticket as it now is. */
export function slaTimingRequest(state: TicketState, at: string): SlaTimingRequest {
  return {
    accountId: state.accountId,
    ticketId: state.ticketId,
    channel: state.channel,
    priority: priorityOf(state),
    tags: state.tags,
    profileId: state.profileId ?? null,
    snoozed: state.status === 'snoozed',
    at,
    clocks: slaOf(state).clocks.map(({ id, target, startedAt, pauses, pausedSince, warnedAt, breachedAt }) => ({ id, target, startedAt, pauses, pausedSince, warnedAt, breachedAt })),
  };
}

/**
 * Takes in the activity's timing. Records `sla_applied` when the policy or a deadline changed (with `reason`:
 * what made the ticket ask), and `sla_cancelled` for a clock whose goal the new policy no longer sets.
 */
export function applySlaTiming(transition: Transition, timing: SlaTiming, now: string, reason: string): Transition {
  const sla = slaOf(transition.state);
  const events: TicketEvent[] = [];
  const timed = new Map(timing.clocks.map((clock) => [clock.id, clock]));
  const clocks = sla.clocks.map((clock) => {
    const answer = timed.get(clock.id);
    if (!answer) return clock;
    if (clock.goal && !answer.goal) events.push(clockEvent('sla_cancelled', sla.policy, clock, now, null, { reason: 'no_target_in_policy' }));
    return { ...clock, goal: answer.goal, pauses: answer.pauses, pausedSince: answer.pausedSince, warnAt: clock.warnedAt ? null : answer.warnAt, dueAt: answer.dueAt };
  });
  const next: SlaState = { ...sla, policy: timing.policy, clocks, usesProfile: timing.usesProfile, anyPolicy: timing.anyPolicy };
  const deadlines = (state: SlaState) => state.clocks.filter((clock) => clock.goal).map((clock) => `${clock.id} due ${clock.dueAt ?? (clock.pausedSince ? 'paused' : 'never')}`);
  const changed = (sla.policy?.id ?? null) !== (timing.policy?.id ?? null) || deadlines(sla).join('\n') !== deadlines(next).join('\n');
  if (changed) {
    events.push({
      type: 'sla_applied',
      at: now,
      actorUserId: null,
      detail: {
        reason,
        policyId: timing.policy?.id ?? null,
        policyName: timing.policy?.name ?? null,
        previousPolicyId: sla.policy?.id ?? null,
        deadlines: deadlines(next),
        skipped: timing.skipped,
      },
    });
  }
  return { state: { ...transition.state, sla: next }, events: [...transition.events, ...events] };
}

/** Milliseconds until the next warning or breach, or undefined when no clock is counting towards one. */
export function msUntilNextSlaDeadline(state: TicketState, now: string): number | undefined {
  const instants = slaOf(state).clocks.flatMap((clock) => [clock.warnedAt ? null : clock.warnAt, clock.breachedAt ? null : clock.dueAt]).filter((at): at is string => at !== null);
  if (instants.length === 0) return undefined;
  return Math.max(0, Math.min(...instants.map((at) => Date.parse(at))) - Date.parse(now));
}

export function slaDeadlineDue(state: TicketState, now: string): boolean {
  return msUntilNextSlaDeadline(state, now) === 0;
}

/**
 * Records the warnings and breaches that have come (a breach that comes with its warning records both, the
 * warning first), and returns them with the policy's escalations for the workflow to run.
 */
export function recordDueSlaAlerts(state: TicketState, now: string): { transition: Transition; alerts: SlaAlert[] } | null {
  const sla = slaOf(state);
  const at = Date.parse(now);
  const alerts: SlaAlert[] = [];
  const events: TicketEvent[] = [];
  const clocks = sla.clocks.map((clock) => {
    let next = clock;
    if (!clock.warnedAt && clock.warnAt && Date.parse(clock.warnAt) <= at) {
      next = { ...next, warnedAt: now, warnAt: null };
      events.push(clockEvent('sla_warning', sla.policy, next, now, null, { warnAtPercent: sla.policy?.warnAtPercent ?? null }));
      alerts.push({ kind: 'warning', clock: next, escalations: sla.policy?.onWarning ?? [] });
    }
    if (!clock.breachedAt && clock.dueAt && Date.parse(clock.dueAt) <= at) {
      next = { ...next, breachedAt: now, warnedAt: next.warnedAt ?? now, warnAt: null };
      events.push(clockEvent('sla_breached', sla.policy, next, now, null, {}));
      alerts.push({ kind: 'breach', clock: next, escalations: sla.policy?.onBreach ?? [] });
    }
    return next;
  });
  if (alerts.length === 0) return null;
  return { transition: touch({ ...state, sla: { ...sla, clocks } }, state, now, events), alerts };
}

/** A change outside the ticket's own transitions (a policy or calendar edited, the profile found): the clocks are timed again. */
export function slaReplanTransition(state: TicketState, now: string): Transition | null {
  if (slaOf(state).clocks.length === 0) return null;
  return touch(state, state, now, []);
}

/**
 * The escalations of an alert that change the ticket (raise the priority, reassign, add a tag), as one
 * transition whose events name the alert; null when none changes anything. Notifications are the workflow's
 * side tasks (slaNotificationRecipients).
 */
export function escalate(state: TicketState, alert: SlaAlert, now: string): Transition | null {
  let next: TicketState = state;
  const events: TicketEvent[] = [];
  const because = { escalation: `sla_${alert.kind}`, clockId: alert.clock.id, policyId: slaOf(state).policy?.id ?? null };
  for (const escalation of alert.escalations) {
    switch (escalation.type) {
      case 'raise_priority': {
        const current = priorityOf(next);
        if (TICKET_PRIORITIES.indexOf(escalation.to) <= TICKET_PRIORITIES.indexOf(current)) break;
        next = { ...next, priority: escalation.to };
        events.push({ type: 'priority_changed', at: now, actorUserId: null, detail: { priority: escalation.to, previousPriority: current, ...because } });
        break;
      }
      case 'reassign':
        if (next.assigneeId === escalation.userId) break;
        events.push({ type: 'assigned', at: now, actorUserId: null, detail: { assigneeId: escalation.userId, previousAssigneeId: next.assigneeId, ...because } });
        next = { ...next, assigneeId: escalation.userId };
        break;
      case 'add_tag': {
        const tag = normalizeTag(escalation.tag);
        if (tag === null || next.tags.includes(tag)) break;
        const tags = [...next.tags, tag];
        events.push({ type: 'tags_changed', at: now, actorUserId: null, detail: { tags, previousTags: next.tags, ...because } });
        next = { ...next, tags };
        break;
      }
      case 'notify':
        break;
    }
  }
  return events.length > 0 ? touch(next, state, now, events) : null;
}

/** Who a notify escalation alerts: the assignee at the time of the alert (when asked) and the users named, once each. */
export function slaNotificationRecipients(escalation: Extract<SlaEscalation, { type: 'notify' }>, assigneeId: string | null): string[] {
  return [...new Set([...(escalation.assignee && assigneeId ? [assigneeId] : []), ...escalation.userIds])];
}

/** The policy as the ticket keeps it. */
export function policyInForce(policy: SlaPolicy): SlaPolicyInForce {
  const { id, name, warnAtPercent, pauseWhileSnoozed, onWarning, onBreach } = policy;
  return { id, name, warnAtPercent, pauseWhileSnoozed, onWarning, onBreach };
}

/**
 * The projection's summary: the next deadline of a target not yet missed, since when the ticket is at risk (the
 * earliest warning recorded of such a target), since when it is in breach (the earliest breach recorded). Views
 * filter on what the workflow recorded, so a list agrees with the ticket's own events.
 */
export function slaSummary(state: TicketState): { policyId: string | null; dueAt: string | null; atRiskFrom: string | null; breachedAt: string | null } {
  const sla = slaOf(state);
  const timed = sla.clocks.filter((clock) => clock.goal);
  const earliest = (values: (string | null)[]) => values.filter((value): value is string => value !== null).sort()[0] ?? null;
  const pending = timed.filter((clock) => !clock.breachedAt);
  return {
    policyId: sla.policy?.id ?? null,
    dueAt: earliest(pending.map((clock) => clock.dueAt)),
    atRiskFrom: earliest(pending.map((clock) => clock.warnedAt)),
    breachedAt: earliest(timed.map((clock) => clock.breachedAt)),
  };
}

function clockEvent(type: (typeof SLA_CLOCK_EVENT_TYPES)[number], policy: SlaPolicyInForce | null, clock: SlaClock, now: string, actorUserId: string | null, extra: TicketEvent['detail']): TicketEvent {
  return {
    type,
    at: now,
    actorUserId,
    detail: {
      clockId: clock.id,
      target: clock.target,
      policyId: policy?.id ?? null,
      policyName: policy?.name ?? null,
      minutes: clock.goal?.minutes ?? null,
      calendarId: clock.goal?.calendarId ?? null,
      startedAt: clock.startedAt,
      dueAt: clock.dueAt,
      warnedAt: clock.warnedAt,
      breachedAt: clock.breachedAt,
      ...extra,
    },
  };
}

function touch(next: TicketState, previous: TicketState, now: string, events: TicketEvent[]): Transition {
  return { state: { ...next, updatedAt: now, version: previous.version + 1 }, events };
}
