import { createHash, randomUUID } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { AppConfig } from '../../../libs/config/config.js';
import type { Channel } from '../../../libs/domain/channel-policy.js';
import type { AgentAction, TicketState } from '../../../libs/domain/ticket.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import { AGENT_ACTION_REFUSED, agentActionUpdate } from '../../../libs/temporal/contracts/ticket.js';
import { ApiError } from '../common/api-error.js';
import { APP_CONFIG, ORM, TEMPORAL_CLIENT } from '../tokens.js';
import { assertTicketOfAccount } from './ticket-ids.js';

export interface Actor {
  accountId: string;
  userId: string;
}

/** A channel's reason to refuse a reply before anything is recorded (SMS: no consent); throws an ApiError. */
export type ReplyPrecheck = (accountId: string, ticketId: string) => Promise<void>;

/** Agent actions become validated updates on the ticket's workflow; the answer is the ticket's new state. */
@Injectable()
export class TicketActionsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ORM) private readonly orm: Orm,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
  ) {}

  private readonly replyPrechecks = new Map<Channel, ReplyPrecheck>();

  /** Channel modules register their checks here at start-up. */
  registerReplyPrecheck(channel: Channel, check: ReplyPrecheck): void {
    this.replyPrechecks.set(channel, check);
  }

  /** An assignee must be an inbox user of the same account. */
  async assertAssignable(accountId: string, userId: string): Promise<void> {
    const rows = await this.orm.em.fork().execute<{ role: string }[]>(
      `SELECT role FROM users WHERE id = ? AND account_id = ? AND role IN ('owner', 'admin', 'manager', 'support')`,
      [userId, accountId],
    );
    if (rows.length === 0) throw ApiError.badRequest(`assigneeId: no inbox user ${userId} in this account`, 'assigneeId');
  }

  /** A reply's message id: derived from the idempotency key when given, so a retried request is one reply. */
  replyMessageId(ticketId: string, idempotencyKey: string | undefined): string {
    return idempotencyKey
      ? `reply-${createHash('sha256').update(`${ticketId}\n${idempotencyKey}`).digest('base64url').slice(0, 32)}`
      : `reply-${randomUUID()}`;
  }

  async act(actor: Actor, ticketId: string, action: AgentAction, idempotencyKey?: string): Promise<TicketState> {
    const channel = assertTicketOfAccount(ticketId, actor.accountId);
    if (action.type === 'assign') await this.assertAssignable(actor.accountId, action.assigneeId);
    if (action.type === 'reply') await this.replyPrechecks.get(channel)?.(actor.accountId, ticketId);
    const handle = this.temporal.workflow.getHandle(ticketId);
    const deadline = Date.now() + this.config.workflowUpdateTimeoutMs;
    try {
      return await this.temporal.connection.withDeadline(deadline, () =>
        handle.executeUpdate(agentActionUpdate, {
          args: [{ action, actorUserId: actor.userId, expiresAt: new Date(deadline).toISOString() }],
          ...(idempotencyKey ? { updateId: `${action.type}:${idempotencyKey}` } : {}),
        }),
      );
    } catch (error) {
      throw await this.toApiError(error, ticketId);
    }
  }

  private async toApiError(error: unknown, ticketId: string): Promise<unknown> {
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && error.cause.type === AGENT_ACTION_REFUSED) {
      return new ApiError(HttpStatus.CONFLICT, 'action_refused', error.cause.message);
    }
    if (error instanceof WorkflowNotFoundError || isCompletedWorkflowError(error)) {
      const rows = await this.orm.em.fork().execute<{ status: string }[]>('SELECT status FROM tickets WHERE id = ?', [ticketId]);
      if (rows[0]?.status === 'closed') {
        return new ApiError(HttpStatus.CONFLICT, 'action_refused', 'this web chat conversation is closed; a closed web chat ticket never reopens');
      }
      return ApiError.notFound(`ticket ${ticketId} not found`);
    }
    if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isDeadlineExceeded(error)) {
      return ApiError.unavailable('no worker answered in time; the action was not applied (retry with the same Idempotency-Key)');
    }
    return error;
  }
}

function isCompletedWorkflowError(error: unknown): boolean {
  return error instanceof Error && /workflow execution already completed/i.test(error.message);
}

function isDeadlineExceeded(error: unknown): boolean {
  const code = (error as { code?: number; cause?: { code?: number } })?.code ?? (error as { cause?: { code?: number } })?.cause?.code;
  return code === 4 || (error instanceof Error && /deadline/i.test(error.message));
}
