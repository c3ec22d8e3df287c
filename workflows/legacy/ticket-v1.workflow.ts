import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import { ticketEndsWhenClosed } from '../../libs/domain/channel-policy.js';
import {
  applyAgentAction,
  expireSnooze,
  expiredRequestRefusal,
  msUntilSnoozeExpiry,
  newTicketState,
  receiveInboundMessage,
  ticketCreatedEvent,
  validateAgentAction,
  type TicketState,
  type Transition,
} from '../../libs/domain/ticket.js';
import {
  AGENT_ACTION_REFUSED,
  agentActionUpdate,
  inboundMessageSignal,
  ticketStateQuery,
  visitorActivitySignal,
  type AgentActionRequest,
  type InboundMessage,
  type TicketWorkflowInput,
  type TicketWorkflowResult,
} from '../../libs/temporal/contracts/ticket.js';
import { automateInboundSms } from './sms-automation.js';
import { webChatAutomation } from './web-chat-automation.js';

const activities = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Message and update ids remembered across continue-as-new to drop duplicates cheaply (the database is the final guard). */
const RECENT_IDS_KEPT = 200;

function remember(ids: string[], id: string): void {
  ids.push(id);
  ids.splice(0, Math.max(0, ids.length - RECENT_IDS_KEPT));
}

/**
 * Marks the first live iteration of a run recorded by this code: it hands over to the command loop
 * (continue-as-new) at the end of that iteration. Runs replayed from their history never see it.
 */
export const HAND_OVER_TO_COMMAND_LOOP_PATCH = 'ticket-v1-hand-over-to-command-loop';

/**
 * FROZEN: the ticket workflow as it ran before the command loop (workflows/ticket/), kept only so
 * that runs recorded with it replay, and so that such a run, once it is live again, hands over to
 * the command loop. Do not change what it does; a fix belongs in the command loop.
 *
 * One ticket, for its whole life. Inbound messages arrive as signals and queue up; agent actions
 * arrive as validated updates; the loop below works the queue, the snooze deadline and pending
 * deliveries, and hands over to a fresh run (continue-as-new) when the history grows long.
 */
export async function legacyTicketWorkflow(input: TicketWorkflowInput): Promise<TicketWorkflowResult> {
  const now = () => new Date().toISOString();
  let state: TicketState =
    input.carried?.state ?? newTicketState({ ticketId: input.ticketId, accountId: input.accountId, channel: input.channel, createdAt: now() });
  const pendingInbound: InboundMessage[] = [...(input.carried?.pendingInbound ?? [])];
  const pendingDeliveries: string[] = [...(input.carried?.pendingDeliveries ?? [])];
  const recentMessageIds: string[] = [...(input.carried?.recentMessageIds ?? [])];
  const recentUpdateIds: string[] = [...(input.carried?.recentUpdateIds ?? [])];
  const webChat = webChatAutomation({ channel: input.channel, carried: input.carried?.chatFollowUp });

  setHandler(ticketStateQuery, () => state);

  setHandler(inboundMessageSignal, (message) => {
    const known = recentMessageIds.includes(message.messageId) || pendingInbound.some((queued) => queued.messageId === message.messageId);
    if (!known) pendingInbound.push(message);
  });
  setHandler(visitorActivitySignal, (activity) => webChat.visitorActivity(activity));

  /**
   * State changes that await an activity run one at a time, so none works from a stale state.
   * Agent actions also wait for queued customer messages: they act on the ticket as it now is.
   */
  let busy = false;
  async function exclusively<T>(work: () => Promise<T>, options: { afterQueuedMessages?: boolean } = {}): Promise<T> {
    await condition(() => !busy && (!options.afterQueuedMessages || pendingInbound.length === 0));
    busy = true;
    try {
      return await work();
    } finally {
      busy = false;
    }
  }

  const refuseIfInvalid = ({ action, expiresAt }: AgentActionRequest) => {
    const refusal = expiredRequestRefusal(expiresAt, now()) ?? validateAgentAction(state, action, now());
    if (refusal) throw ApplicationFailure.nonRetryable(refusal, AGENT_ACTION_REFUSED);
  };

  setHandler(
    agentActionUpdate,
    (request) =>
      exclusively(async () => {
        const { action, actorUserId } = request;
        const updateId = currentUpdateInfo()?.id;
        if (updateId && recentUpdateIds.includes(updateId)) return state; // a retry that straddled continue-as-new
        refuseIfInvalid(request); // again: an earlier action may have changed the ticket since the validator ran
        const transition = applyAgentAction(state, action, actorUserId, now());
        state = transition.state;
        if (updateId) remember(recentUpdateIds, updateId);
        if (action.type === 'reply') {
          await activities.recordAgentReply({ projection: transition, messageId: action.messageId, body: action.body, authorUserId: actorUserId });
          pendingDeliveries.push(action.messageId);
          webChat.agentReplied(action.messageId);
        } else if (transition.events.length > 0) {
          await activities.projectTicket(transition);
        }
        if (action.type === 'mark_read') await activities.recordTicketRead({ ticketId: state.ticketId, userId: actorUserId, readAt: now() });
        return state;
      }, { afterQueuedMessages: true }),
    { validator: refuseIfInvalid },
  );

  async function handleInbound(message: InboundMessage): Promise<void> {
    const outcome = receiveInboundMessage(state, message, now());
    if (outcome.kind === 'start_new_ticket') {
      await activities.forwardToNewChatTicket(message);
      return;
    }
    const transition: Transition =
      state.version === 0 ? { ...outcome.transition, events: [ticketCreatedEvent(state), ...outcome.transition.events] } : outcome.transition;
    const { duplicate } = await activities.recordInboundMessage({ projection: transition, message });
    remember(recentMessageIds, message.messageId);
    if (duplicate) return;
    const previousInboundAt = state.lastInboundAt;
    state = transition.state;
    if (state.channel === 'sms') {
      const automation = await automateInboundSms({ state, message, previousInboundAt });
      state = automation.state;
      pendingDeliveries.push(...automation.deliveries);
    }
    if (state.channel === 'web_chat') {
      const automation = await webChat.afterInboundMessage({ state, message, startsConversation: transition.events[0]?.type === 'created' });
      state = automation.state;
      pendingDeliveries.push(...automation.deliveries);
    }
  }

  async function wakeIfSnoozeEnded(): Promise<void> {
    const expiry = expireSnooze(state, now());
    if (!expiry) return;
    const snoozedUntil = state.snoozedUntil!;
    state = expiry.state;
    await activities.projectTicket(expiry);
    if (state.assigneeId) {
      await activities.notifySnoozeExpired({
        notificationId: `${state.ticketId}:snooze-expired:${state.version}`,
        accountId: state.accountId,
        ticketId: state.ticketId,
        assigneeId: state.assigneeId,
        snoozedUntil,
      });
    }
  }

  const historyTooLong = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= input.historyEventLimit;

  for (;;) {
    const versionBeforeWait = state.version;
    const chatChangesBeforeWait = webChat.changes;
    const wait = () =>
      pendingInbound.length > 0 || pendingDeliveries.length > 0 || state.version !== versionBeforeWait || webChat.changes !== chatChangesBeforeWait || historyTooLong();
    const deadlines = [msUntilSnoozeExpiry(state, now()), webChat.msUntilFollowUpDue()].filter((ms) => ms !== undefined);
    if (deadlines.length === 0) await condition(wait);
    else await condition(wait, Math.min(...deadlines));

    while (pendingInbound.length > 0) await exclusively(() => handleInbound(pendingInbound.shift()!));
    await exclusively(wakeIfSnoozeEnded);
    await exclusively(async () => {
      state = await webChat.followUpIfDue(state);
    });
    while (pendingDeliveries.length > 0) {
      await activities.deliverOutboundMessage({ messageId: pendingDeliveries[0]! });
      pendingDeliveries.shift();
    }

    if (state.status === 'closed' && ticketEndsWhenClosed(state.channel) && !webChat.followUpPending()) {
      await condition(allHandlersFinished);
      if (pendingInbound.length === 0 && pendingDeliveries.length === 0) return { ticketId: state.ticketId, closedAt: state.closedAt };
    } else if (historyTooLong() || patched(HAND_OVER_TO_COMMAND_LOOP_PATCH)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof legacyTicketWorkflow>({ ...input, carried: { state, pendingInbound, pendingDeliveries, recentMessageIds, recentUpdateIds, chatFollowUp: webChat.carried() } });
    }
  }
}
