import { ActivityFailure, ApplicationFailure, log } from '@temporalio/workflow';
import { attributeInboundSms } from '../../libs/domain/attribution.js';
import { decideSmsAutoResponse } from '../../libs/domain/auto-responder.js';
import { csatSurveyIds, csatSurveyTransition, decideCsatSurvey } from '../../libs/domain/csat.js';
import { teamFollowUps, teamRoutedTransition } from '../../libs/domain/team-routing.js';
import {
  applySlaTiming,
  escalate,
  followSla,
  msUntilNextSlaDeadline,
  recordDueSlaAlerts,
  slaDeadlineDue,
  slaNotificationRecipients,
  slaReplanTransition,
  slaTimingRequest,
} from '../../libs/domain/sla-clock.js';
import { autoResponseMessageId, smsAutomationTransition } from '../../libs/domain/sms-automation.js';
import {
  applyAgentAction,
  deliveryFailed,
  expireSnooze,
  inboundMessageRejected,
  msUntilSnoozeExpiry,
  orderOperationRecorded,
  receiveInboundMessage,
  replyCollision,
  replyOf,
  ticketCreatedEvent,
  validateAgentAction,
  withMatchedProfile,
  type TicketState,
  type Transition,
} from '../../libs/domain/ticket.js';
import type { VisitorActivity } from '../../libs/domain/web-chat.js';
import { closeIdleChat, msUntilIdleChatCloses } from '../../libs/domain/web-chat-lifecycle.js';
import {
  UNSTORABLE_DATA,
  type AgentActionRequest,
  type InboundMessage,
  type OrderOperationOutcome,
  type SettledActionOutcome,
} from '../../libs/temporal/contracts/ticket.js';
import { storage } from './activities.js';
import type { SideTasks } from './side-tasks.js';
import type { WebChat } from './web-chat.js';

/** Message ids remembered across continue-as-new to drop duplicates cheaply (the database is the final guard). */
const RECENT_MESSAGE_IDS_KEPT = 200;

/** Behaviour a run has only from the patch that added it on (ticket.workflow.ts): runs recorded before keep without. */
export interface TicketFeatures {
  /** Idle web chats close on their own. */
  closesIdleChats: boolean;
  /** The SLA clock runs. */
  keepsSlaClock: boolean;
  /** A close by an agent sends the satisfaction survey. */
  surveysAfterClose: boolean;
  /** A new ticket goes to a team by the routing rules, whose assigner then hands it to an agent. */
  routesToTeams: boolean;
}

/**
 * How each command changes one ticket. Every method is called by the command loop only, one at a
 * time, so `state` cannot change under an awaited activity: each computes a pure transition
 * (libs/domain), has activities persist it, and only then moves `state` forward.
 */
export class TicketCommands {
  readonly recentMessageIds: string[];

  constructor(
    public state: TicketState,
    recentMessageIds: string[],
    private readonly sideTasks: SideTasks,
    private readonly chat: WebChat,
    private readonly now: () => string,
    private readonly features: TicketFeatures,
  ) {
    this.recentMessageIds = [...recentMessageIds];
  }

  knowsMessage(messageId: string): boolean {
    return this.recentMessageIds.includes(messageId);
  }

  /** A customer's message: stored with its transition, then the channel's automation; or forwarded, or quarantined. */
  async receiveInbound(message: InboundMessage): Promise<void> {
    const before = this.state;
    await this.storeInbound(message);
    this.followTeam(before);
  }

  private async storeInbound(message: InboundMessage): Promise<void> {
    if (this.knowsMessage(message.messageId)) return;
    const outcome = receiveInboundMessage(this.state, message, this.now());
    if (outcome.kind === 'start_new_ticket') {
      // Remembered first: should the forward ever come back here, it is dropped, not forwarded again.
      this.remember(message.messageId);
      this.sideTasks.start({ kind: 'forward_chat_message', message, closedTicketId: this.state.ticketId });
      return;
    }
    const transition = await this.withServiceLevels(this.withCreatedEvent(outcome.transition));
    let recorded: Awaited<ReturnType<typeof storage.recordInboundMessage>>;
    try {
      recorded = await storage.recordInboundMessage({ projection: transition, message });
    } catch (error) {
      const reason = unstorableReason(error);
      if (reason === null) throw error;
      await this.quarantine(message, reason);
      return;
    }
    this.remember(message.messageId);
    if (recorded.duplicate) return;
    const previousInboundAt = this.state.lastInboundAt;
    const previousProfileId = transition.state.profileId ?? null;
    this.state = recorded.profile ? withMatchedProfile(transition.state, recorded.profile.profileId) : transition.state;
    // The clock was timed before the message was stored, so before its profile was known: policies that match on it look again.
    if (recorded.profile && recorded.profile.profileId !== previousProfileId && this.state.sla?.usesProfile) await this.retimeSla('profile_matched');
    if (this.features.routesToTeams && transition.events[0]?.type === 'created') await this.routeToTeam(message.messageId);
    if (this.state.channel === 'sms') await this.automateSms(message, previousInboundAt);
    if (this.state.channel === 'web_chat') {
      const automation = await this.chat.afterInboundMessage(this.state, message, transition.events[0]?.type === 'created', this.now);
      this.state = automation.state;
      automation.deliveries.forEach((messageId) => this.sideTasks.deliver(messageId));
    }
  }

  /** An accepted agent action, checked again against the ticket as it now is. */
  async applyAction(request: AgentActionRequest): Promise<SettledActionOutcome> {
    const before = this.state;
    const outcome = await this.applyCheckedAction(request);
    this.followTeam(before);
    return outcome;
  }

  private async applyCheckedAction({ action, actorUserId }: AgentActionRequest): Promise<SettledActionOutcome> {
    const refusal = validateAgentAction(this.state, action, this.now());
    if (refusal) return { status: 'refused', reason: refusal };
    // Checked again here: a customer message queued before the reply may have come in since the validator ran.
    const collision = replyCollision(this.state, action, actorUserId);
    if (collision) return { status: 'refused', reason: collision.message, changes: collision.changes };
    const transition = await this.withServiceLevels(applyAgentAction(this.state, action, actorUserId, this.now()));
    const reply = replyOf(action);
    try {
      switch (action.type) {
        case 'reply':
        case 'apply_macro':
          if (reply) await storage.recordAgentReply({ projection: transition, messageId: reply.messageId, body: reply.body, authorUserId: actorUserId });
          else if (transition.events.length > 0) await storage.projectTicket(transition);
          break;
        case 'retry_delivery': {
          const { requeued } = await storage.requeueFailedDelivery({ projection: transition, messageId: action.messageId });
          if (!requeued) return { status: 'refused', reason: `message ${action.messageId} is not an outbound message of this ticket whose delivery failed` };
          break;
        }
        case 'mark_read':
          await storage.recordTicketRead({ ticketId: this.state.ticketId, userId: actorUserId, readAt: this.now(), projection: transition.events.length > 0 ? transition : undefined });
          break;
        default:
          if (transition.events.length > 0) await storage.projectTicket(transition);
      }
    } catch (error) {
      const reason = unstorableReason(error);
      if (reason === null) throw error;
      return { status: 'refused', reason: `the action could not be stored: ${reason}` };
    }
    this.state = transition.state;
    if (reply) {
      this.sideTasks.deliver(reply.messageId);
      this.chat.agentReplied(reply.messageId, this.now());
    }
    if (transition.events.some((event) => event.type === 'closed') && this.features.surveysAfterClose) await this.sendSurvey(actorUserId);
    if (action.type === 'retry_delivery') this.sideTasks.deliver(action.messageId);
    return { status: 'applied', ticket: this.state };
  }

  visitorActivity(activity: VisitorActivity): void {
    this.chat.visitorActivity(activity, this.now());
  }

  async recordOrderOperation(outcome: OrderOperationOutcome): Promise<void> {
    const transition = orderOperationRecorded(this.state, outcome, this.now());
    await storage.projectTicket(transition);
    this.state = transition.state;
  }

  async deliveryFailed(messageId: string, reason: string): Promise<void> {
    const transition = deliveryFailed(this.state, { messageId, reason }, this.now());
    await storage.recordDeliveryFailure({ projection: transition, messageId, reason });
    this.state = transition.state;
  }

  /** The account's SLA policies or calendars changed: the clocks are timed again, and any change recorded. */
  async replanSla(): Promise<void> {
    await this.retimeSla('policies_changed');
  }

  private async retimeSla(reason: string): Promise<void> {
    if (!this.features.keepsSlaClock) return;
    const replan = slaReplanTransition(this.state, this.now());
    if (!replan) return;
    const timing = await storage.timeSlaClocks(slaTimingRequest(replan.state, this.now()));
    const transition = applySlaTiming(replan, timing, this.now(), reason);
    if (transition.events.length === 0) return;
    await storage.projectTicket(transition);
    this.state = transition.state;
  }

  /** Milliseconds until the next deadline (snooze end, chat follow-up, idle chat, SLA warning or breach), or undefined when none is set. */
  msUntilNextDeadline(): number | undefined {
    const now = this.now();
    const deadlines = [
      this.features.keepsSlaClock ? msUntilNextSlaDeadline(this.state, now) : undefined,
      msUntilSnoozeExpiry(this.state, now),
      this.chat.msUntilFollowUpDue(now),
      this.features.closesIdleChats ? msUntilIdleChatCloses(this.state, now) : undefined,
    ].filter((ms) => ms !== undefined);
    return deadlines.length > 0 ? Math.min(...deadlines) : undefined;
  }

  deadlineDue(): boolean {
    const now = this.now();
    return (this.features.keepsSlaClock && slaDeadlineDue(this.state, now)) || expireSnooze(this.state, now) !== null || this.chat.followUpDue(now) || (this.features.closesIdleChats && closeIdleChat(this.state, now) !== null);
  }

  /**
   * Works the deadlines that have come: SLA warnings and breaches (with their escalations), the snooze ends
   * (the assignee is alerted), the chat follow-up is decided, an idle chat closes.
   */
  async applyDueDeadlines(): Promise<void> {
    const before = this.state;
    await this.applyDeadlines();
    this.followTeam(before);
  }

  private async applyDeadlines(): Promise<void> {
    if (this.features.keepsSlaClock) await this.recordSlaAlerts();
    const snoozeExpiry = expireSnooze(this.state, this.now());
    if (snoozeExpiry) {
      const { snoozedUntil, assigneeId } = this.state;
      const expiry = await this.withServiceLevels(snoozeExpiry);
      await storage.projectTicket(expiry);
      this.state = expiry.state;
      if (assigneeId && snoozedUntil) {
        this.sideTasks.start({
          kind: 'snooze_expired_notification',
          notificationId: `${this.state.ticketId}:snooze-expired:${this.state.version}`,
          accountId: this.state.accountId,
          ticketId: this.state.ticketId,
          assigneeId,
          snoozedUntil,
        });
      }
    }
    const followUp = this.chat.decideFollowUp(this.state, this.now());
    if (followUp) {
      await storage.projectTicket(followUp.transition);
      this.state = followUp.transition.state;
      if (followUp.email) this.sideTasks.start(followUp.email);
    }
    const idleClose = this.features.closesIdleChats ? closeIdleChat(this.state, this.now()) : null;
    if (idleClose) {
      const idle = await this.withServiceLevels(idleClose);
      await storage.projectTicket(idle);
      this.state = idle.state;
    }
  }

  /**
   * SMS (SPEC §7, §9): the text is attributed to the send that prompted it and the auto-response is decided,
   * from facts an activity read (and history recorded), so a replay re-derives both decisions.
   */
  private async automateSms(message: InboundMessage, previousInboundAt: string | null): Promise<void> {
    const phone = message.sender.phone;
    if (message.automated || !phone) return;
    const { accountId, ticketId } = this.state;
    const context = await storage.loadSmsAutomationContext({ accountId, phone });
    const at = this.now();
    const attribution = attributeInboundSms({ sends: context.sends, inboundAt: message.receivedAt, previousInboundAt, windowMs: context.attributionWindowMs });
    const autoResponse = decideSmsAutoResponse({
      settings: context.autoResponder,
      consent: context.consent,
      senderNumber: phone,
      ownNumbers: context.ownNumbers,
      lastAutoResponseAt: context.lastAutoResponseAt,
      now: at,
      templateValues: context.templateValues,
    });
    const responseId = autoResponseMessageId(message.messageId);
    const transition = smsAutomationTransition(this.state, { messageId: message.messageId, attribution, autoResponse, autoResponseMessageId: responseId }, at);
    await storage.recordSmsAutomation({
      projection: transition,
      inboundMessageId: message.messageId,
      phone,
      attribution,
      autoResponse: autoResponse.send ? { messageId: responseId, body: autoResponse.text } : null,
    });
    this.state = transition.state;
    if (context.notifyTeam) this.sideTasks.start({ kind: 'sms_team_notification', accountId, ticketId, messageId: message.messageId, phone });
    if (autoResponse.send) this.sideTasks.deliver(responseId);
  }

  /**
   * The SLA clock follows the transition before it is stored (libs/domain/sla-clock.ts): targets met, clocks
   * paused, started or resumed; when one started or resumed, or the facts policies match on changed, the
   * timing activity gives the policy and the deadlines, which the transition then records.
   */
  private async withServiceLevels(transition: Transition): Promise<Transition> {
    if (!this.features.keepsSlaClock) return transition;
    const followed = followSla(this.state, transition, this.now());
    if (!followed.needsTiming) return followed.transition;
    const timing = await storage.timeSlaClocks(slaTimingRequest(followed.transition.state, this.now()));
    return applySlaTiming(followed.transition, timing, this.now(), transition.events[0]?.type ?? 'changed');
  }

  /** Warnings and breaches that have come are recorded, then their escalations run: notifications beside the loop, changes to the ticket in it. */
  private async recordSlaAlerts(): Promise<void> {
    const due = recordDueSlaAlerts(this.state, this.now());
    if (!due) return;
    await storage.projectTicket(due.transition);
    this.state = due.transition.state;
    for (const alert of due.alerts) {
      const { accountId, ticketId } = this.state;
      for (const escalation of alert.escalations) {
        if (escalation.type !== 'notify') continue;
        const userIds = slaNotificationRecipients(escalation, this.state.assigneeId);
        if (userIds.length === 0) continue;
        const notificationId = `${ticketId}:${alert.clock.id}:${alert.kind}`;
        const { target, dueAt } = alert.clock;
        this.sideTasks.start({ kind: 'sla_notification', notificationId, accountId, ticketId, userIds, channels: escalation.channels, alert: alert.kind, clockId: alert.clock.id, target, policyName: this.state.sla?.policy?.name ?? null, dueAt });
      }
      const change = escalate(this.state, alert, this.now());
      if (!change) continue;
      const transition = await this.withServiceLevels(change);
      await storage.projectTicket(transition);
      this.state = transition.state;
    }
  }

  /**
   * CSAT after an agent's close: an activity reads the settings and facts, the rule decides here (so history
   * shows why a survey went out or not), and an activity stores the decision and the survey's message, which is
   * then delivered like any other.
   */
  private async sendSurvey(closedByUserId: string): Promise<void> {
    const { accountId, ticketId, channel } = this.state;
    const facts = await storage.loadCsatFacts({ accountId, ticketId });
    const decision = decideCsatSurvey({ ...facts, channel, closedAt: this.state.closedAt ?? this.now() });
    // A channel whose surveys are off records nothing: every close would say so.
    if (!decision.send && decision.reason === 'disabled') return;
    const ids = csatSurveyIds(ticketId, this.state.version);
    const transition = csatSurveyTransition(this.state, { ...ids, decision }, this.now());
    await storage.recordCsatSurvey({ projection: transition, survey: decision.send ? { ...ids, closedByUserId, question: facts.settings.question } : null });
    this.state = transition.state;
    if (decision.send) this.sideTasks.deliver(ids.messageId);
  }

  /** The routing rules' team for the new ticket, recorded when there is one (an activity reads the rules). */
  private async routeToTeam(messageId: string): Promise<void> {
    const { accountId, ticketId, channel, tags } = this.state;
    const routing = await storage.routeTicketToTeam({ accountId, ticketId, channel, tags, messageId });
    if (routing.teamId === null) return;
    const transition = teamRoutedTransition(this.state, routing, this.now());
    await storage.projectTicket(transition);
    this.state = transition.state;
  }

  /** Tells the team's assigner what the change since `before` means for it: a ticket waiting, or an agent's load changed. */
  private followTeam(before: TicketState): void {
    const { needsAssignee, capacityChanged } = teamFollowUps(before, this.state);
    const { accountId, ticketId } = this.state;
    const teamId = this.state.teamId ?? before.teamId;
    if (!teamId) return;
    if (needsAssignee) this.sideTasks.start({ kind: 'team_assignment_request', accountId, teamId, ticketId, since: this.now() });
    if (capacityChanged) this.sideTasks.start({ kind: 'team_capacity_changed', accountId, teamId, changeId: `${ticketId}:${this.state.version}` });
  }

  /** Kept apart as rejected, with the reason, so agents and operators see it and the ticket goes on. */
  private async quarantine(message: InboundMessage, reason: string): Promise<void> {
    const transition = this.withCreatedEvent(inboundMessageRejected(this.state, { messageId: message.messageId, reason }, this.now()));
    try {
      await storage.quarantineInboundMessage({ projection: transition, message, reason });
      this.state = transition.state;
    } catch (error) {
      if (unstorableReason(error) === null) throw error;
      log.error('an inbound message could be neither stored nor quarantined; it is dropped', { messageId: message.messageId, reason });
    }
    this.remember(message.messageId);
  }

  /** A ticket's first transition also records its creation. */
  private withCreatedEvent(transition: Transition): Transition {
    return this.state.version === 0 ? { ...transition, events: [ticketCreatedEvent(this.state), ...transition.events] } : transition;
  }

  private remember(messageId: string): void {
    this.recentMessageIds.push(messageId);
    this.recentMessageIds.splice(0, Math.max(0, this.recentMessageIds.length - RECENT_MESSAGE_IDS_KEPT));
  }
}

/** The database's reason when an activity failed because the data can never be stored; null for any other failure. */
function unstorableReason(error: unknown): string | null {
  const cause = error instanceof ActivityFailure ? error.cause : undefined;
  return cause instanceof ApplicationFailure && cause.type === UNSTORABLE_DATA ? cause.message : null;
}
