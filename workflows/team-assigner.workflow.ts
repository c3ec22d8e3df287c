import { allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import {
  teamCapacityChangedSignal,
  teamQueueQuery,
  ticketNeedsAssigneeSignal,
  type AssignmentOutcome,
  type TeamAssignerInput,
  type WaitingTicket,
} from '../libs/temporal/contracts/teams.js';

const { assignNextWaitingTicket } = proxyActivities<Activities>({
  // It waits for the ticket to apply the assignment; the ticket answers in well under a second when its worker runs.
  startToCloseTimeout: '30 seconds',
  // The activity heartbeats while the ticket applies the assignment: a dead worker's attempt is retried soon.
  heartbeatTimeout: '5 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** History length at which a run hands its queue to a fresh one even if the server has not suggested it. */
export const TEAM_ASSIGNER_HISTORY_LIMIT = 5000;

/**
 * A team's auto-assigner (docs/teams.md): one entity workflow per team holding the tickets waiting for an agent,
 * oldest first. One assignment at a time, by one activity that picks an agent and asks the ticket to take them
 * (only if it still has no assignee), so two tickets never race for the last free place and one ticket is never
 * handed out twice. When every agent is full it waits for a signal that capacity changed.
 */
export async function teamAssignerWorkflow(input: TeamAssignerInput): Promise<void> {
  const waiting: WaitingTicket[] = [];
  const enqueue = (ticket: WaitingTicket) => {
    if (waiting.some((queued) => queued.ticketId === ticket.ticketId)) return;
    const at = waiting.findIndex((queued) => queued.since > ticket.since || (queued.since === ticket.since && queued.ticketId > ticket.ticketId));
    waiting.splice(at === -1 ? waiting.length : at, 0, ticket);
  };
  for (const ticket of input.waiting ?? []) enqueue(ticket);
  const drop = (ticketId: string) => {
    const at = waiting.findIndex((queued) => queued.ticketId === ticketId);
    if (at !== -1) waiting.splice(at, 1);
  };

  /** The last attempt found nobody free: wait for capacity to change before trying again. */
  let full = false;
  let capacityChanged = false;
  let lastAssignedUserId: string | null = null;

  setHandler(ticketNeedsAssigneeSignal, enqueue);
  setHandler(teamCapacityChangedSignal, () => {
    capacityChanged = true;
  });
  setHandler(teamQueueQuery, () => [...waiting]);

  const historyTooLong = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= TEAM_ASSIGNER_HISTORY_LIMIT;

  for (;;) {
    await condition(() => (waiting.length > 0 && (!full || capacityChanged)) || historyTooLong());
    // No activity is in flight here: the queue is all the next run needs.
    if (historyTooLong()) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof teamAssignerWorkflow>({ accountId: input.accountId, teamId: input.teamId, waiting });
    }
    // A change of capacity that arrives while the activity runs is kept for the next round.
    capacityChanged = false;
    const ticket = waiting[0]!;
    const result: AssignmentOutcome = await assignNextWaitingTicket({ accountId: input.accountId, teamId: input.teamId, ticket, lastAssignedUserId });
    full = result.outcome === 'no_capacity';
    if (result.outcome === 'assigned') lastAssignedUserId = result.userId;
    if (result.outcome !== 'no_capacity') drop(ticket.ticketId);
  }
}
