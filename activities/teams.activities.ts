import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Channel } from '../libs/domain/channel-policy.js';
import { matchTeamRule, pickAgent, type AgentLoad, type AssignmentMode, type Availability, type TeamRoutingDecision, type TeamRuleConditions } from '../libs/domain/team-assignment.js';
import type { AgentAction } from '../libs/domain/ticket.js';
import { signalTeamCapacityChanged, signalTicketNeedsAssignee } from '../libs/teams/assigner-signals.js';
import { AUTO_ASSIGNER_ACTOR, type AssignmentOutcome, type AssignNextWaitingTicketInput } from '../libs/temporal/contracts/teams.js';
import { actionOutcomeQuery, AGENT_ACTION_REFUSED, agentActionUpdate, type ActionOutcome, type AgentActionRequest } from '../libs/temporal/contracts/ticket.js';
import type { ActivityDependencies } from './dependencies.js';

const HEARTBEAT_EVERY_MS = 1000;

function isRefusal(error: unknown): boolean {
  return error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && error.cause.type === AGENT_ACTION_REFUSED;
}

export function createTeamActivities({ config, orm, temporal }: ActivityDependencies) {

  return {
    /** The team a new ticket goes to: the first of the account's routing rules that matches it. Reads only. */
    async routeTicketToTeam(input: { accountId: string; ticketId: string; channel: Channel; tags: string[]; messageId: string }): Promise<TeamRoutingDecision> {
      const em = orm.em.fork();
      const rules = await em.execute<{ id: string; team_id: string; conditions: TeamRuleConditions }[]>(
        'SELECT id, team_id, conditions FROM team_routing_rules WHERE account_id = ? ORDER BY position, id',
        [input.accountId],
      );
      const [email] = input.channel === 'email'
        ? await em.execute<{ support_address: string | null }[]>('SELECT support_address FROM email_messages WHERE message_id = ? AND account_id = ?', [input.messageId, input.accountId])
        : [];
      return matchTeamRule(
        rules.map((rule) => ({ id: rule.id, teamId: rule.team_id, conditions: rule.conditions })),
        { channel: input.channel, tags: input.tags, supportAddress: email?.support_address ?? null },
      );
    },

    /** Puts an open, unassigned ticket in its team's queue (starting the team's assigner if it does not run). */
    async requestTeamAssignment(input: { accountId: string; teamId: string; ticketId: string; since: string }): Promise<void> {
      await signalTicketNeedsAssignee(temporal, config, input.accountId, input.teamId, { ticketId: input.ticketId, since: input.since });
    },

    /** A ticket of the team closed or changed hands: its assigner tries its queue again. */
    async notifyTeamCapacityChanged(input: { accountId: string; teamId: string }): Promise<void> {
      await signalTeamCapacityChanged(temporal, config, input.accountId, input.teamId);
    },

    /**
     * Hands the team's oldest waiting ticket to an agent. The update id is this activity's own (its run and
     * activity id), the same on every retry: a retry after the worker died mid-way joins the first attempt's
     * update and gets its answer, so the ticket is assigned once, to whoever the first attempt chose. The ticket
     * writes its projection before the update completes, so the next pick already counts this ticket.
     */
    async assignNextWaitingTicket(input: AssignNextWaitingTicketInput): Promise<AssignmentOutcome> {
      const em = orm.em.fork();
      const { workflowExecution, activityId } = Context.current().info;
      const assignmentId = `auto-assign:${input.teamId}:${input.ticket.ticketId}:${workflowExecution?.runId ?? 'standalone'}:${activityId}`;
      const handle = temporal.workflow.getHandle(input.ticket.ticketId);

      const [team] = await em.execute<{ assignment_mode: AssignmentMode; auto_assign: boolean }[]>(
        'SELECT assignment_mode, auto_assign FROM teams WHERE id = ? AND account_id = ?',
        [input.teamId, input.accountId],
      );
      if (!team) return { outcome: 'not_waiting' };

      const knownOutcome = async (): Promise<ActionOutcome | null | 'no_ticket'> => {
        try {
          return await handle.query(actionOutcomeQuery, assignmentId);
        } catch (error) {
          if (error instanceof WorkflowNotFoundError) return 'no_ticket';
          throw error;
        }
      };
      let known = await knownOutcome();
      if (known === 'no_ticket') return { outcome: 'not_waiting' };
      if (known === null) {
        // The ticket never took this update (yet), so whether it still waits is the projection's to say.
        const [ticket] = await em.execute<{ status: string; assignee_id: string | null }[]>(
          'SELECT status, assignee_id FROM tickets WHERE id = ? AND account_id = ?',
          [input.ticket.ticketId, input.accountId],
        );
        if (ticket && (ticket.status === 'closed' || ticket.assignee_id !== null)) {
          // A retry whose first attempt's update the ticket applied in the meantime reports that assignment.
          if (Context.current().info.attempt > 1) known = await knownOutcome();
          if (known === null || known === 'no_ticket') return { outcome: 'not_waiting' };
        } else if (!team.auto_assign) {
          return { outcome: 'no_capacity' };
        }
      }

      const agents = await em.execute<{ id: string; availability: Availability; capacity: number; open_tickets: number; last_assigned_at: Date | null }[]>(
        `SELECT u.id, u.availability, u.capacity,
                (SELECT count(*) FROM tickets t WHERE t.account_id = u.account_id AND t.assignee_id = u.id AND t.status <> 'closed')::int AS open_tickets,
                (SELECT max(a.assigned_at) FROM team_assignments a WHERE a.team_id = m.team_id AND a.user_id = u.id) AS last_assigned_at
         FROM team_members m JOIN users u ON u.id = m.user_id
         WHERE m.team_id = ? AND u.account_id = ? AND u.deactivated_at IS NULL AND u.role IN ('owner', 'admin', 'manager', 'support')
         ORDER BY m.position, u.id`,
        [input.teamId, input.accountId],
      );
      const loads: AgentLoad[] = agents.map((agent) => ({
        userId: agent.id,
        availability: agent.availability,
        capacity: agent.capacity,
        openTickets: agent.open_tickets,
        lastAssignedAt: agent.last_assigned_at ? new Date(agent.last_assigned_at).toISOString() : null,
      }));
      const lastAssignedUserId = input.lastAssignedUserId ?? (await lastAssignedByTeam());
      const chosen = pickAgent(team.assignment_mode, loads, lastAssignedUserId);
      // With the update already sent, its answer stands whoever would be picked now.
      if (chosen === null && known === null) return { outcome: 'no_capacity' };

      // ifUnassigned: the ticket refuses it when it already has an assignee or is closed.
      const action: AgentAction = { type: 'assign', assigneeId: chosen ?? AUTO_ASSIGNER_ACTOR, ifUnassigned: true };
      const request: AgentActionRequest = { action, actorUserId: AUTO_ASSIGNER_ACTOR };
      let assigneeId: string | null;
      // Heartbeats tell Temporal soon that a worker died while it waited; a worker shutting down cancels the wait.
      // Either way the retry joins this update by its id.
      const context = Context.current();
      const heartbeats = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
      try {
        const state = await Promise.race([handle.executeUpdate(agentActionUpdate, { args: [request], updateId: assignmentId }), context.cancelled]);
        assigneeId = state.assigneeId;
      } catch (error) {
        if (isRefusal(error) || error instanceof WorkflowNotFoundError) return { outcome: 'not_waiting' };
        throw error;
      } finally {
        clearInterval(heartbeats);
      }
      if (assigneeId === null) return { outcome: 'not_waiting' };
      await em.execute(
        `INSERT INTO team_assignments (assignment_id, team_id, ticket_id, user_id, assigned_at) VALUES (?, ?, ?, ?, now())
         ON CONFLICT (assignment_id) DO NOTHING`,
        [assignmentId, input.teamId, input.ticket.ticketId, assigneeId],
      );
      return { outcome: 'assigned', userId: assigneeId };

      async function lastAssignedByTeam(): Promise<string | null> {
        const [row] = await em.execute<{ user_id: string }[]>(
          'SELECT user_id FROM team_assignments WHERE team_id = ? ORDER BY assigned_at DESC, assignment_id DESC LIMIT 1',
          [input.teamId],
        );
        return row?.user_id ?? null;
      }
    },
  };
}
