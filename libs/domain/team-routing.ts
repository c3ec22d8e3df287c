import type { TicketState, Transition } from './ticket.js';

/**
 * The ticket's side of teams (docs/teams.md). Pure: the ticket workflow records which team the routing rules
 * chose (an activity decides, from the rules as they are), and tells the team's assigner when the ticket needs
 * an agent or when an agent's load changed. The assigner itself is workflows/team-assigner.workflow.ts.
 */
export interface TeamRouting {
  teamId: string | null;
  ruleId: string | null;
  reason: string;
}

export function teamRoutedTransition(state: TicketState, routing: TeamRouting, now: string): Transition {
  const next: TicketState = { ...state, teamId: routing.teamId, updatedAt: now, version: state.version + 1 };
  return { state: next, events: [{ type: 'team_routed', at: now, actorUserId: null, detail: { teamId: routing.teamId, ruleId: routing.ruleId, reason: routing.reason } }] };
}

/**
 * What the team's assigner must hear after the ticket went from `previous` to `next`:
 * - `needsAssignee`: the ticket of a team is open and unassigned, and was not a moment ago (new, reopened, unassigned);
 * - `capacityChanged`: an agent holds one ticket fewer (it closed, or went to someone else or to nobody).
 */
export function teamFollowUps(previous: TicketState, next: TicketState): { needsAssignee: boolean; capacityChanged: boolean } {
  const teamId = next.teamId ?? null;
  if (teamId === null) return { needsAssignee: false, capacityChanged: false };
  const waiting = (state: TicketState) => state.status !== 'closed' && state.assigneeId === null && (state.teamId ?? null) === teamId;
  const needsAssignee = waiting(next) && !waiting(previous);
  const capacityChanged = previous.assigneeId !== null && (next.assigneeId !== previous.assigneeId || (previous.status !== 'closed' && next.status === 'closed'));
  return { needsAssignee, capacityChanged };
}
