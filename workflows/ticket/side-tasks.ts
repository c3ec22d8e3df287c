import { ActivityFailure, ApplicationFailure, TimeoutFailure, log, sleep, type TemporalFailure } from '@temporalio/workflow';
import type { SideTask } from '../../libs/temporal/contracts/ticket.js';
import { DELIVERY_ATTEMPT_TIMEOUT, delivery, notifications, storage } from './activities.js';

/** What a side task reports back to the command loop; it never changes the ticket itself. */
export interface SideTaskReports {
  deliveryFailed(messageId: string, reason: string): void;
}

/**
 * Work that runs beside the command loop (deliveries, chat forwarding, notifications, follow-up
 * emails), so a provider that is slow or down never holds up the ticket's messages and actions.
 * Each task is keyed: starting one already in flight does nothing. A task reports back only through
 * `reports`, which enqueue commands; the loop stays the one writer of the ticket's state.
 */
export class SideTasks {
  private readonly inFlight = new Map<string, SideTask>();

  constructor(private readonly reports: SideTaskReports) {}

  get idle(): boolean {
    return this.inFlight.size === 0;
  }

  /**
   * `handedOver`: the task was in flight in the previous run, whose last attempt may still be running
   * in some worker; it waits out one attempt's timeout first, so the two never overlap.
   */
  start(task: SideTask, options: { handedOver?: boolean } = {}): void {
    const key = sideTaskKey(task);
    if (this.inFlight.has(key)) return;
    this.inFlight.set(key, task);
    void this.run(task, options.handedOver ?? false).finally(() => this.inFlight.delete(key));
  }

  deliver(messageId: string): void {
    this.start({ kind: 'delivery', messageId });
  }

  /** For continue-as-new: deliveries by message id, the other tasks whole. */
  carried(): { deliveries: string[]; others: SideTask[] } {
    const tasks = [...this.inFlight.values()];
    return {
      deliveries: tasks.flatMap((task) => (task.kind === 'delivery' ? [task.messageId] : [])),
      others: tasks.filter((task) => task.kind !== 'delivery'),
    };
  }

  private async run(task: SideTask, handedOver: boolean): Promise<void> {
    try {
      if (handedOver && (task.kind === 'delivery' || task.kind === 'chat_follow_up_email')) await sleep(DELIVERY_ATTEMPT_TIMEOUT);
      await this.perform(task);
    } catch (error) {
      if (task.kind === 'delivery') {
        this.reports.deliveryFailed(task.messageId, failureReason(error));
      } else {
        log.warn('a side task of the ticket gave up', { task: task.kind, reason: failureReason(error) });
      }
    }
  }

  private async perform(task: SideTask): Promise<void> {
    switch (task.kind) {
      case 'delivery': {
        const result = await delivery.deliverOutboundMessage({ messageId: task.messageId });
        if (result.status === 'failed') this.reports.deliveryFailed(task.messageId, result.error ?? 'the provider refused the message');
        return;
      }
      case 'forward_chat_message':
        await storage.forwardChatMessage({ message: task.message, closedTicketId: task.closedTicketId });
        return;
      case 'chat_follow_up_email':
        await delivery.sendChatFollowUpEmail({ followUpId: task.followUpId, ticketId: task.ticketId, accountId: task.accountId, replyIds: task.replyIds });
        return;
      case 'snooze_expired_notification':
        await notifications.notifySnoozeExpired({
          notificationId: task.notificationId,
          accountId: task.accountId,
          ticketId: task.ticketId,
          assigneeId: task.assigneeId,
          snoozedUntil: task.snoozedUntil,
        });
        return;
      case 'sms_team_notification':
        await notifications.notifyTeamOfSms({ accountId: task.accountId, ticketId: task.ticketId, messageId: task.messageId, phone: task.phone });
        return;
      case 'team_assignment_request':
        await notifications.requestTeamAssignment({ accountId: task.accountId, teamId: task.teamId, ticketId: task.ticketId, since: task.since });
        return;
      case 'team_capacity_changed':
        await notifications.notifyTeamCapacityChanged({ accountId: task.accountId, teamId: task.teamId });
        return;
      case 'sla_notification': {
        const { kind: _task, ...alert } = task;
        await notifications.notifySlaAlert(alert);
        return;
      }
    }
  }
}

function sideTaskKey(task: SideTask): string {
  switch (task.kind) {
    case 'delivery':
      return `delivery:${task.messageId}`;
    case 'forward_chat_message':
      return `forward:${task.message.messageId}`;
    case 'chat_follow_up_email':
      return `follow-up:${task.followUpId}`;
    case 'snooze_expired_notification':
      return `notification:${task.notificationId}`;
    case 'sms_team_notification':
      return `sms-team:${task.messageId}`;
    case 'sla_notification':
      return `sla:${task.notificationId}`;
    case 'team_assignment_request':
      return `team-request:${task.ticketId}:${task.since}`;
    case 'team_capacity_changed':
      return `team-capacity:${task.changeId}`;
  }
}

/** The provider's own words where there are some: the innermost failure of an activity that gave up. */
export function failureReason(error: unknown): string {
  let failure: unknown = error;
  let reason = error instanceof Error ? error.message : String(error);
  let budgetRanOut = false;
  while (failure instanceof Error) {
    if (failure instanceof TimeoutFailure) budgetRanOut = true;
    else if (failure instanceof ApplicationFailure || !(failure instanceof ActivityFailure)) reason = failure.message || reason;
    failure = (failure as TemporalFailure).cause;
  }
  return budgetRanOut ? `gave up after retrying: ${reason}` : reason;
}
