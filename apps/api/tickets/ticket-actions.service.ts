import { randomUUID } from 'node:crypto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import {
  isGrpcCancelledError,
  isGrpcDeadlineError,
  isGrpcServiceError,
  QueryNotRegisteredError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  WorkflowUpdateStage,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { AppConfig } from '../../../libs/config/config.js';
import type { Channel } from '../../../libs/domain/channel-policy.js';
import type { AgentAction, MacroStep, TicketState } from '../../../libs/domain/ticket.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import { AGENT_ACTION_CONFLICT, AGENT_ACTION_EXPIRED, AGENT_ACTION_REFUSED, actionOutcomeQuery, agentActionUpdate, type ActionOutcome } from '../../../libs/temporal/contracts/ticket.js';
import { ApiError } from '../common/api-error.js';
import { APP_CONFIG, ORM, TEMPORAL_CLIENT } from '../tokens.js';
import { IdempotencyKeysService, type RememberedRefusal } from './idempotency-keys.service.js';
import { assertTicketOfAccount } from './ticket-ids.js';

export interface Actor {
  accountId: string;
  userId: string;
}

/** A channel's reason to refuse a reply before anything is recorded (SMS: no consent); throws an ApiError. */
export type ReplyPrecheck = (accountId: string, ticketId: string) => Promise<void>;

/** An action as the client asks for it; a reply's message id is given by the API, from the action id. */
/** A reply as a client asks for it: its message id is the action's (replyMessageId), so a retried action never sends twice. */
export type RequestedReply = { type: 'reply'; body: string; seenVersion?: number; force?: boolean };
export type RequestedMacroStep = Exclude<MacroStep, { type: 'reply' }> | RequestedReply;
export type RequestedAction =
  | Exclude<AgentAction, { type: 'reply' } | { type: 'apply_macro' }>
  | RequestedReply
  | { type: 'apply_macro'; macroId: string; macroName: string; steps: RequestedMacroStep[] };

/** The action the ticket applies: replies (alone or in a macro) get the message id of the action. */
function withMessageIds(requested: RequestedAction, actionId: string): AgentAction {
  const reply = (step: RequestedReply) => ({ ...step, messageId: replyMessageId(actionId) });
  if (requested.type === 'reply') return reply(requested);
  if (requested.type === 'apply_macro') return { ...requested, steps: requested.steps.map((step) => (step.type === 'reply' ? reply(step) : step)) };
  return requested;
}

/** What became of an action within the request's budget (a refusal is thrown as a 409 ApiError). */
export type ActionResult =
  | { status: 'applied'; actionId: string; ticketId: string; action: AgentAction; ticket: TicketState }
  /** Accepted by the ticket, so it will be applied, but not finished within the budget: read it at the outcome URL. */
  | { status: 'pending'; actionId: string; ticketId: string; action: AgentAction };

/** Where a pending action's outcome is read (relative to the API's root). */
export function actionOutcomePath(ticketId: string, actionId: string): string {
  return `/tickets/${encodeURIComponent(ticketId)}/actions/${encodeURIComponent(actionId)}`;
}

/** A failed update whose failure is the workflow's ApplicationFailure of this type (see libs/temporal/contracts/ticket.ts). */
function failureOfType(error: unknown, type: string): ApplicationFailure | undefined {
  return error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && error.cause.type === type ? error.cause : undefined;
}

/** The budget ran out on a Temporal call (the SDK wraps the gRPC DEADLINE_EXCEEDED / CANCELLED of update calls). */
function isOutOfTime(error: unknown): boolean {
  return error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isGrpcDeadlineError(error) || isGrpcCancelledError(error);
}

/** Temporal itself could not be reached or was overloaded (after the SDK's own retries). */
function isTemporalUnavailable(error: unknown): boolean {
  const grpcError = isGrpcServiceError(error) ? error : error instanceof Error && isGrpcServiceError(error.cause) ? error.cause : undefined;
  return grpcError !== undefined && (grpcError.code === GrpcStatus.UNAVAILABLE || grpcError.code === GrpcStatus.RESOURCE_EXHAUSTED);
}

/** After an expired rejection, a new submission goes at once; further ones (clock skew?) a little apart. */
const RESUBMIT_PAUSE_MS = 100;

/**
 * Agent actions become updates on the ticket's workflow, the update id being the action id. Once
 * Temporal has accepted an action it is applied whatever the client does; the API waits for its outcome
 * within one budget (WORKFLOW_UPDATE_TIMEOUT_MS) and otherwise says where to read it (202). Only an
 * action that was never accepted may be answered 503; with an Idempotency-Key it is the same action on
 * every retry (docs/api.md, "Action outcomes and Idempotency-Key").
 */
@Injectable()
export class TicketActionsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ORM) private readonly orm: Orm,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    private readonly keys: IdempotencyKeysService,
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

  /** Only a failed outbound message of this ticket can be sent again (the workflow checks it too). */
  async assertRetryableDelivery(accountId: string, ticketId: string, messageId: string): Promise<void> {
    const [message] = await this.orm.em.fork().execute<{ direction: string; delivery_status: string | null }[]>(
      'SELECT direction, delivery_status FROM messages WHERE id = ? AND ticket_id = ? AND account_id = ?',
      [messageId, ticketId, accountId],
    );
    if (!message) throw ApiError.notFound(`message ${messageId} not found in ticket ${ticketId}`);
    if (message.direction !== 'outbound') throw ApiError.conflict('action_refused', `message ${messageId} is an inbound message; only an outbound message can be sent again`);
    // 'undelivered' is Twilio's failure reported after the hand-over (status callback): as failed for an agent, and for the workflow.
    if (message.delivery_status !== 'failed' && message.delivery_status !== 'undelivered') {
      throw ApiError.conflict('action_refused', `message ${messageId} did not fail (delivery status ${message.delivery_status ?? 'unknown'}); only a failed delivery can be retried`);
    }
  }

  /**
   * Submits the action and waits for its outcome within the budget. `onActionId` hears the action id as
   * soon as it is known (the controller answers it in the Action-Id header, whatever the outcome).
   */
  async act(actor: Actor, ticketId: string, requested: RequestedAction, idempotencyKey?: string, onActionId?: (actionId: string) => void): Promise<ActionResult> {
    const channel = assertTicketOfAccount(ticketId, actor.accountId);
    let actionId: string;
    if (idempotencyKey === undefined) {
      await this.precheck(actor, ticketId, channel, requested);
      actionId = `act-${randomUUID()}`;
    } else {
      this.keys.assertUsable(idempotencyKey);
      const fingerprint = this.keys.fingerprint(ticketId, requested);
      let claimed = await this.keys.find(actor, idempotencyKey);
      if (!claimed) {
        // A retry skips the checks: its action may have been accepted already (a message since sent, an
        // assignee since removed); the ticket answers for it.
        await this.precheck(actor, ticketId, channel, requested);
        claimed = await this.keys.claim(actor, idempotencyKey, { ticketId, fingerprint });
      }
      this.keys.assertSameRequest(claimed, fingerprint);
      actionId = claimed.actionId;
      if (claimed.refusal) {
        onActionId?.(actionId);
        throw new RefusedAction(claimed.refusal);
      }
    }
    onActionId?.(actionId);
    const action = withMessageIds(requested, actionId);
    try {
      return await this.submit(actor, ticketId, actionId, action, idempotencyKey !== undefined);
    } catch (error) {
      if (idempotencyKey !== undefined && error instanceof RefusedAction) await this.keys.rememberRefusal(actor, idempotencyKey, actionId, error.refusal);
      throw error;
    }
  }

  /** The outcome of an action by its id, as the ticket's workflow knows it; null when it does not know it. */
  async outcome(accountId: string, ticketId: string, actionId: string): Promise<ActionOutcome | null> {
    assertTicketOfAccount(ticketId, accountId);
    try {
      return await this.temporal.connection.withDeadline(Date.now() + this.config.workflowUpdateTimeoutMs, () =>
        this.temporal.workflow.getHandle(ticketId).query(actionOutcomeQuery, actionId),
      );
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw ApiError.notFound(`ticket ${ticketId} not found`);
      if (error instanceof QueryNotRegisteredError) throw ApiError.unavailable('the ticket\'s worker cannot report action outcomes yet (it runs older code); try again later');
      if (isOutOfTime(error) || isTemporalUnavailable(error) || noWorkerPolls(error)) {
        throw ApiError.unavailable('no worker answered in time; try again later');
      }
      throw error;
    }
  }

  private async precheck(actor: Actor, ticketId: string, channel: Channel, requested: RequestedAction | RequestedMacroStep): Promise<void> {
    if (requested.type === 'apply_macro') {
      for (const step of requested.steps) await this.precheck(actor, ticketId, channel, step);
      return;
    }
    // The ticket refuses it too (409, as docs/api.md shows); checked here first so the answer names the field without a round trip.
    if (requested.type === 'snooze' && Date.parse(requested.until) <= Date.now()) throw new ApiError(HttpStatus.CONFLICT, 'action_refused', 'until must be in the future', 'until');
    if (requested.type === 'assign') await this.assertAssignable(actor.accountId, requested.assigneeId);
    if (requested.type === 'reply') await this.replyPrechecks.get(channel)?.(actor.accountId, ticketId);
    if (requested.type === 'retry_delivery') await this.assertRetryableDelivery(actor.accountId, ticketId, requested.messageId);
  }

  /**
   * startUpdate waits for the ticket to accept (or reject) the action, then result() for its outcome,
   * both within the one budget. The request expires at the end of the budget, so an update Temporal
   * delivers later is rejected by the validator and never applied: a 503 before acceptance stays true.
   */
  private async submit(actor: Actor, ticketId: string, actionId: string, action: AgentAction, keyed: boolean): Promise<ActionResult> {
    const deadline = Date.now() + this.config.workflowUpdateTimeoutMs;
    const handle = this.temporal.workflow.getHandle(ticketId);
    const withinBudget = <T>(call: () => Promise<T>) => this.temporal.connection.withDeadline(deadline, call);
    const notAccepted = () =>
      ApiError.unavailable(
        `no worker accepted the action in time: it is not known to be applied; ${keyed ? 'retrying with the same Idempotency-Key is safe' : 'send an Idempotency-Key to retry it safely'}`,
      );

    for (let submission = 1; ; submission++) {
      let started = false;
      try {
        const update = await withinBudget(() =>
          handle.startUpdate(agentActionUpdate, {
            args: [{ action, actorUserId: actor.userId, expiresAt: new Date(deadline).toISOString() }],
            updateId: actionId,
            waitForStage: WorkflowUpdateStage.ACCEPTED,
          }),
        );
        started = true; // accepted, or already settled (completed, or rejected by the validator)
        const ticket = await withinBudget(() => update.result());
        return { status: 'applied', actionId, ticketId, action, ticket };
      } catch (error) {
        const refused = failureOfType(error, AGENT_ACTION_REFUSED);
        if (refused) throw new RefusedAction({ message: refused.message, field: refusedField(action, refused.message) });
        const conflict = failureOfType(error, AGENT_ACTION_CONFLICT);
        if (conflict) throw new RefusedAction({ message: conflict.message, field: 'seenVersion', changes: (conflict.details?.[0] as unknown[] | undefined) ?? [] });
        if (failureOfType(error, AGENT_ACTION_EXPIRED)) {
          // Never accepted: this submission joined an earlier one with the same id (a retry of a request that
          // gave up) whose time had passed. Submit it again with this request's time, while it lasts.
          if (Date.now() >= deadline - RESUBMIT_PAUSE_MS) throw notAccepted();
          if (submission > 1) await new Promise((resolve) => setTimeout(resolve, RESUBMIT_PAUSE_MS));
          continue;
        }
        if (error instanceof WorkflowNotFoundError) throw await this.missingTicket(ticketId);
        if (isOutOfTime(error) || isTemporalUnavailable(error)) {
          if (started) return { status: 'pending', actionId, ticketId, action };
          throw notAccepted();
        }
        throw error;
      }
    }
  }

  /**
   * The workflow does not run: the ticket does not exist, or it is a web chat that ended when it closed
   * (the server answers NOT_FOUND "workflow execution already completed", which the SDK turns into WorkflowNotFoundError).
   */
  private async missingTicket(ticketId: string): Promise<ApiError> {
    const rows = await this.orm.em.fork().execute<{ status: string }[]>('SELECT status FROM tickets WHERE id = ?', [ticketId]);
    if (rows[0]?.status === 'closed') {
      return new ApiError(HttpStatus.CONFLICT, 'action_refused', 'this web chat conversation is closed; a closed web chat ticket never reopens');
    }
    return ApiError.notFound(`ticket ${ticketId} not found`);
  }
}

/** The ticket's refusals that are about one of the action's fields start with its name (libs/domain/ticket.ts validateAgentAction). */
/** The ticket refused the action (409 action_refused). */
/** 409: `action_refused`, or `conversation_changed` with the changes when the collision guard refused a reply. */
class RefusedAction extends ApiError {
  constructor(readonly refusal: RememberedRefusal) {
    const code = refusal.changes ? 'conversation_changed' : 'action_refused';
    super(HttpStatus.CONFLICT, code, refusal.message, refusal.field, refusal.changes ? { changes: refusal.changes } : undefined);
  }
}

function refusedField(action: AgentAction, message: string): string | undefined {
  return Object.keys(action).find((key) => key !== 'type' && key !== 'messageId' && message.startsWith(`${key} `));
}

/** A reply's message id follows from its action id, so a retried reply is one message. */
function replyMessageId(actionId: string): string {
  return `reply-${actionId.replace(/^act-/, '')}`;
}

/** A query on a task queue no worker has polled lately: the server refuses it at once with FAILED_PRECONDITION. */
function noWorkerPolls(error: unknown): boolean {
  const cause = error instanceof Error ? error.cause : undefined;
  return isGrpcServiceError(cause) && cause.code === GrpcStatus.FAILED_PRECONDITION;
}
