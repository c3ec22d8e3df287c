import { randomUUID } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Client } from '@temporalio/client';
import type { AppConfig } from '../../../libs/config/config.js';
import { canUseInbox } from '../../../libs/domain/access.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import { findStoredOrder, toStoredOrder, type ShopifyOrderRow, type StoredShopifyOrder } from '../../../libs/shopify/order-store.js';
import { describeEdit, editProblem, orderIdFromPath } from '../../../libs/shopify/orders.js';
import { findShopifyConnection } from '../../../libs/shopify/shopify-connections.js';
import { SHOPIFY_REFUSED, type OrderCancelInput, type OrderEditInput, type OrderOperationResult } from '../../../libs/temporal/contracts/shopify.js';
import { orderOperationWorkflowId, shopifyOrderSyncWorkflowId, WORKFLOW_TYPES } from '../../../libs/temporal/workflow-ids.js';
import type { AgentPrincipal } from '../auth/principal.js';
import { ApiError } from '../common/api-error.js';
import { withinTimeout } from '../common/within-timeout.js';
import { ProfilesService } from '../profiles/profiles.service.js';
import { APP_CONFIG, ORM, TEMPORAL_CLIENT } from '../tokens.js';
import type { OrderCancelBody, OrderEditBody, OrderOperationDto } from './shopify.dto.js';
import { PROFILE_AND_JOINED } from '../../../libs/profiles/profile-directory.js';

const DEFAULT_PAGE = 20;

interface OperationRow {
  id: string;
  kind: 'edit' | 'cancel';
  status: string;
  order_id: string;
  ticket_id: string | null;
  request: Record<string, unknown>;
  result: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
}

/** The page cursor: the last order's (placedAt, id), newest first. */
function encodeCursor(order: StoredShopifyOrder): string {
  return Buffer.from(JSON.stringify([order.placedAt, order.id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const [placedAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof placedAt === 'string' && !Number.isNaN(Date.parse(placedAt)) && typeof id === 'string') return [placedAt, id];
  } catch {
    // falls through to the 400
  }
  throw ApiError.badRequest('cursor is not a cursor this endpoint gave', 'cursor');
}

export type EditOutcome = { kind: 'finished'; result: OrderOperationResult; order: StoredShopifyOrder | null } | { kind: 'running'; operationId: string };

/** Orders synced from Shopify (SPEC §6) and the edits and cancels agents make to them, each a Temporal workflow. */
@Injectable()
export class OrdersService {
  constructor(
    @Inject(ORM) private readonly orm: Orm,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    private readonly profiles: ProfilesService,
  ) {}

  async listForProfile(accountId: string, profileId: string, options: { cursor?: string; limit?: number }): Promise<{ orders: StoredShopifyOrder[]; nextCursor: string | null }> {
    const id = await this.profiles.surviving(accountId, profileId);
    const limit = options.limit ?? DEFAULT_PAGE;
    const after = options.cursor ? decodeCursor(options.cursor) : null;
    const rows = await this.orm.em.fork().execute<ShopifyOrderRow[]>(
      `SELECT * FROM shopify_orders
       WHERE account_id = ? AND profile_id IN ${PROFILE_AND_JOINED}
       ${after ? 'AND (placed_at, id) < (?::timestamptz, ?)' : ''}
       ORDER BY placed_at DESC, id DESC LIMIT ${limit + 1}`,
      [accountId, id, id, ...(after ?? [])],
    );
    const orders = rows.slice(0, limit).map(toStoredOrder);
    return { orders, nextCursor: rows.length > limit ? encodeCursor(orders.at(-1)!) : null };
  }

  async get(accountId: string, orderIdParam: string): Promise<StoredShopifyOrder> {
    const orderId = orderIdFromPath(orderIdParam);
    const order = orderId ? await findStoredOrder(this.orm, accountId, orderId) : null;
    if (!order) throw ApiError.notFound(`order ${orderIdParam} not found`);
    return order;
  }

  /** Starts the profile's backfill, or joins the one running (same workflow id). */
  async startSync(principal: AgentPrincipal, profileId: string): Promise<string> {
    assertInboxUser(principal);
    const id = await this.profiles.surviving(principal.accountId, profileId);
    await this.connected(principal.accountId);
    const workflowId = shopifyOrderSyncWorkflowId(principal.accountId, id);
    await this.temporal.workflow.start(WORKFLOW_TYPES.shopifyOrderSync, {
      workflowId,
      taskQueue: this.config.temporal.taskQueue,
      args: [{ accountId: principal.accountId, profileId: id }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    return workflowId;
  }

  /** Starts an edit and waits for it up to WORKFLOW_UPDATE_TIMEOUT_MS. */
  async edit(principal: AgentPrincipal, orderIdParam: string, body: OrderEditBody): Promise<EditOutcome> {
    assertInboxUser(principal);
    const order = await this.get(principal.accountId, orderIdParam);
    await this.connected(principal.accountId);
    const ticketId = await this.ticketOf(principal.accountId, body.ticketId);
    const problem = editProblem(order.lineItems, body.lineItems);
    if (problem) throw ApiError.badRequest(problem.message, problem.field);
    const request = { lineItems: body.lineItems.map(({ lineItemId, quantity }) => ({ lineItemId, quantity })), notifyCustomer: body.notifyCustomer ?? true, staffNote: body.staffNote ?? null };
    const operationId = await this.createOperation(principal, 'edit', order.id, ticketId, request);
    const input: OrderEditInput = {
      operationId,
      accountId: principal.accountId,
      orderId: order.id,
      orderName: order.name,
      ticketId,
      actorUserId: principal.user.id,
      ...request,
      changes: describeEdit(order.lineItems, request.lineItems),
    };
    const handle = await this.temporal.workflow.start(WORKFLOW_TYPES.shopifyOrderEdit, {
      workflowId: orderOperationWorkflowId(operationId),
      taskQueue: this.config.temporal.taskQueue,
      args: [input],
    });
    const result = await withinTimeout(handle.result() as Promise<OrderOperationResult>, this.config.workflowUpdateTimeoutMs);
    if (!result) return { kind: 'running', operationId };
    if (result.status === 'failed') {
      if (result.failureType === SHOPIFY_REFUSED) throw new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, 'shopify_refused', result.message);
      throw new ApiError(HttpStatus.BAD_GATEWAY, 'shopify_failed', result.message);
    }
    return { kind: 'finished', result, order: await findStoredOrder(this.orm, principal.accountId, order.id) };
  }

  async cancel(principal: AgentPrincipal, orderIdParam: string, body: OrderCancelBody): Promise<string> {
    assertInboxUser(principal);
    const order = await this.get(principal.accountId, orderIdParam);
    await this.connected(principal.accountId);
    const ticketId = await this.ticketOf(principal.accountId, body.ticketId);
    if (order.cancelledAt) throw ApiError.conflict('order_cancelled', `order ${order.name} is already cancelled`);
    const request = {
      reason: body.reason,
      restock: body.restock,
      refundMethod: body.refundMethod ? { ...body.refundMethod, ...(body.refundMethod.storeCreditRefund ? { storeCreditRefund: { ...body.refundMethod.storeCreditRefund } } : {}) } : null,
      notifyCustomer: body.notifyCustomer ?? true,
      staffNote: body.staffNote ?? null,
    };
    const operationId = await this.createOperation(principal, 'cancel', order.id, ticketId, request);
    const input: OrderCancelInput = { operationId, accountId: principal.accountId, orderId: order.id, orderName: order.name, ticketId, actorUserId: principal.user.id, ...request };
    await this.temporal.workflow.start(WORKFLOW_TYPES.shopifyOrderCancel, {
      workflowId: orderOperationWorkflowId(operationId),
      taskQueue: this.config.temporal.taskQueue,
      args: [input],
    });
    return operationId;
  }

  async operation(accountId: string, operationId: string): Promise<OrderOperationDto> {
    const [row] = await this.orm.em.fork().execute<OperationRow[]>(
      'SELECT id, kind, status, order_id, ticket_id, request, result, created_at, updated_at FROM order_operations WHERE id = ? AND account_id = ?',
      [operationId, accountId],
    );
    if (!row) throw ApiError.notFound(`order operation ${operationId} not found`);
    return {
      id: row.id,
      kind: row.kind,
      status: row.status,
      orderId: row.order_id,
      ticketId: row.ticket_id,
      request: row.request,
      result: row.result,
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  }

  private async createOperation(principal: AgentPrincipal, kind: 'edit' | 'cancel', orderId: string, ticketId: string | null, request: object): Promise<string> {
    const operationId = `opr-${randomUUID()}`;
    await this.orm.em.fork().execute(
      "INSERT INTO order_operations (id, account_id, order_id, ticket_id, kind, status, actor_user_id, request) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?::jsonb)",
      [operationId, principal.accountId, orderId, ticketId, kind, principal.user.id, JSON.stringify(request)],
    );
    return operationId;
  }

  private async connected(accountId: string): Promise<void> {
    if (!(await findShopifyConnection(this.orm, accountId))) throw ApiError.conflict('shopify_not_connected', 'no Shopify shop is connected to this account (PUT /settings/shopify)');
  }

  private async ticketOf(accountId: string, ticketId: string | undefined): Promise<string | null> {
    if (ticketId === undefined) return null;
    const [row] = await this.orm.em.fork().execute<{ id: string }[]>('SELECT id FROM tickets WHERE id = ? AND account_id = ?', [ticketId, accountId]);
    if (!row) throw ApiError.badRequest(`ticketId: no ticket ${ticketId} in this account`, 'ticketId');
    return row.id;
  }
}

function assertInboxUser(principal: AgentPrincipal): void {
  if (!canUseInbox(principal.user.role)) throw ApiError.forbidden(`role ${principal.user.role} may not change orders`);
}
