import { describe, expect, it } from '@jest/globals';
import {
  applySlaTiming,
  escalate,
  followSla,
  msUntilNextSlaDeadline,
  recordDueSlaAlerts,
  slaSummary,
  slaTimingRequest,
  type SlaPolicyInForce,
  type SlaTiming,
} from '../../../libs/domain/sla-clock.js';
import { applyAgentAction, newTicketState, receiveInboundMessage, ticketCreatedEvent, type TicketState, type Transition } from '../../../libs/domain/ticket.js';

const CREATED = '2026-01-16T16:55:00.000Z';
const MINUTE = 60_000;
const later = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * MINUTE).toISOString();

const policy = (overrides: Partial<SlaPolicyInForce> = {}): SlaPolicyInForce => ({
  id: 'p-1',
  name: 'Standard',
  warnAtPercent: 80,
  pauseWhileSnoozed: true,
  onWarning: [],
  onBreach: [],
  ...overrides,
});

/** A timing as the activity would give it: every clock asked for gets a 60-minute goal, due an hour after it (re)started. */
function timingFor(state: TicketState, inForce: SlaPolicyInForce | null = policy()): SlaTiming {
  const request = slaTimingRequest(state, state.updatedAt);
  return {
    policy: inForce,
    skipped: [],
    usesProfile: false,
    anyPolicy: inForce !== null,
    clocks: request.clocks.map((clock) => {
      const from = clock.pauses.at(-1)?.to ?? clock.startedAt;
      const paused = clock.pausedSince !== null;
      return { id: clock.id, goal: inForce ? { minutes: 60, calendarId: null } : null, pauses: clock.pauses, pausedSince: clock.pausedSince, warnAt: inForce && !paused ? later(from, 48) : null, dueAt: inForce && !paused ? later(from, 60) : null };
    }),
  };
}

/** The ticket's first message, with the SLA clock followed and timed. */
function created(): TicketState {
  const fresh = newTicketState({ ticketId: 't-1', accountId: 'a-1', channel: 'sms', createdAt: CREATED });
  const outcome = receiveInboundMessage(fresh, { messageId: 'm-1', receivedAt: CREATED }, CREATED);
  if (outcome.kind !== 'accepted') throw new Error('expected the message to be accepted');
  const transition: Transition = { ...outcome.transition, events: [ticketCreatedEvent(fresh), ...outcome.transition.events] };
  const followed = followSla(fresh, transition, CREATED);
  expect(followed.needsTiming).toBe(true);
  return applySlaTiming(followed.transition, timingFor(followed.transition.state), CREATED, 'created').state;
}

function act(state: TicketState, action: Parameters<typeof applyAgentAction>[1], at: string): { transition: Transition; needsTiming: boolean } {
  return followSla(state, applyAgentAction(state, action, 'agent-1', at), at);
}

describe('the SLA clock', () => {
  it('starts first response and resolution when the ticket is created, and records the policy and deadlines', () => {
    const state = created();
    expect(state.sla!.clocks.map((clock) => [clock.id, clock.dueAt])).toEqual([
      ['first_response:1', later(CREATED, 60)],
      ['resolution:2', later(CREATED, 60)],
    ]);
    expect(slaSummary(state)).toEqual({ policyId: 'p-1', dueAt: later(CREATED, 60), atRiskFrom: null, breachedAt: null });
    expect(msUntilNextSlaDeadline(state, CREATED)).toBe(48 * MINUTE);
  });

  it('meets the response target with the first reply, recording whether it was late', () => {
    const replied = act(created(), { type: 'reply', messageId: 'r-1', body: 'hello' }, later(CREATED, 30));
    expect(replied.needsTiming).toBe(false);
    expect(replied.transition.state.sla!.clocks.map((clock) => clock.id)).toEqual(['resolution:2']);
    const met = replied.transition.events.find((event) => event.type === 'sla_met')!;
    expect(met.detail).toMatchObject({ clockId: 'first_response:1', target: 'first_response', policyId: 'p-1', breachedAt: null, reason: 'agent_replied' });
    expect(met.actorUserId).toBe('agent-1');
  });

  it('warns, then breaches, once each, and the breach stays on the met record', () => {
    let state = created();
    expect(recordDueSlaAlerts(state, later(CREATED, 47))).toBeNull();
    const warned = recordDueSlaAlerts(state, later(CREATED, 48))!;
    expect(warned.alerts.map((alert) => `${alert.kind}:${alert.clock.id}`)).toEqual(['warning:first_response:1', 'warning:resolution:2']);
    state = warned.transition.state;
    expect(slaSummary(state).atRiskFrom).toBe(later(CREATED, 48));
    expect(recordDueSlaAlerts(state, later(CREATED, 50))).toBeNull();
    const breached = recordDueSlaAlerts(state, later(CREATED, 60))!;
    expect(breached.transition.events.map((event) => event.type)).toEqual(['sla_breached', 'sla_breached']);
    state = breached.transition.state;
    expect(slaSummary(state).breachedAt).toBe(later(CREATED, 60));
    expect(msUntilNextSlaDeadline(state, later(CREATED, 60))).toBeUndefined();
    const met = act(state, { type: 'reply', messageId: 'r-1', body: 'sorry' }, later(CREATED, 70)).transition.events.find((event) => event.type === 'sla_met')!;
    expect(met.detail.breachedAt).toBe(later(CREATED, 60));
  });

  it('a warning and a breach due together are both recorded, the warning first', () => {
    const due = recordDueSlaAlerts(created(), later(CREATED, 61))!;
    expect(due.transition.events.filter((event) => event.detail.clockId === 'first_response:1').map((event) => event.type)).toEqual(['sla_warning', 'sla_breached']);
  });

  it('starts a next-response clock at a customer message after a reply, and only one until the next reply', () => {
    let state = act(created(), { type: 'reply', messageId: 'r-1', body: 'hello' }, later(CREATED, 10)).transition.state;
    const message = (id: string, at: string) => {
      const outcome = receiveInboundMessage(state, { messageId: id, receivedAt: at }, at);
      if (outcome.kind !== 'accepted') throw new Error('expected accepted');
      return followSla(state, outcome.transition, at);
    };
    const first = message('m-2', later(CREATED, 20));
    expect(first.needsTiming).toBe(true);
    state = applySlaTiming(first.transition, timingFor(first.transition.state), later(CREATED, 20), 'message_received').state;
    expect(state.sla!.clocks.map((clock) => [clock.id, clock.startedAt])).toEqual([
      ['resolution:2', CREATED],
      ['next_response:3', later(CREATED, 20)],
    ]);
    const second = message('m-3', later(CREATED, 25));
    expect(second.needsTiming).toBe(false);
    expect(second.transition.state.sla!.clocks.map((clock) => clock.id)).toEqual(['resolution:2', 'next_response:3']);
  });

  it('an automated message starts no response clock', () => {
    let state = act(created(), { type: 'reply', messageId: 'r-1', body: 'hello' }, later(CREATED, 10)).transition.state;
    const outcome = receiveInboundMessage(state, { messageId: 'm-2', receivedAt: later(CREATED, 20), automated: { reasons: ['auto-submitted'] } }, later(CREATED, 20));
    if (outcome.kind !== 'accepted') throw new Error('expected accepted');
    state = followSla(state, outcome.transition, later(CREATED, 20)).transition.state;
    expect(state.sla!.clocks.map((clock) => clock.id)).toEqual(['resolution:2']);
  });

  it('pauses every clock while snoozed when the policy says so, and asks for new deadlines when the snooze ends', () => {
    const snoozedAt = later(CREATED, 10);
    const snoozed = act(created(), { type: 'snooze', until: later(CREATED, 600) }, snoozedAt);
    expect(snoozed.needsTiming).toBe(false);
    expect(snoozed.transition.state.sla!.clocks.every((clock) => clock.pausedSince === snoozedAt && clock.dueAt === null)).toBe(true);
    expect(msUntilNextSlaDeadline(snoozed.transition.state, snoozedAt)).toBeUndefined();
    const resumedAt = later(CREATED, 100);
    const resumed = act(snoozed.transition.state, { type: 'cancel_snooze' }, resumedAt);
    expect(resumed.needsTiming).toBe(true);
    expect(resumed.transition.state.sla!.clocks.map((clock) => clock.pauses)).toEqual([[{ from: snoozedAt, to: resumedAt }], [{ from: snoozedAt, to: resumedAt }]]);
    expect(slaTimingRequest(resumed.transition.state, resumedAt).clocks[0]).toMatchObject({ pausedSince: null, pauses: [{ from: snoozedAt, to: resumedAt }] });
  });

  it('keeps counting while snoozed when the policy does not pause', () => {
    const state = applySlaTiming({ state: created(), events: [] }, timingFor(created(), policy({ pauseWhileSnoozed: false })), CREATED, 'test').state;
    const snoozed = act(state, { type: 'snooze', until: later(CREATED, 600) }, later(CREATED, 10));
    expect(snoozed.transition.state.sla!.clocks.every((clock) => clock.pausedSince === null && clock.dueAt !== null)).toBe(true);
  });

  it('a close meets the resolution and cancels the response owed; a reopen starts a new resolution', () => {
    const closed = act(created(), { type: 'close' }, later(CREATED, 30));
    expect(closed.transition.events.filter((event) => event.type.startsWith('sla_')).map((event) => `${event.type}:${event.detail.clockId}`)).toEqual([
      'sla_cancelled:first_response:1',
      'sla_met:resolution:2',
    ]);
    expect(closed.transition.state.sla!.clocks).toEqual([]);
    const reopened = act(closed.transition.state, { type: 'reopen' }, later(CREATED, 40));
    expect(reopened.needsTiming).toBe(true);
    expect(reopened.transition.state.sla!.clocks.map((clock) => [clock.id, clock.startedAt])).toEqual([['resolution:3', later(CREATED, 40)]]);
  });

  it('a policy change re-times the clocks and records why; a policy without the target cancels it', () => {
    const state = created();
    const moved = applySlaTiming({ state, events: [] }, { ...timingFor(state, policy({ id: 'p-2', name: 'VIP' })), clocks: timingFor(state).clocks.map((clock) => ({ ...clock, dueAt: later(CREATED, 30) })) }, later(CREATED, 5), 'policies_changed');
    expect(moved.events.map((event) => event.type)).toEqual(['sla_applied']);
    expect(moved.events[0]!.detail).toMatchObject({ reason: 'policies_changed', policyId: 'p-2', previousPolicyId: 'p-1' });
    const none = applySlaTiming({ state, events: [] }, timingFor(state, null), later(CREATED, 5), 'tags_changed');
    expect(none.events.map((event) => event.type)).toEqual(['sla_cancelled', 'sla_cancelled', 'sla_applied']);
    expect(slaSummary(none.state)).toEqual({ policyId: null, dueAt: null, atRiskFrom: null, breachedAt: null });
    const same = applySlaTiming({ state, events: [] }, timingFor(state), later(CREATED, 5), 'policies_changed');
    expect(same.events).toEqual([]);
  });

  it('a tag or priority change asks for timing (another policy may match)', () => {
    expect(act(created(), { type: 'set_priority', priority: 'urgent' }, later(CREATED, 1)).needsTiming).toBe(true);
    expect(act(created(), { type: 'tag', add: ['vip'], remove: [] }, later(CREATED, 1)).needsTiming).toBe(true);
    expect(act(created(), { type: 'mark_read' }, later(CREATED, 1)).needsTiming).toBe(false);
  });

  it('an account without any policy is not asked again on a tag or priority change (the fan-out brings a new policy)', () => {
    const state = created();
    const withoutPolicies = applySlaTiming({ state, events: [] }, timingFor(state, null), CREATED, 'test').state;
    expect(withoutPolicies.sla!.anyPolicy).toBe(false);
    expect(act(withoutPolicies, { type: 'tag', add: ['vip'], remove: [] }, later(CREATED, 1)).needsTiming).toBe(false);
    expect(act(withoutPolicies, { type: 'set_priority', priority: 'urgent' }, later(CREATED, 1)).needsTiming).toBe(false);
  });

  it('escalations raise the priority (never lower it), reassign and tag, each event naming the alert', () => {
    const state = created();
    const alert = {
      kind: 'breach' as const,
      clock: state.sla!.clocks[0]!,
      escalations: [
        { type: 'raise_priority' as const, to: 'urgent' as const },
        { type: 'reassign' as const, userId: 'lead-1' },
        { type: 'add_tag' as const, tag: 'SLA Breached' },
        { type: 'notify' as const, assignee: true, userIds: [], channels: ['in_app' as const] },
      ],
    };
    const change = escalate(state, alert, later(CREATED, 60))!;
    expect(change.state).toMatchObject({ priority: 'urgent', assigneeId: 'lead-1', tags: ['sla breached'], version: state.version + 1 });
    expect(change.events.map((event) => [event.type, event.actorUserId, event.detail.escalation])).toEqual([
      ['priority_changed', null, 'sla_breach'],
      ['assigned', null, 'sla_breach'],
      ['tags_changed', null, 'sla_breach'],
    ]);
    expect(escalate({ ...state, priority: 'urgent' }, { ...alert, escalations: [{ type: 'raise_priority', to: 'high' }] }, later(CREATED, 60))).toBeNull();
  });
});
