import type { Client } from '@temporalio/client';
import type { AppConfig } from '../config/config.js';
import { teamCapacityChangedSignal, teamAssignerWorkflowId, ticketNeedsAssigneeSignal, type TeamAssignerInput, type WaitingTicket } from '../temporal/contracts/teams.js';
import { WORKFLOW_TYPES } from '../temporal/workflow-ids.js';

/**
 * Signals reach a team's assigner with start: Temporal accepts them durably even while no worker runs, and the
 * first one starts the team's workflow, so no ticket and no change of capacity is ever lost.
 */
export async function signalTicketNeedsAssignee(temporal: Client, config: AppConfig, accountId: string, teamId: string, ticket: WaitingTicket): Promise<void> {
  await temporal.workflow.signalWithStart(WORKFLOW_TYPES.teamAssigner, {
    workflowId: teamAssignerWorkflowId(teamId),
    taskQueue: config.temporal.taskQueue,
    args: [{ accountId, teamId } satisfies TeamAssignerInput],
    signal: ticketNeedsAssigneeSignal,
    signalArgs: [ticket],
  });
}

export async function signalTeamCapacityChanged(temporal: Client, config: AppConfig, accountId: string, teamId: string): Promise<void> {
  await temporal.workflow.signalWithStart(WORKFLOW_TYPES.teamAssigner, {
    workflowId: teamAssignerWorkflowId(teamId),
    taskQueue: config.temporal.taskQueue,
    args: [{ accountId, teamId } satisfies TeamAssignerInput],
    signal: teamCapacityChangedSignal,
    signalArgs: [],
  });
}
