import { defineSignal } from '@temporalio/workflow';

/** The SLA fan-out of one account (workflows/sla-replan.workflow.ts): where it is in its pass over the open tickets. */
export interface SlaReplanInput {
  accountId: string;
  /** The last ticket id signalled in this pass; null at the start of a pass. */
  afterTicketId: string | null;
  /** A change arrived during this pass: another pass follows it. */
  changedAgain: boolean;
}

/** The API signals it (with start) on every change to the account's SLA policies or calendars. */
export const slaPoliciesChangedSignal = defineSignal('slaPoliciesChanged');

/** One fan-out per account: a change during a pass is one signal to the running fan-out, never a second one. */
export function slaReplanWorkflowId(accountId: string): string {
  return `sla-replan:${accountId}`;
}
