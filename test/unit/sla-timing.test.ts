import { describe, expect, it } from '@jest/globals';
import { toCalendarLocalIso, type BusinessCalendar } from '../../libs/calendars/business-calendar.js';
import type { SlaTimingRequest } from '../../libs/domain/sla-clock.js';
import type { SlaPolicy } from '../../libs/domain/sla-policies.js';
import { timeSlaClocks } from '../../libs/sla/sla-timing.js';

const paris: BusinessCalendar = {
  timeZone: 'Europe/Paris',
  weekly: [1, 2, 3, 4, 5].map((day) => ({ day: day as 1, windows: [{ opens: '09:00', closes: '18:00' }] })),
  holidays: [{ date: '2026-04-06', name: 'Easter Monday', closed: true }],
};
const calendars = new Map([['cal-paris', paris]]);

const policy = (overrides: Partial<SlaPolicy> = {}): SlaPolicy => ({
  id: 'p-1',
  name: 'Business hours',
  enabled: true,
  conditions: {},
  targets: { first_response: { minutes: 60, calendarId: 'cal-paris' }, resolution: { minutes: 24 * 60, calendarId: null } },
  pauseWhileSnoozed: true,
  warnAtPercent: 80,
  onWarning: [],
  onBreach: [],
  ...overrides,
});

const request = (startedAt: string, overrides: Partial<SlaTimingRequest> = {}): SlaTimingRequest => ({
  accountId: 'a-1',
  ticketId: 't-1',
  channel: 'email',
  priority: 'normal',
  tags: [],
  profileId: null,
  snoozed: false,
  at: startedAt,
  clocks: [
    { id: 'first_response:1', target: 'first_response', startedAt, pauses: [], pausedSince: null, warnedAt: null, breachedAt: null },
    { id: 'resolution:2', target: 'resolution', startedAt, pauses: [], pausedSince: null, warnedAt: null, breachedAt: null },
    { id: 'next_response:3', target: 'next_response', startedAt, pauses: [], pausedSince: null, warnedAt: null, breachedAt: null },
  ],
  ...overrides,
});

const local = (iso: string | null) => (iso === null ? null : toCalendarLocalIso(paris, new Date(iso)));

describe('timing the SLA clocks', () => {
  it('Friday 17:55 in Paris, 1 hour in business hours: warns Monday 9:43, due Monday 9:55; the resolution counts around the clock', () => {
    const timing = timeSlaClocks(request('2026-12-11T16:55:00.000Z'), [policy()], calendars);
    expect(timing.policy?.id).toBe('p-1');
    const [first, resolution, next] = timing.clocks;
    expect([local(first!.warnAt), local(first!.dueAt)]).toEqual(['2026-12-14T09:43:00.000+01:00', '2026-12-14T09:55:00.000+01:00']);
    expect(resolution!.dueAt).toBe('2026-12-12T16:55:00.000Z');
    expect(next).toEqual({ id: 'next_response:3', goal: null, pauses: [], pausedSince: null, warnAt: null, dueAt: null });
  });

  it('across the change to summer time and across a holiday', () => {
    const dst = timeSlaClocks(request('2026-03-27T16:55:00.000Z'), [policy()], calendars).clocks[0]!;
    expect([dst.warnAt, dst.dueAt]).toEqual(['2026-03-30T07:43:00.000Z', '2026-03-30T07:55:00.000Z']);
    const easter = timeSlaClocks(request('2026-04-03T15:55:00.000Z'), [policy()], calendars).clocks[0]!;
    expect([local(easter.warnAt), local(easter.dueAt)]).toEqual(['2026-04-07T09:43:00.000+02:00', '2026-04-07T09:55:00.000+02:00']);
  });

  it('leaves paused time out: 20 minutes counted before a snooze, 40 after it ends', () => {
    // Monday 10:00–10:20 counted, snoozed until 15:00, then 40 more minutes: due 15:40, warning at 48 min = 15:28.
    const clock = { id: 'first_response:1', target: 'first_response' as const, startedAt: '2026-12-14T09:00:00.000Z', pauses: [{ from: '2026-12-14T09:20:00.000Z', to: '2026-12-14T14:00:00.000Z' }], pausedSince: null, warnedAt: null, breachedAt: null };
    const [timed] = timeSlaClocks({ ...request('2026-12-14T09:00:00.000Z'), at: '2026-12-14T14:00:00.000Z', clocks: [clock] }, [policy()], calendars).clocks;
    expect([local(timed!.warnAt), local(timed!.dueAt)]).toEqual(['2026-12-14T15:28:00.000+01:00', '2026-12-14T15:40:00.000+01:00']);
  });

  it('a snoozed ticket under a pausing policy has no deadline; under one that does not pause, the pause ends now', () => {
    const clock = { id: 'first_response:1', target: 'first_response' as const, startedAt: '2026-12-14T09:00:00.000Z', pauses: [], pausedSince: '2026-12-14T09:20:00.000Z', warnedAt: null, breachedAt: null };
    const paused = timeSlaClocks({ ...request('2026-12-14T09:00:00.000Z'), snoozed: true, at: '2026-12-14T10:00:00.000Z', clocks: [clock] }, [policy()], calendars).clocks[0]!;
    expect(paused).toMatchObject({ pausedSince: '2026-12-14T09:20:00.000Z', warnAt: null, dueAt: null, goal: { minutes: 60 } });
    const counting = timeSlaClocks({ ...request('2026-12-14T09:00:00.000Z'), snoozed: true, at: '2026-12-14T10:00:00.000Z', clocks: [clock] }, [policy({ pauseWhileSnoozed: false })], calendars).clocks[0]!;
    expect(counting).toMatchObject({ pausedSince: null, pauses: [{ from: '2026-12-14T09:20:00.000Z', to: '2026-12-14T10:00:00.000Z' }] });
    expect(local(counting.dueAt)).toBe('2026-12-14T11:40:00.000+01:00');
  });

  it('a target already used up falls where it ran out, so the breach is recorded at once and dated right', () => {
    const clock = { id: 'first_response:1', target: 'first_response' as const, startedAt: '2026-12-14T09:00:00.000Z', pauses: [{ from: '2026-12-14T09:50:00.000Z', to: '2026-12-14T13:00:00.000Z' }], pausedSince: null, warnedAt: null, breachedAt: null };
    const shorter = policy({ targets: { first_response: { minutes: 30, calendarId: 'cal-paris' } } });
    const timed = timeSlaClocks({ ...request('2026-12-14T09:00:00.000Z'), at: '2026-12-14T13:00:00.000Z', clocks: [clock] }, [shorter], calendars).clocks[0]!;
    expect([timed.warnAt, timed.dueAt]).toEqual(['2026-12-14T09:24:00.000Z', '2026-12-14T09:30:00.000Z']);
  });

  it('picks the first enabled policy that matches, and says why the others did not', () => {
    const vip = policy({ id: 'p-vip', name: 'VIP', conditions: { tagsAny: ['vip'] }, targets: { first_response: { minutes: 15, calendarId: null } } });
    const off = policy({ id: 'p-off', name: 'Off', enabled: false });
    const timing = timeSlaClocks(request('2026-12-14T09:00:00.000Z'), [off, vip, policy()], calendars);
    expect(timing.policy?.id).toBe('p-1');
    expect(timing.skipped).toEqual(['Off: disabled', 'VIP: the ticket has none of the tags vip']);
    const tagged = timeSlaClocks(request('2026-12-14T09:00:00.000Z', { tags: ['vip'] }), [off, vip, policy()], calendars);
    expect(tagged.policy?.id).toBe('p-vip');
    expect(tagged.clocks[0]!.dueAt).toBe('2026-12-14T09:15:00.000Z');
    expect(tagged.clocks[1]!.goal).toBeNull();
  });

  it('a warned clock asks for no second warning', () => {
    const clock = { id: 'first_response:1', target: 'first_response' as const, startedAt: '2026-12-14T09:00:00.000Z', pauses: [], pausedSince: null, warnedAt: '2026-12-14T09:48:00.000Z', breachedAt: null };
    expect(timeSlaClocks({ ...request('2026-12-14T09:00:00.000Z'), clocks: [clock] }, [policy()], calendars).clocks[0]!.warnAt).toBeNull();
  });

  it('matches on the customer profile: orders, amount spent, churn risk; no profile matches no profile condition', () => {
    const vip = policy({ id: 'p-vip', name: 'Loyal', conditions: { profile: { minOrders: 3, minLifetimeValue: 500 } }, targets: { first_response: { minutes: 15, calendarId: null } } });
    const atRisk = policy({ id: 'p-churn', name: 'Churning', conditions: { profile: { minChurnRiskPercent: 60 } }, targets: { first_response: { minutes: 20, calendarId: null } } });
    const policies = [vip, atRisk, policy()];
    const timed = (profile: Parameters<typeof timeSlaClocks>[3]) => timeSlaClocks(request('2026-12-14T09:00:00.000Z'), policies, calendars, profile);
    expect(timed({ orders: 4, lifetimeValue: 620, churnRiskPercent: 10 }).policy?.id).toBe('p-vip');
    const churning = timed({ orders: 4, lifetimeValue: 120, churnRiskPercent: 75 });
    expect(churning.policy?.id).toBe('p-churn');
    expect(churning.skipped).toEqual(['Loyal: the customer spent 120, less than 500']);
    const none = timed(null);
    expect(none.policy?.id).toBe('p-1');
    expect(none.skipped).toEqual(['Loyal: the ticket has no customer profile', 'Churning: the ticket has no customer profile']);
    expect(timed({ orders: 0, lifetimeValue: 0, churnRiskPercent: null }).skipped[1]).toBe('Churning: the customer has no churn risk score yet');
    expect(none.usesProfile).toBe(true);
    expect(timeSlaClocks(request('2026-12-14T09:00:00.000Z'), [policy()], calendars).usesProfile).toBe(false);
  });
});
