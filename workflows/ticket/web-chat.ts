import type { TicketState, Transition } from '../../libs/domain/ticket.js';
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
import type { InboundMessage, SideTask } from '../../libs/temporal/contracts/ticket.js';
import { storage } from './activities.js';

/**
 * The web-chat side of a ticket (SPEC §7): the auto-response of a new conversation and the offline
 * follow-up. Rules are in libs/domain/web-chat.ts; office hours are computed by an activity at the
 * workflow's own time, so the decision and its facts are in the history. Inert for other channels.
 */
export class WebChat {
  private followUp: ChatFollowUpState;

  constructor(
    private readonly enabled: boolean,
    carried: ChatFollowUpState | undefined,
  ) {
    this.followUp = carried ?? newChatFollowUpState();
  }

  carried(): ChatFollowUpState | undefined {
    return this.enabled ? this.followUp : undefined;
  }

  visitorActivity(activity: VisitorActivity, now: string): void {
    if (this.enabled) this.followUp = visitorActivityReceived(this.followUp, activity, now);
  }

  agentReplied(messageId: string, now: string): void {
    if (this.enabled) this.followUp = agentRepliedInChat(this.followUp, messageId, now);
  }

  /** After a visitor's message is stored: they are here; the conversation's first message gets the auto-response. */
  async afterInboundMessage(state: TicketState, message: InboundMessage, startsConversation: boolean, now: () => string): Promise<{ state: TicketState; deliveries: string[] }> {
    if (!this.enabled) return { state, deliveries: [] };
    this.followUp = visitorMessaged(this.followUp, { senderEmail: message.sender.email }, now());
    if (!startsConversation) return { state, deliveries: [] };
    const at = now();
    const facts = await storage.loadOfficeHoursFacts({ accountId: state.accountId, at });
    const decision = { online: facts.online, reason: chatAutoResponseReason(facts), text: chooseChatAutoResponse(facts) };
    const transition = chatAutoResponseTransition(state, { inboundMessageId: message.messageId, decision, facts }, at);
    const messageId = transition.events[0]!.detail['messageId'] as string | null;
    await storage.recordChatAutoResponse({ projection: transition, autoResponse: messageId && decision.text ? { messageId, body: decision.text } : null });
    return { state: transition.state, deliveries: messageId ? [messageId] : [] };
  }

  msUntilFollowUpDue(now: string): number | undefined {
    return this.enabled ? msUntilFollowUpDue(this.followUp, now) : undefined;
  }

  followUpPending(): boolean {
    return this.enabled && followUpDueAt(this.followUp) !== null;
  }

  followUpDue(now: string): boolean {
    return this.enabled && decideFollowUp(this.followUp, now).due;
  }

  /** The follow-up decision once due: the transition that records it, and the email to send, if any. */
  decideFollowUp(state: TicketState, now: string): { transition: Transition; email: SideTask | null } | null {
    if (!this.enabled) return null;
    const decision = decideFollowUp(this.followUp, now);
    if (!decision.due) return null;
    const transition = followUpTransition(state, decision, visitorOfflineSince(this.followUp), now);
    this.followUp = followUpDone(this.followUp, decision);
    const email: SideTask | null = decision.send
      ? { kind: 'chat_follow_up_email', followUpId: followUpId(state.ticketId, decision.replyIds), ticketId: state.ticketId, accountId: state.accountId, replyIds: decision.replyIds }
      : null;
    return { transition, email };
  }
}
