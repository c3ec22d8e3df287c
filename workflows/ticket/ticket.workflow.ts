import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { ticketEndsWhenClosed } from '../../libs/domain/channel-policy.js';
import { expiredRequestRefusal, newTicketState, replyCollision, validateAgentAction } from '../../libs/domain/ticket.js';
import {
  AGENT_ACTION_CONFLICT,
  AGENT_ACTION_EXPIRED,
  AGENT_ACTION_REFUSED,
  actionOutcomeQuery,
  agentActionUpdate,
  inboundMessageSignal,
  orderOperationSignal,
  slaSettingsChangedSignal,
  ticketStateQuery,
  visitorActivitySignal,
  type AgentActionRequest,
  type CarriedCommand,
  type SettledActionOutcome,
  type TicketWorkflowInput,
  type TicketWorkflowResult,
} from '../../libs/temporal/contracts/ticket.js';
import { legacyTicketWorkflow } from '../legacy/ticket-v1.workflow.js';
import { ActionOutcomes } from './action-outcomes.js';
import { SideTasks } from './side-tasks.js';
import { TicketCommands } from './ticket-commands.js';
import { WebChat } from './web-chat.js';

/** Runs recorded before the command loop replay the frozen code they were recorded with (docs/architecture.md, "Versioning"). */
export const COMMAND_LOOP_PATCH = 'ticket-command-loop';
/** Web chats close when idle from this patch on; a run recorded before it never started that timer. */
export const CHAT_IDLE_CLOSE_PATCH = 'web-chat-idle-close';
/** The SLA clock runs from this patch on (docs/service-levels.md); a run recorded before it never timed a target. */
export const SLA_CLOCK_PATCH = 'sla-clock';
/** A close by an agent sends the satisfaction survey from this patch on (docs/csat.md). */
export const CSAT_SURVEY_PATCH = 'csat-survey';
/** New tickets go to teams by the routing rules, and tell the team's assigner, from this patch on (docs/teams.md). */
export const TEAM_ROUTING_PATCH = 'team-routing';

type Command = CarriedCommand | { kind: 'action'; actionId: string; request: AgentActionRequest };

/**
 * One ticket, for its whole life, as one command loop.
 *
 * Signals and updates only check and enqueue a command; an update then waits for the outcome of its
 * own command. The loop applies commands strictly in order, one at a time (TicketCommands), works the
 * ticket's deadlines between them, and hands over to a fresh run when the history grows long.
 * Deliveries, forwarding and notifications run beside it (SideTasks), so they never hold it up.
 */
export async function ticketWorkflow(input: TicketWorkflowInput): Promise<TicketWorkflowResult> {
  if (!patched(COMMAND_LOOP_PATCH)) return legacyTicketWorkflow(input);

  const now = () => new Date().toISOString();
  const carried = input.carried;
  const queue: Command[] = [...(carried?.pendingCommands ?? []), ...(carried?.pendingInbound ?? []).map((message) => ({ kind: 'inbound' as const, message }))];
  const outcomes = new ActionOutcomes(carried?.actionOutcomes ?? []);
  // A run before the command loop kept only the ids of applied actions: a retry of one is answered with the ticket as carried.
  for (const actionId of carried?.recentUpdateIds ?? []) outcomes.record(actionId, { status: 'applied', ticket: carried!.state });
  const sideTasks = new SideTasks({ deliveryFailed: (messageId, reason) => queue.push({ kind: 'delivery_failed', messageId, reason }) });
  const chat = new WebChat(input.channel === 'web_chat', carried?.chatFollowUp);
  const initialState = carried?.state ?? newTicketState({ ticketId: input.ticketId, accountId: input.accountId, channel: input.channel, createdAt: now() });
  const closesIdleChats = input.channel === 'web_chat' && patched(CHAT_IDLE_CLOSE_PATCH);
  const features = { closesIdleChats, keepsSlaClock: patched(SLA_CLOCK_PATCH), surveysAfterClose: patched(CSAT_SURVEY_PATCH), routesToTeams: patched(TEAM_ROUTING_PATCH) };
  const ticket = new TicketCommands(initialState, carried?.recentMessageIds ?? [], sideTasks, chat, now, features);
  for (const messageId of carried?.pendingDeliveries ?? []) sideTasks.start({ kind: 'delivery', messageId }, { handedOver: true });
  for (const task of carried?.sideTasks ?? []) sideTasks.start(task, { handedOver: true });
  let applyingActionId: string | null = null;

  setHandler(ticketStateQuery, () => ticket.state);
  setHandler(actionOutcomeQuery, (actionId) => {
    const queued = applyingActionId === actionId || queue.some((command) => command.kind === 'action' && command.actionId === actionId);
    return outcomes.get(actionId) ?? (queued ? { status: 'pending' } : null);
  });
  setHandler(inboundMessageSignal, (message) => {
    const queued = queue.some((command) => command.kind === 'inbound' && command.message.messageId === message.messageId);
    if (!queued && !ticket.knowsMessage(message.messageId)) queue.push({ kind: 'inbound', message });
  });
  setHandler(visitorActivitySignal, (activity) => {
    queue.push({ kind: 'visitor_activity', activity });
  });
  setHandler(orderOperationSignal, (outcome) => {
    queue.push({ kind: 'order_operation', outcome });
  });
  setHandler(slaSettingsChangedSignal, () => {
    if (!queue.some((command) => command.kind === 'sla_replan')) queue.push({ kind: 'sla_replan' });
  });
  setHandler(
    agentActionUpdate,
    async (request) => {
      const actionId = currentUpdateInfo()!.id;
      if (!outcomes.has(actionId)) {
        queue.push({ kind: 'action', actionId, request });
        await condition(() => outcomes.has(actionId));
      }
      return settle(outcomes.get(actionId)!);
    },
    {
      validator: (request) => {
        if (outcomes.has(currentUpdateInfo()!.id)) return; // a retry from an earlier run: it gets that run's outcome
        const expired = expiredRequestRefusal(request.expiresAt, now());
        if (expired) throw ApplicationFailure.nonRetryable(expired, AGENT_ACTION_EXPIRED);
        const refusal = validateAgentAction(ticket.state, request.action, now());
        if (refusal) throw ApplicationFailure.nonRetryable(refusal, AGENT_ACTION_REFUSED);
        const collision = replyCollision(ticket.state, request.action, request.actorUserId);
        if (collision) throw ApplicationFailure.nonRetryable(collision.message, AGENT_ACTION_CONFLICT, collision.changes);
      },
    },
  );

  async function apply(command: Command): Promise<void> {
    switch (command.kind) {
      case 'inbound':
        return ticket.receiveInbound(command.message);
      case 'visitor_activity':
        return ticket.visitorActivity(command.activity);
      case 'delivery_failed':
        return ticket.deliveryFailed(command.messageId, command.reason);
      case 'order_operation':
        return ticket.recordOrderOperation(command.outcome);
      case 'sla_replan':
        return ticket.replanSla();
      case 'action':
        applyingActionId = command.actionId;
        outcomes.record(command.actionId, await ticket.applyAction(command.request));
        applyingActionId = null;
    }
  }

  const historyEvents = () => workflowInfo().historyLength;
  const historyTooLong = () => workflowInfo().continueAsNewSuggested || historyEvents() >= input.historyEventLimit;
  /** Side tasks are carried to the next run, but a run rather waits for them while its history still has room. */
  const readyToHandOver = () =>
    historyTooLong() &&
    !queue.some((command) => command.kind === 'action') &&
    allHandlersFinished() &&
    (sideTasks.idle || historyEvents() >= 2 * input.historyEventLimit);
  const finished = () =>
    ticket.state.status === 'closed' && ticketEndsWhenClosed(ticket.state.channel) && !chat.followUpPending() && queue.length === 0 && sideTasks.idle && allHandlersFinished();

  for (;;) {
    if (queue.length === 0 && !ticket.deadlineDue()) {
      const woken = () => queue.length > 0 || readyToHandOver() || finished();
      const wait = ticket.msUntilNextDeadline();
      if (wait === undefined) await condition(woken);
      else await condition(woken, wait);
    }
    if (readyToHandOver()) {
      const { deliveries, others } = sideTasks.carried();
      await continueAsNew<typeof ticketWorkflow>({
        ...input,
        carried: {
          state: ticket.state,
          pendingInbound: [],
          pendingCommands: queue.filter((command): command is CarriedCommand => command.kind !== 'action'),
          pendingDeliveries: deliveries,
          sideTasks: others,
          recentMessageIds: ticket.recentMessageIds,
          actionOutcomes: outcomes.carried(),
          chatFollowUp: chat.carried(),
        },
      });
    }
    if (ticket.deadlineDue()) {
      await ticket.applyDueDeadlines();
      continue;
    }
    const command = queue.shift();
    if (command) await apply(command);
    else if (finished()) return { ticketId: ticket.state.ticketId, closedAt: ticket.state.closedAt };
  }
}

function settle(outcome: SettledActionOutcome) {
  if (outcome.status === 'refused' && outcome.changes) throw ApplicationFailure.nonRetryable(outcome.reason, AGENT_ACTION_CONFLICT, outcome.changes);
  if (outcome.status === 'refused') throw ApplicationFailure.nonRetryable(outcome.reason, AGENT_ACTION_REFUSED);
  return outcome.ticket;
}
