import { ActivityFailure, ApplicationFailure, getExternalWorkflowHandle, sleep } from '@temporalio/workflow';
import type { OrderCancelInput, OrderEditInput, OrderOperationResult } from '../../libs/temporal/contracts/shopify.js';
import { orderOperationSignal, type OrderOperationOutcome } from '../../libs/temporal/contracts/ticket.js';
import { operationStorage, shopifyCalls } from './activities.js';

/** Cancel jobs are polled with a durable sleep between polls, backing off from half a second to half a minute. */
const FIRST_POLL_DELAY_MS = 500;
const MAX_POLL_DELAY_MS = 30_000;
/** About 17 minutes of polling; a job still running then is reported, not waited for for ever. */
const MAX_POLLS = 40;

type Failed = Pick<OrderOperationResult, 'message' | 'failureType'>;

/** Shopify's messages (the activity's ApplicationFailure) or what else went wrong. */
function failureOf(error: unknown): Failed {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) return { message: cause.message, failureType: cause.type ?? 'ApplicationFailure' };
  if (cause instanceof Error) return { message: cause.message, failureType: cause.name };
  return { message: String(cause), failureType: 'Error' };
}

/** The order after the change, re-read from Shopify and stored; a failure to read it does not undo the change. */
async function refreshedOrder(accountId: string, orderId: string): Promise<string | null> {
  try {
    return (await shopifyCalls.shopifyRefreshOrder({ accountId, orderId }))?.updatedAt ?? null;
  } catch {
    return null;
  }
}

async function finish(input: OrderEditInput | OrderCancelInput, kind: 'edit' | 'cancel', changes: string[], result: OrderOperationResult): Promise<OrderOperationResult> {
  await operationStorage.shopifyFinishOperation(result);
  if (input.ticketId) {
    const outcome: OrderOperationOutcome = {
      operationId: input.operationId,
      kind,
      orderId: input.orderId,
      orderName: input.orderName,
      actorUserId: input.actorUserId,
      status: result.status,
      changes,
      result: result.message,
    };
    try {
      await getExternalWorkflowHandle(input.ticketId).signal(orderOperationSignal, outcome);
    } catch {
      // The ticket's workflow no longer runs (a closed web chat): the operation's row still tells.
    }
  }
  return result;
}

/**
 * An agent's edit of an order's quantities (workflow id orderOperationWorkflowId): begin, stage each line,
 * commit, then re-read and store the order. The commit is sent at most once (see shopifyCommitOrderEdit).
 */
export async function shopifyOrderEditWorkflow(input: OrderEditInput): Promise<OrderOperationResult> {
  await operationStorage.shopifyMarkOperationRunning({ operationId: input.operationId });
  let result: OrderOperationResult;
  try {
    const { calculatedOrderId } = await shopifyCalls.shopifyBeginOrderEdit({ accountId: input.accountId, orderId: input.orderId });
    for (const line of input.lineItems) {
      await shopifyCalls.shopifySetOrderEditQuantity({ accountId: input.accountId, calculatedOrderId, lineItemId: line.lineItemId, quantity: line.quantity });
    }
    const { reconciled } = await shopifyCalls.shopifyCommitOrderEdit({
      operationId: input.operationId,
      accountId: input.accountId,
      orderId: input.orderId,
      calculatedOrderId,
      lineItems: input.lineItems,
      notifyCustomer: input.notifyCustomer,
      staffNote: input.staffNote,
    });
    const orderUpdatedAt = await refreshedOrder(input.accountId, input.orderId);
    const message = reconciled ? 'committed (an earlier attempt went through; confirmed by re-reading the order)' : 'committed';
    result = { operationId: input.operationId, status: 'succeeded', message, failureType: null, orderUpdatedAt };
  } catch (error) {
    result = { operationId: input.operationId, status: 'failed', ...failureOf(error), orderUpdatedAt: null };
  }
  return finish(input, 'edit', input.changes, result);
}

/**
 * An agent's cancel of an order: orderCancel once, then the job it starts is polled until done (durable
 * sleeps, backing off, bounded), then the order is re-read and stored.
 */
export async function shopifyOrderCancelWorkflow(input: OrderCancelInput): Promise<OrderOperationResult> {
  await operationStorage.shopifyMarkOperationRunning({ operationId: input.operationId });
  const refund = input.refundMethod?.originalPaymentMethodsRefund ? 'refund to the original payment methods' : input.refundMethod?.storeCreditRefund ? 'refund as store credit' : 'no refund';
  const changes = [`reason: ${input.reason}`, input.restock ? 'restock' : 'no restock', refund];
  let result: OrderOperationResult;
  try {
    const started = await shopifyCalls.shopifyCancelOrder(input);
    let done = started.done;
    let delay = FIRST_POLL_DELAY_MS;
    for (let poll = 0; !done && poll < MAX_POLLS; poll++) {
      await sleep(delay);
      delay = Math.min(delay * 2, MAX_POLL_DELAY_MS);
      done = await shopifyCalls.shopifyCancelFinished({ accountId: input.accountId, orderId: input.orderId, jobId: started.jobId });
    }
    const orderUpdatedAt = await refreshedOrder(input.accountId, input.orderId);
    result = done
      ? { operationId: input.operationId, status: 'succeeded', message: 'cancelled', failureType: null, orderUpdatedAt }
      : { operationId: input.operationId, status: 'failed', message: 'Shopify had not finished cancelling the order; check it in Shopify', failureType: 'CancelNotFinished', orderUpdatedAt };
  } catch (error) {
    result = { operationId: input.operationId, status: 'failed', ...failureOf(error), orderUpdatedAt: null };
  }
  return finish(input, 'cancel', changes, result);
}
