import { defineQuery, defineSignal } from '@temporalio/workflow';

/**
 * A team's auto-assigner (issue 15 §3): one entity workflow per team, `team-assigner:<teamId>`, that hands the
 * team's waiting tickets, oldest first, to its available agents within their capacity.
 */
export interface TeamAssignerInput {
  accountId: string;
  teamId: string;
  /** Tickets waiting for an agent, oldest first, carried across continue-as-new. */
  waiting?: WaitingTicket[];
}

export interface WaitingTicket {
  ticketId: string;
  /** When the ticket started waiting (its creation): the queue's order. */
  since: string;
}

/** A ticket routed to the team needs an assignee (sent by the ticket's activity, with start). */
export const ticketNeedsAssigneeSignal = defineSignal<[WaitingTicket]>('ticketNeedsAssignee');
/** Something may have freed or added capacity: a ticket closed or changed hands, an agent's availability or capacity changed. */
export const teamCapacityChangedSignal = defineSignal('teamCapacityChanged');

export function teamAssignerWorkflowId(teamId: string): string {
  return `team-assigner:${teamId}`;
}

/** The actor the ticket's events name for an assignment the assigner made. */
export const AUTO_ASSIGNER_ACTOR = 'auto-assigner';

/** The team's waiting tickets, oldest first (GET /teams/:id/queue). */
export const teamQueueQuery = defineQuery<WaitingTicket[]>('teamQueue');

/** What became of the oldest waiting ticket when the assigner tried to hand it to an agent. */
export type AssignmentOutcome = { outcome: 'assigned'; userId: string } | { outcome: 'no_capacity' } | { outcome: 'not_waiting' };

export interface AssignNextWaitingTicketInput {
  accountId: string;
  teamId: string;
  ticket: WaitingTicket;
  /** The agent this run assigned last (round robin); null at the start of a run: the activity reads it from team_assignments. */
  lastAssignedUserId: string | null;
}
