import { addBusinessTime, ALWAYS_OPEN, businessTimeBetween, type BusinessCalendar } from '../calendars/business-calendar.js';
import { policyInForce, type SlaClock, type SlaPause, type SlaTiming, type SlaTimingRequest } from '../domain/sla-clock.js';
import { explainSlaPolicySelection, slaPoliciesUseProfile, targetMs, warnAfterMs, type SlaPolicy, type SlaProfileFacts } from '../domain/sla-policies.js';

/**
 * The deadlines of a ticket's SLA clocks (docs/service-levels.md, "The SLA clock"): which policy applies to
 * the ticket as it is, and, for each clock, the instants at which its warning and its target fall, counting
 * only open time of the target's calendar and leaving out the clock's pauses. Deterministic in its inputs (no
 * clock is read: `request.at` is the workflow's time), so what the activity answered is what history holds.
 *
 * A calendar the policy names but the account no longer has counts around the clock (the API refuses to
 * delete a calendar in use; this covers a race with that check).
 */
export function timeSlaClocks(
  request: SlaTimingRequest,
  policiesInOrder: readonly SlaPolicy[],
  calendars: ReadonlyMap<string, BusinessCalendar>,
  profile: SlaProfileFacts | null = null,
): SlaTiming {
  const facts = { channel: request.channel, priority: request.priority, tags: request.tags, profile };
  const { policy, verdicts } = explainSlaPolicySelection(policiesInOrder, facts);
  const skipped = verdicts.filter((verdict) => !verdict.matched).map((verdict) => `${verdict.name}: ${verdict.reasons.join('; ')}`);
  const inForce = policy ? policyInForce(policy) : null;
  const clocks = request.clocks.map((clock) => {
    const target = policy?.targets[clock.target];
    let { pauses, pausedSince } = clock;
    // Pausing is the policy's to decide: a ticket snoozed when a pausing policy comes into force pauses now, and a
    // clock paused under a policy that no longer pauses counts again from now.
    if (inForce?.pauseWhileSnoozed && request.snoozed && pausedSince === null) pausedSince = request.at;
    if (!(inForce?.pauseWhileSnoozed && request.snoozed) && pausedSince !== null) {
      pauses = [...pauses, { from: pausedSince, to: request.at }];
      pausedSince = null;
    }
    if (!target) return { id: clock.id, goal: null, pauses, pausedSince, warnAt: null, dueAt: null };
    const calendar = (target.calendarId && calendars.get(target.calendarId)) || ALWAYS_OPEN;
    const goal = { minutes: target.minutes, calendarId: target.calendarId };
    if (pausedSince !== null) return { id: clock.id, goal, pauses, pausedSince, warnAt: null, dueAt: null };
    const segments = countingSegments(clock.startedAt, pauses);
    return {
      id: clock.id,
      goal,
      pauses,
      pausedSince,
      warnAt: clock.warnedAt ? null : instantAfterCounting(calendar, segments, warnAfterMs(target, inForce!.warnAtPercent)),
      dueAt: instantAfterCounting(calendar, segments, targetMs(target)),
    };
  });
  return { policy: inForce, skipped, usesProfile: slaPoliciesUseProfile(policiesInOrder), anyPolicy: policiesInOrder.some((candidate) => candidate.enabled), clocks };
}

type Segment = { from: number; to: number | null };

/** The stretches of time a clock counts: from its start to its first pause, between pauses, and from the last one on. */
function countingSegments(startedAt: SlaClock['startedAt'], pauses: readonly SlaPause[]): Segment[] {
  const segments: Segment[] = [];
  let from = Date.parse(startedAt);
  for (const pause of [...pauses].sort((a, b) => Date.parse(a.from) - Date.parse(b.from))) {
    const pauseFrom = Math.max(from, Date.parse(pause.from));
    segments.push({ from, to: pauseFrom });
    from = Math.max(from, Date.parse(pause.to));
  }
  segments.push({ from, to: null });
  return segments;
}

/** The instant at which `durationMs` of the calendar's open time has been counted over the segments; null when it never opens. */
function instantAfterCounting(calendar: BusinessCalendar, segments: readonly Segment[], durationMs: number): string | null {
  let remaining = durationMs;
  for (const { from, to } of segments) {
    if (to === null) return addBusinessTime(calendar, new Date(from), remaining)?.toISOString() ?? null;
    const counted = businessTimeBetween(calendar, new Date(from), new Date(to));
    if (remaining < counted || (remaining === counted && remaining > 0)) return addBusinessTime(calendar, new Date(from), remaining)!.toISOString();
    remaining -= counted;
  }
  return null;
}
