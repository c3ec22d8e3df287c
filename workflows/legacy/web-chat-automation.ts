import { patched, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import type { TicketState } from '../../libs/domain/ticket.js';
import {
  agentRepliedInChat,
  chatAutoResponseReason,
  chatAutoResponseTransition,
  chooseChatAutoResponse,
  decideFollowUp,
  followUpDone,
  followUpDueAt,
  followUpId,
  followUpTransition,
  msUntilFollowUpDue,
  newChatFollowUpState,
  visitorActivityReceived,
  visitorMessaged,
  visitorOfflineSince,
  type ChatFollowUpState,
  type VisitorActivity,
} from '../../libs/domain/web-chat.js';
import type { InboundMessage } from '../../libs/temporal/contracts/ticket.js';

const activities = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Chat tickets recorded before web-chat automation existed replay without it. */
const WEB_CHAT_AUTOMATION_PATCH = 'web-chat-automation';

/**
 * The web-chat side of a ticket workflow (SPEC §7): the auto-response of a new conversation and the
 * offline follow-up timer. Rules live in libs/domain/web-chat.ts; office hours are computed by an
 * activity at the workflow's own time, so the decision and its reason are in the history.
 * For other channels (and old chat histories) every method is a no-op.
 */
export function webChatAutomation(input: { channel: string; carried?: ChatFollowUpState }) {
  const enabled = input.channel === 'web_chat' && patched(WEB_CHAT_AUTOMATION_PATCH);
  let followUp: ChatFollowUpState = input.carried ?? newChatFollowUpState();
  /** Grows with every change of the follow-up state, so the ticket loop wakes to recompute its deadline. */
  let changes = 0;
  const now = () => new Date().toISOString();
  const update = (next: ChatFollowUpState) => {
    followUp = next;
    changes += 1;
  };

  return {
    get changes() {
      return changes;
    },
    carried: (): ChatFollowUpState | undefined => (enabled ? followUp : undefined),

    visitorActivity(activity: VisitorActivity): void {
      if (enabled) update(visitorActivityReceived(followUp, activity, now()));
    },

    agentReplied(messageId: string): void {
      if (enabled) update(agentRepliedInChat(followUp, messageId, now()));
    },

    /** After a visitor's message is stored; the conversation's first message gets the auto-response. */
    async afterInboundMessage(args: { state: TicketState; message: InboundMessage; startsConversation: boolean }): Promise<{ state: TicketState; deliveries: string[] }> {
      if (!enabled) return { state: args.state, deliveries: [] };
      update(visitorMessaged(followUp, { senderEmail: args.message.sender.email }, now()));
      if (!args.startsConversation) return { state: args.state, deliveries: [] };
      const at = now();
      const facts = await activities.loadOfficeHoursFacts({ accountId: args.state.accountId, at });
      const decision = {
        online: facts.online,
        reason: chatAutoResponseReason(facts),
        text: chooseChatAutoResponse({ online: facts.online, onlineText: facts.onlineText, offlineText: facts.offlineText }),
      };
      const transition = chatAutoResponseTransition(args.state, { inboundMessageId: args.message.messageId, decision, facts }, at);
      const messageId = transition.events[0]!.detail['messageId'] as string | null;
      await activities.recordChatAutoResponse({ projection: transition, autoResponse: messageId && decision.text ? { messageId, body: decision.text } : null });
      return { state: transition.state, deliveries: messageId ? [messageId] : [] };
    },

    msUntilFollowUpDue: (): number | undefined => (enabled ? msUntilFollowUpDue(followUp, now()) : undefined),
    followUpPending: (): boolean => enabled && followUpDueAt(followUp) !== null,

    /** Sends the follow-up (or records why not) once it is due; returns the ticket's new state. */
    async followUpIfDue(state: TicketState): Promise<TicketState> {
      if (!enabled) return state;
      const at = now();
      const decision = decideFollowUp(followUp, at);
      if (!decision.due) return state;
      const transition = followUpTransition(state, decision, visitorOfflineSince(followUp), at);
      await activities.sendChatFollowUp({
        projection: transition,
        followUpId: followUpId(state.ticketId, decision.replyIds),
        replyIds: decision.replyIds,
        send: decision.send,
      });
      update(followUpDone(followUp, decision));
      return transition.state;
    },
  };
}
