import { ApplicationFailure } from '@temporalio/common';
import { createLogger } from '../../libs/logger/logger.js';
import { secretBoxFrom } from '../../libs/secrets/secret-box.js';
import { ShopifyThrottled, ShopifyUnavailable, ShopifyUserErrors } from '../../libs/shopify/errors.js';
import { storeShopifyOrder } from '../../libs/shopify/order-store.js';
import { orderFromAdmin, quantitiesMatch, shopifyCustomerExternalId } from '../../libs/shopify/orders.js';
import { SHOPIFY_ORDERS_PAGE_LIMIT, type ShopifyAdmin, type ShopifyQueryCost } from '../../libs/shopify/shopify-admin.js';
import { findShopifyCredentials, shopifyAdminFor } from '../../libs/shopify/shopify-connections.js';
import {
  SHOPIFY_NOT_CONNECTED,
  SHOPIFY_REFUSED,
  SHOPIFY_THROTTLED,
  type OrderCancelInput,
  type OrderLineChange,
  type OrderOperationResult,
  type ShopifyOrdersPage,
  type ShopifyPacing,
} from '../../libs/temporal/contracts/shopify.js';
import type { ActivityDependencies } from '../dependencies.js';
import { PROFILE_AND_JOINED } from '../../libs/profiles/profile-directory.js';

const log = createLogger('shopify-activities');

const pacingOf = (cost: ShopifyQueryCost): ShopifyPacing => ({ requestedQueryCost: cost.requestedQueryCost, throttleStatus: cost.throttleStatus });

/**
 * Shopify's errors as Temporal sees them: a THROTTLED answer is retried once the bucket holds the cost again
 * (nextRetryDelay overrides the retry policy's backoff), userErrors and other refusals end the operation at
 * once with Shopify's messages, an outage is retried by the policy.
 */
function asActivityFailure(error: unknown): Error {
  if (error instanceof ShopifyThrottled) {
    return ApplicationFailure.create({ message: error.message, type: SHOPIFY_THROTTLED, nextRetryDelay: error.retryAfterMs });
  }
  if (error instanceof ShopifyUserErrors) {
    return ApplicationFailure.create({
      message: error.userErrors.map((userError) => userError.message).join('; '),
      type: SHOPIFY_REFUSED,
      nonRetryable: true,
      details: [error.userErrors],
    });
  }
  if (error instanceof ShopifyUnavailable || !(error instanceof Error)) return error as Error;
  if ('retryable' in error && error.retryable === false) {
    return ApplicationFailure.create({ message: error.message, type: error.name, nonRetryable: true });
  }
  return error;
}

async function shopify<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asActivityFailure(error);
  }
}

export function createShopifyActivities({ config, orm }: ActivityDependencies) {
  /** The shop's Admin API client; the account's connection is read (and its token opened) per call, so a new token applies at once. */
  async function adminOf(accountId: string): Promise<ShopifyAdmin> {
    const credentials = await findShopifyCredentials(orm, secretBoxFrom(config), accountId);
    if (!credentials) throw ApplicationFailure.create({ message: 'the account has no Shopify shop connected', type: SHOPIFY_NOT_CONNECTED, nonRetryable: true });
    return shopifyAdminFor(credentials, config.shopify.apiBaseUrl);
  }

  /** Re-reads the order and stores it (only if newer than the stored copy). */
  async function refresh(admin: ShopifyAdmin, accountId: string, orderId: string) {
    const { data: order } = await admin.order(orderId);
    if (!order) return null;
    const [stored] = await orm.em.fork().execute<{ customer_id: string | null }[]>('SELECT customer_id FROM shopify_orders WHERE id = ? AND account_id = ?', [orderId, accountId]);
    await storeShopifyOrder(orm, accountId, orderFromAdmin(order, stored?.customer_id ?? null), null);
    return order;
  }

  /** Marks that the mutation is about to be sent; false when an earlier attempt already did (it may have gone through). */
  async function firstAttempt(operationId: string): Promise<boolean> {
    const marked = await orm.em.fork().execute<{ id: string }[]>(
      'UPDATE order_operations SET mutation_sent_at = now(), updated_at = now() WHERE id = ? AND mutation_sent_at IS NULL RETURNING id',
      [operationId],
    );
    return marked.length > 0;
  }

  return {
    /** The Shopify customer of a profile: by its emails, then its phones, then a Shopify id a webhook left on it. */
    async shopifyFindCustomer(input: { accountId: string; profileId: string }): Promise<{ customerId: string | null; pacing: ShopifyPacing }> {
      const admin = await adminOf(input.accountId);
      const identifiers = await orm.em.fork().execute<{ kind: string; value: string }[]>(
        `SELECT kind, value FROM profile_identifiers WHERE account_id = ? AND kind IN ('email', 'phone', 'external_id')
           AND profile_id IN ${PROFILE_AND_JOINED} ORDER BY value`,
        [input.accountId, input.profileId, input.profileId],
      );
      let pacing: ShopifyPacing = { requestedQueryCost: null, throttleStatus: null };
      for (const kind of ['email', 'phone'] as const) {
        for (const identifier of identifiers.filter((candidate) => candidate.kind === kind)) {
          const { data, cost } = await shopify(() => admin.findCustomer(kind === 'email' ? { email: identifier.value } : { phone: identifier.value }));
          pacing = pacingOf(cost);
          if (data) return { customerId: data, pacing };
        }
      }
      const remembered = identifiers.find((identifier) => identifier.kind === 'external_id' && identifier.value.startsWith(shopifyCustomerExternalId('gid://shopify/Customer/')));
      return { customerId: remembered ? remembered.value.slice('shopify:'.length) : null, pacing };
    },

    /** One page of the customer's orders, newest first, each stored under the profile. */
    async shopifySyncOrdersPage(input: { accountId: string; profileId: string; customerId: string; after: string | null }): Promise<ShopifyOrdersPage> {
      const admin = await adminOf(input.accountId);
      const { data, cost } = await shopify(() => admin.customerOrders(input.customerId, { first: SHOPIFY_ORDERS_PAGE_LIMIT, after: input.after ?? undefined }));
      let ordersStored = 0;
      for (const order of data?.orders ?? []) {
        const { stored } = await storeShopifyOrder(orm, input.accountId, orderFromAdmin(order, input.customerId), { customerId: input.customerId, email: null, phone: null, name: null }, { profileId: input.profileId });
        if (stored) ordersStored += 1;
      }
      return {
        ordersSeen: data?.orders.length ?? 0,
        ordersStored,
        hasNextPage: data?.pageInfo.hasNextPage ?? false,
        endCursor: data?.pageInfo.endCursor ?? null,
        pacing: pacingOf(cost),
      };
    },

    async shopifyMarkOperationRunning(input: { operationId: string }): Promise<void> {
      await orm.em.fork().execute("UPDATE order_operations SET status = 'running', updated_at = now() WHERE id = ? AND status = 'pending'", [input.operationId]);
    },

    async shopifyFinishOperation(result: OrderOperationResult): Promise<void> {
      await orm.em.fork().execute('UPDATE order_operations SET status = ?, result = ?::jsonb, updated_at = now() WHERE id = ?', [
        result.status,
        JSON.stringify({ message: result.message, orderUpdatedAt: result.orderUpdatedAt }),
        result.operationId,
      ]);
    },

    /** Opens an edit; nothing changes on the order until the commit, so a retry that opens another is harmless. */
    async shopifyBeginOrderEdit(input: { accountId: string; orderId: string }): Promise<{ calculatedOrderId: string }> {
      const admin = await adminOf(input.accountId);
      const { data } = await shopify(() => admin.beginOrderEdit(input.orderId));
      return { calculatedOrderId: data.calculatedOrderId };
    },

    /** Stages one line's quantity (idempotent: staging the same quantity again changes nothing). */
    async shopifySetOrderEditQuantity(input: { accountId: string; calculatedOrderId: string; lineItemId: string; quantity: number }): Promise<void> {
      const admin = await adminOf(input.accountId);
      await shopify(() => admin.setOrderEditQuantity(input.calculatedOrderId, input.lineItemId, input.quantity));
    },

    /**
     * Commits the edit, never twice: the attempt is recorded before it is sent, and a retry after an attempt
     * whose outcome is unknown (lost answer, killed worker) first re-reads the order; quantities already as
     * asked mean the commit went through. Shopify also refuses a second commit of the same calculated order.
     */
    async shopifyCommitOrderEdit(input: { operationId: string; accountId: string; orderId: string; calculatedOrderId: string; lineItems: OrderLineChange[]; notifyCustomer: boolean; staffNote: string | null }): Promise<{ reconciled: boolean }> {
      const admin = await adminOf(input.accountId);
      const first = await firstAttempt(input.operationId);
      if (!first) {
        const { data: order } = await shopify(() => admin.order(input.orderId));
        if (order && quantitiesMatch(order.lineItems, input.lineItems)) {
          log.info('an earlier commit attempt went through; not sending it again', { operationId: input.operationId });
          return { reconciled: true };
        }
      }
      try {
        await admin.commitOrderEdit(input.calculatedOrderId, { notifyCustomer: input.notifyCustomer, ...(input.staffNote ? { staffNote: input.staffNote } : {}) });
        return { reconciled: false };
      } catch (error) {
        // Our own earlier attempt committed it, and the order has changed again since.
        if (!first && error instanceof ShopifyUserErrors && error.userErrors.some((userError) => /already been committed/i.test(userError.message))) return { reconciled: true };
        throw asActivityFailure(error);
      }
    },

    /**
     * Sends the cancel once, as the commit: a retry after an unknown outcome re-reads the order first. A
     * refusal of a retry (Shopify: already being cancelled) means our first attempt's job is still running:
     * the workflow then watches the order instead of the job.
     */
    async shopifyCancelOrder(input: OrderCancelInput): Promise<{ jobId: string | null; done: boolean }> {
      const admin = await adminOf(input.accountId);
      const first = await firstAttempt(input.operationId);
      if (!first) {
        const { data: order } = await shopify(() => admin.order(input.orderId));
        if (order?.cancelledAt) return { jobId: null, done: true };
      }
      try {
        const { data: job } = await admin.cancelOrder(input.orderId, {
          reason: input.reason,
          restock: input.restock,
          notifyCustomer: input.notifyCustomer,
          ...(input.refundMethod ? { refundMethod: input.refundMethod } : {}),
          ...(input.staffNote ? { staffNote: input.staffNote } : {}),
        });
        return { jobId: job.id, done: job.done };
      } catch (error) {
        if (!first && error instanceof ShopifyUserErrors) return { jobId: null, done: false };
        throw asActivityFailure(error);
      }
    },

    /** Whether Shopify has finished cancelling: its job is done (or, without a job id, the order shows cancelled). */
    async shopifyCancelFinished(input: { accountId: string; orderId: string; jobId: string | null }): Promise<boolean> {
      const admin = await adminOf(input.accountId);
      if (input.jobId) {
        const { data: job } = await shopify(() => admin.job(input.jobId!));
        if (job) return job.done;
      }
      const { data: order } = await shopify(() => admin.order(input.orderId));
      return Boolean(order?.cancelledAt);
    },

    /** Re-reads the order from Shopify and stores it; its updatedAt, or null when Shopify no longer has it. */
    async shopifyRefreshOrder(input: { accountId: string; orderId: string }): Promise<{ updatedAt: string; cancelledAt: string | null; quantities: Record<string, number> } | null> {
      const admin = await adminOf(input.accountId);
      const order = await shopify(() => refresh(admin, input.accountId, input.orderId));
      if (!order) return null;
      return { updatedAt: order.updatedAt, cancelledAt: order.cancelledAt, quantities: Object.fromEntries(order.lineItems.map((line) => [line.id, line.currentQuantity])) };
    },
  };
}
