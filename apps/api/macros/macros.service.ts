import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { AuditLog } from '../../../libs/accounts/audit-log.js';
import type { Channel } from '../../../libs/domain/channel-policy.js';
import {
  ASSIGN_TO_APPLYING_AGENT,
  canEditSharedMacros,
  macroSteps,
  macroValues,
  normalizeMacro,
  renderMacroReply,
  validateMacro,
  type MacroAction,
  type MacroDefinition,
  type MacroInput,
  type MacroPlanStep,
} from '../../../libs/domain/macros.js';
import { newTicketState, validateAgentAction, type TicketPriority } from '../../../libs/domain/ticket.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import type { AgentPrincipal } from '../auth/principal.js';
import { ApiError } from '../common/api-error.js';
import { IDEMPOTENCY_KEY_RETENTION_MS, IdempotencyKeysService } from '../tickets/idempotency-keys.service.js';
import { TicketActionsService, type ActionResult, type Actor, type RequestedAction } from '../tickets/ticket-actions.service.js';
import { TicketQueriesService, type TicketSummary } from '../tickets/ticket-queries.service.js';
import { ORM } from '../tokens.js';

export interface StoredMacro extends MacroDefinition {
  id: string;
  ownerUserId: string;
  usageCount: number;
  lastUsedAt: string | null;
  /** Whether the caller may change and delete it. */
  canEdit: boolean;
  createdAt: string;
  updatedAt: string;
}

interface MacroRow {
  id: string;
  owner_user_id: string;
  shared: boolean;
  name: string;
  reply: string | null;
  actions: MacroAction[];
  usage_count: number;
  last_used_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

type RequestedMacro = Extract<RequestedAction, { type: 'apply_macro' }>;

const COLUMNS = 'id, owner_user_id, shared, name, reply, actions, usage_count, last_used_at, created_at, updated_at';
/** What a principal sees: their own personal macros and the account's shared ones (the parameters: account, user). */
const VISIBLE = 'account_id = ? AND (shared OR owner_user_id = ?)';

const iso = (value: Date | null) => (value === null ? null : new Date(value).toISOString());

/** What the audit log keeps of a macro: its definition and owner, without counters or dates. */
const auditedFields = (macro: StoredMacro): Record<string, unknown> => ({
  name: macro.name,
  shared: macro.shared,
  ownerUserId: macro.ownerUserId,
  reply: macro.reply,
  actions: macro.actions,
});
const auditSection = (macroId: string) => `macro:${macroId}`;

/**
 * Macros (table macros, migration 0024; docs/macros.md). A personal macro is its owner's alone: nobody else
 * sees it. Shared macros are seen by every inbox user and changed by owners, admins and managers. Applying one
 * is one agent action on the ticket (TicketActionsService.act), counted once per action id.
 */
@Injectable()
export class MacrosService {
  constructor(
    @Inject(ORM) private readonly orm: Orm,
    @Inject(AuditLog) private readonly audit: AuditLog,
    private readonly actions: TicketActionsService,
    private readonly tickets: TicketQueriesService,
    private readonly keys: IdempotencyKeysService,
  ) {}

  async list(principal: AgentPrincipal): Promise<StoredMacro[]> {
    const rows = await this.orm.em.fork().execute<MacroRow[]>(`SELECT ${COLUMNS} FROM macros WHERE ${VISIBLE} ORDER BY lower(name), shared, id`, [
      principal.accountId,
      principal.user.id,
    ]);
    return rows.map((row) => this.toMacro(row, principal));
  }

  /** A macro the principal sees; 404 for another user's personal macro, as for one that does not exist. */
  async find(principal: AgentPrincipal, macroId: string): Promise<StoredMacro> {
    const [row] = await this.orm.em.fork().execute<MacroRow[]>(`SELECT ${COLUMNS} FROM macros WHERE id = ? AND ${VISIBLE}`, [macroId, principal.accountId, principal.user.id]);
    if (!row) throw ApiError.notFound(`macro ${macroId} not found`);
    return this.toMacro(row, principal);
  }

  async create(principal: AgentPrincipal, input: MacroInput): Promise<StoredMacro> {
    const definition = await this.checked(principal, input);
    this.assertMayEdit(principal, { shared: definition.shared, ownerUserId: principal.user.id });
    const row = await this.write(definition, (params) =>
      this.orm.em.fork().execute<MacroRow[]>(
        `INSERT INTO macros (id, account_id, owner_user_id, shared, name, reply, actions, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, now(), now()) RETURNING ${COLUMNS}`,
        [randomUUID(), principal.accountId, principal.user.id, ...params],
      ),
    );
    const created = this.toMacro(row, principal);
    await this.audit.recordSettingsChange(principal.accountId, principal.user.id, auditSection(created.id), {}, auditedFields(created));
    return created;
  }

  /** Replaces every field. A shared macro made personal becomes the personal macro of whoever made it so. */
  async replace(principal: AgentPrincipal, macroId: string, input: MacroInput): Promise<StoredMacro> {
    const before = await this.find(principal, macroId);
    this.assertMayEdit(principal, before);
    const definition = await this.checked(principal, input);
    this.assertMayEdit(principal, { shared: definition.shared, ownerUserId: principal.user.id });
    const owner = definition.shared ? before.ownerUserId : principal.user.id;
    const row = await this.write(definition, (params) =>
      this.orm.em.fork().execute<MacroRow[]>(
        `UPDATE macros SET shared = ?, name = ?, reply = ?, actions = ?::jsonb, owner_user_id = ?, updated_at = now()
         WHERE id = ? AND account_id = ? RETURNING ${COLUMNS}`,
        [...params, owner, macroId, principal.accountId],
      ),
    );
    const after = this.toMacro(row, principal);
    await this.audit.recordSettingsChange(principal.accountId, principal.user.id, auditSection(macroId), auditedFields(before), auditedFields(after));
    return after;
  }

  async remove(principal: AgentPrincipal, macroId: string): Promise<void> {
    const macro = await this.find(principal, macroId);
    this.assertMayEdit(principal, macro);
    await this.orm.em.fork().execute('DELETE FROM macros WHERE id = ? AND account_id = ?', [macroId, principal.accountId]);
    await this.audit.recordSettingsChange(principal.accountId, principal.user.id, auditSection(macroId), auditedFields(macro), {});
  }

  /**
   * Applies the macro to the ticket as one action: its reply rendered with the ticket's and the agent's values,
   * its actions as steps. With an Idempotency-Key a retry sends the action the first request built (the same
   * reply and snooze deadline), so it is the same action and gets its outcome. Counted once it is applied.
   */
  async apply(principal: AgentPrincipal, ticketId: string, macroId: string, idempotencyKey: string | undefined, onActionId: (actionId: string) => void): Promise<ActionResult> {
    const macro = await this.find(principal, macroId);
    const actor: Actor = { accountId: principal.accountId, userId: principal.user.id };
    if (idempotencyKey !== undefined) this.keys.assertUsable(idempotencyKey);
    let requested = idempotencyKey === undefined ? null : await this.rememberedRequest(actor, idempotencyKey, macroId, ticketId);
    if (!requested) {
      const ticket = await this.tickets.get(principal.accountId, principal.user.id, ticketId);
      requested = { type: 'apply_macro', macroId, macroName: macro.name, steps: await this.stepsFor(principal, macro, ticket) };
      await this.precheck(principal.accountId, ticket, requested.steps);
      if (idempotencyKey !== undefined) requested = await this.rememberRequest(actor, idempotencyKey, ticketId, requested);
    } else if (!(await this.keys.find(actor, idempotencyKey!))) {
      // Remembered but never handed to the ticket (refused before it, or the request died in between): checked again.
      await this.precheck(principal.accountId, await this.tickets.get(principal.accountId, principal.user.id, ticketId), requested.steps);
    }
    const result = await this.actWithStepNames(actor, ticketId, requested, idempotencyKey, onActionId);
    if (result.status === 'applied') await this.countUse(actor, macroId, ticketId, result.actionId);
    return result;
  }

  private async stepsFor(principal: AgentPrincipal, macro: StoredMacro, ticket: TicketSummary): Promise<MacroPlanStep[]> {
    let renderedReply: string | null = null;
    if (macro.reply !== null) {
      const [account] = await this.orm.em.fork().execute<{ name: string }[]>('SELECT name FROM accounts WHERE id = ?', [principal.accountId]);
      const values = macroValues({
        customer: ticket.customer,
        ticket: { id: ticket.id, subject: ticket.subject },
        agent: { name: principal.user.name, email: principal.user.email },
        account: { name: account?.name ?? '' },
      });
      renderedReply = renderMacroReply(macro.reply, values);
    }
    return macroSteps(macro, { renderedReply, agentUserId: principal.user.id, now: new Date() });
  }

  /**
   * Refusals known before the ticket is asked, named by step like the ticket's own: an assignee deactivated
   * (or gone) since the macro was saved, and a closed web chat, whose workflow has ended (it never reopens, so
   * the projection is final and the domain's rules can be run on it).
   */
  private async precheck(accountId: string, ticket: TicketSummary, steps: MacroPlanStep[]): Promise<void> {
    for (const [index, step] of steps.entries()) {
      if (step.type !== 'assign') continue;
      const problem = await this.assigneeProblem(accountId, step.assigneeId);
      if (problem) throw refused(`step ${index + 1} (assign): ${problem}`);
    }
    if (ticket.channel === 'web_chat' && ticket.status === 'closed') {
      const closedChat = {
        ...newTicketState({ ticketId: ticket.id, accountId, channel: ticket.channel as Channel, createdAt: ticket.createdAt }),
        status: 'closed' as const,
        closedAt: ticket.closedAt,
        tags: ticket.tags,
        assigneeId: ticket.assigneeId,
        priority: ticket.priority as TicketPriority,
      };
      const withIds = steps.map((step) => (step.type === 'reply' ? { ...step, messageId: 'precheck' } : step));
      const refusal = validateAgentAction(closedChat, { type: 'apply_macro', macroId: 'precheck', macroName: 'precheck', steps: withIds }, new Date().toISOString());
      if (refusal) throw refused(refusal);
    }
  }

  /** The channel's reply check (SMS consent) refuses the whole macro: its answer names the reply step too. */
  private async actWithStepNames(actor: Actor, ticketId: string, requested: RequestedMacro, key: string | undefined, onActionId: (actionId: string) => void): Promise<ActionResult> {
    try {
      return await this.actions.act(actor, ticketId, requested, key, onActionId);
    } catch (error) {
      const body = error instanceof ApiError ? (error.getResponse() as { error?: string; message?: string }) : undefined;
      const replyStep = requested.steps.findIndex((step) => step.type === 'reply');
      if (body?.error === 'sms_consent_missing' && replyStep >= 0) {
        throw new ApiError(HttpStatus.CONFLICT, 'sms_consent_missing', `step ${replyStep + 1} (reply): ${body.message ?? 'the customer has not consented to SMS'}`);
      }
      throw error;
    }
  }

  /** The request this key was first given for this macro and ticket, while the key is remembered. */
  private async rememberedRequest(actor: Actor, key: string, macroId: string, ticketId: string): Promise<RequestedMacro | null> {
    const [row] = await this.orm.em.fork().execute<{ action: RequestedMacro }[]>(
      `SELECT action FROM macro_requests WHERE account_id = ? AND user_id = ? AND idempotency_key = ? AND macro_id = ? AND ticket_id = ? AND created_at > ?`,
      [actor.accountId, actor.userId, key, macroId, ticketId, new Date(Date.now() - IDEMPOTENCY_KEY_RETENTION_MS)],
    );
    return row?.action ?? null;
  }

  /**
   * Keeps the request for the key, unless the key already holds one (a concurrent request, or another request:
   * then the ticket actions' own check answers 422). Returns the request to send.
   */
  private async rememberRequest(actor: Actor, key: string, ticketId: string, requested: RequestedMacro): Promise<RequestedMacro> {
    const expired = new Date(Date.now() - IDEMPOTENCY_KEY_RETENTION_MS);
    const em = this.orm.em.fork();
    await em.execute('DELETE FROM macro_requests WHERE account_id = ? AND user_id = ? AND created_at <= ?', [actor.accountId, actor.userId, expired]);
    await em.execute(
      `INSERT INTO macro_requests (account_id, user_id, idempotency_key, macro_id, ticket_id, action, created_at)
       VALUES (?, ?, ?, ?, ?, ?::jsonb, now()) ON CONFLICT (account_id, user_id, idempotency_key) DO NOTHING`,
      [actor.accountId, actor.userId, key, requested.macroId, ticketId, JSON.stringify(requested)],
    );
    return (await this.rememberedRequest(actor, key, requested.macroId, ticketId)) ?? requested;
  }

  /** One use per action id: a retried request (same Idempotency-Key, same action) is not counted again. */
  private async countUse(actor: Actor, macroId: string, ticketId: string, actionId: string): Promise<void> {
    await this.orm.em.fork().execute(
      `WITH counted AS (
         INSERT INTO macro_uses (action_id, macro_id, account_id, ticket_id, user_id, used_at)
         SELECT ?, id, account_id, ?, ?, now() FROM macros WHERE id = ? AND account_id = ?
         ON CONFLICT (action_id) DO NOTHING
         RETURNING macro_id, used_at
       )
       UPDATE macros m SET usage_count = m.usage_count + 1, last_used_at = counted.used_at FROM counted WHERE m.id = counted.macro_id`,
      [actionId, ticketId, actor.userId, macroId, actor.accountId],
    );
  }

  /** The stored form once the domain's rules hold and every assignee named is an active inbox user of the account. */
  private async checked(principal: AgentPrincipal, input: MacroInput): Promise<MacroDefinition> {
    const [problem] = validateMacro(input);
    if (problem) throw ApiError.badRequest(problem.message, problem.field);
    const definition = normalizeMacro(input);
    for (const [index, action] of definition.actions.entries()) {
      if (action.type !== 'assign' || action.assigneeId === ASSIGN_TO_APPLYING_AGENT) continue;
      const assigneeProblem = await this.assigneeProblem(principal.accountId, action.assigneeId);
      const field = `actions[${index}].assigneeId`;
      if (assigneeProblem) throw ApiError.badRequest(`${field}: ${assigneeProblem}`, field);
    }
    return definition;
  }

  /** Why this user cannot be given tickets, or null when they can. */
  private async assigneeProblem(accountId: string, userId: string): Promise<string | null> {
    const [user] = await this.orm.em.fork().execute<{ role: string; deactivated_at: Date | null }[]>('SELECT role, deactivated_at FROM users WHERE id = ? AND account_id = ?', [
      userId,
      accountId,
    ]);
    if (!user) return `no user ${userId} in this account`;
    if (user.deactivated_at !== null) return `user ${userId} has been deactivated`;
    if (!['owner', 'admin', 'manager', 'support'].includes(user.role)) return `user ${userId} (${user.role}) does not work in the inbox`;
    return null;
  }

  /** A personal macro is its owner's to change; a shared one is owners', admins' and managers'. */
  private assertMayEdit(principal: AgentPrincipal, macro: { shared: boolean; ownerUserId: string }): void {
    if (!this.mayEdit(principal, macro)) {
      throw ApiError.forbidden(macro.shared ? `role ${principal.user.role} may not create or change shared macros; ask an owner, admin or manager` : 'only its owner may change a personal macro');
    }
  }

  private mayEdit(principal: AgentPrincipal, macro: { shared: boolean; ownerUserId: string }): boolean {
    return macro.shared ? canEditSharedMacros(principal.user.role) : macro.ownerUserId === principal.user.id;
  }

  /** Runs the write; a name already taken in the macro's scope is a 409 name_taken. */
  private async write(definition: MacroDefinition, run: (params: unknown[]) => Promise<MacroRow[]>): Promise<MacroRow> {
    try {
      const [row] = await run([definition.shared, definition.name, definition.reply, JSON.stringify(definition.actions)]);
      if (!row) throw ApiError.notFound('macro not found');
      return row;
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new ApiError(HttpStatus.CONFLICT, 'name_taken', `${definition.shared ? 'a shared macro of the account' : 'one of your personal macros'} is already named "${definition.name}"`, 'name');
      }
      throw error;
    }
  }

  private toMacro(row: MacroRow, principal: AgentPrincipal): StoredMacro {
    return {
      id: row.id,
      ownerUserId: row.owner_user_id,
      shared: row.shared,
      name: row.name,
      reply: row.reply,
      actions: row.actions,
      usageCount: row.usage_count,
      lastUsedAt: iso(row.last_used_at),
      canEdit: this.mayEdit(principal, { shared: row.shared, ownerUserId: row.owner_user_id }),
      createdAt: iso(row.created_at)!,
      updatedAt: iso(row.updated_at)!,
    };
  }
}

/** The macro cannot be applied as it stands: 409 action_refused, as the ticket answers its own refusals. */
function refused(message: string): ApiError {
  return new ApiError(HttpStatus.CONFLICT, 'action_refused', message);
}
