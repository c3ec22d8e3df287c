import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { SqlEntityManager as EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { AuditLog } from '../../../libs/accounts/audit-log.js';
import {
  explainSlaPolicySelection,
  normalizeSlaPolicy,
  slaPolicyReferences,
  validateSlaPolicy,
  type SlaConditions,
  type SlaEscalation,
  type SlaPolicy,
  type SlaPolicyDefinition,
  type SlaPolicyInput,
  type SlaPolicyVerdict,
  type SlaTarget,
  type SlaTargetKind,
  type SlaTicketFacts,
} from '../../../libs/domain/sla-policies.js';
import { normalizeTag } from '../../../libs/domain/ticket.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import { loadSlaProfileFacts } from '../../../libs/sla/sla-profile-facts.js';
import { listSlaPolicies, SLA_POLICY_COLUMNS as COLUMNS, toStoredSlaPolicy as toPolicy, type SlaPolicyRow as PolicyRow, type StoredSlaPolicy } from '../../../libs/sla/sla-policy-store.js';
import { requireAccountManager, type AgentPrincipal } from '../auth/principal.js';
import { ApiError } from '../common/api-error.js';
import { ORM } from '../tokens.js';
import { SlaReplanService } from './sla-replan.service.js';

/** What the audit log keeps of a policy: its definition, without dates or place. */
const definitionOf = (policy: StoredSlaPolicy): SlaPolicyDefinition => ({
  name: policy.name,
  enabled: policy.enabled,
  conditions: policy.conditions,
  targets: policy.targets,
  pauseWhileSnoozed: policy.pauseWhileSnoozed,
  warnAtPercent: policy.warnAtPercent,
  onWarning: policy.onWarning,
  onBreach: policy.onBreach,
});

/**
 * Audit sections, like the calendars' (`businessCalendar:<id>`): a policy's own changes field by field under
 * `slaPolicy:<id>` (every field new on create, old on delete), the order of the list under `slaPolicies`.
 */
const policySection = (policyId: string) => `slaPolicy:${policyId}`;
const ORDER_SECTION = 'slaPolicies';

/**
 * An account's SLA policies (table sla_policies, migration 0020), in order. Owners and admins change them;
 * every inbox role reads them. Writes of one account run one at a time (a transaction-scoped advisory lock),
 * so positions stay 0..n-1 and a reorder sees the list it replaces.
 */
@Injectable()
export class SlaPoliciesService {
  constructor(
    @Inject(ORM) private readonly orm: Orm,
    @Inject(AuditLog) private readonly audit: AuditLog,
    @Inject(SlaReplanService) private readonly replan: SlaReplanService,
  ) {}

  async list(accountId: string): Promise<StoredSlaPolicy[]> {
    return listSlaPolicies(this.orm.em.fork(), accountId);
  }

  async find(accountId: string, policyId: string): Promise<StoredSlaPolicy> {
    const [row] = await this.orm.em.fork().execute<PolicyRow[]>(`SELECT ${COLUMNS} FROM sla_policies WHERE id = ? AND account_id = ?`, [policyId, accountId]);
    if (!row) throw ApiError.notFound(`SLA policy ${policyId} not found`);
    return toPolicy(row);
  }

  /** A new policy, last in the list. */
  async create(principal: AgentPrincipal, input: SlaPolicyInput): Promise<StoredSlaPolicy> {
    requireAccountManager(principal, 'change SLA policies; ask an owner or admin');
    const definition = await this.checked(principal.accountId, input);
    const created = await this.write(principal.accountId, definition.name, async (em) => {
      const [row] = await em.execute<PolicyRow[]>(
        `INSERT INTO sla_policies (id, account_id, position, name, enabled, conditions, targets, pause_while_snoozed, warn_at_percent, on_warning, on_breach, created_at, updated_at)
         VALUES (?, ?, (SELECT COALESCE(max(position) + 1, 0) FROM sla_policies WHERE account_id = ?), ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?::jsonb, ?::jsonb, now(), now())
         RETURNING ${COLUMNS}`,
        [randomUUID(), principal.accountId, principal.accountId, ...definitionParams(definition)],
      );
      return toPolicy(row!);
    });
    await this.audit.recordSettingsChange(principal.accountId, principal.user.id, policySection(created.id), {}, { ...definitionOf(created) });
    await this.replan.settingsChanged(principal.accountId);
    return created;
  }

  /** Replaces every field but the id and the place in the list. */
  async replace(principal: AgentPrincipal, policyId: string, input: SlaPolicyInput): Promise<StoredSlaPolicy> {
    requireAccountManager(principal, 'change SLA policies; ask an owner or admin');
    const before = await this.find(principal.accountId, policyId);
    const definition = await this.checked(principal.accountId, input);
    const after = await this.write(principal.accountId, definition.name, async (em) => {
      const [row] = await em.execute<PolicyRow[]>(
        `UPDATE sla_policies SET name = ?, enabled = ?, conditions = ?::jsonb, targets = ?::jsonb, pause_while_snoozed = ?, warn_at_percent = ?,
           on_warning = ?::jsonb, on_breach = ?::jsonb, updated_at = now()
         WHERE id = ? AND account_id = ? RETURNING ${COLUMNS}`,
        [...definitionParams(definition), policyId, principal.accountId],
      );
      if (!row) throw ApiError.notFound(`SLA policy ${policyId} not found`);
      return toPolicy(row);
    });
    await this.audit.recordSettingsChange(principal.accountId, principal.user.id, policySection(policyId), { ...definitionOf(before) }, { ...definitionOf(after) });
    await this.replan.settingsChanged(principal.accountId);
    return after;
  }

  /** Deletes the policy; the ones after it move up. */
  async remove(principal: AgentPrincipal, policyId: string): Promise<void> {
    requireAccountManager(principal, 'change SLA policies; ask an owner or admin');
    const removed = await this.write(principal.accountId, null, async (em) => {
      const [row] = await em.execute<PolicyRow[]>(`DELETE FROM sla_policies WHERE id = ? AND account_id = ? RETURNING ${COLUMNS}`, [policyId, principal.accountId]);
      if (!row) throw ApiError.notFound(`SLA policy ${policyId} not found`);
      await em.execute('UPDATE sla_policies SET position = position - 1 WHERE account_id = ? AND position > ?', [principal.accountId, row.position]);
      return toPolicy(row);
    });
    await this.audit.recordSettingsChange(principal.accountId, principal.user.id, policySection(policyId), { ...definitionOf(removed) }, {});
    await this.replan.settingsChanged(principal.accountId);
  }

  /** The new order: `ids` must list every policy of the account exactly once (else 400 `ids`). */
  async reorder(principal: AgentPrincipal, ids: string[]): Promise<StoredSlaPolicy[]> {
    requireAccountManager(principal, 'change SLA policies; ask an owner or admin');
    const { before, after } = await this.write(principal.accountId, null, async (em) => {
      const current = await listSlaPolicies(em, principal.accountId);
      const known = new Set(current.map((policy) => policy.id));
      const unknown = ids.find((id) => !known.has(id));
      if (unknown !== undefined) throw ApiError.badRequest(`ids: ${unknown} is not an SLA policy of this account`, 'ids');
      if (new Set(ids).size !== ids.length) throw ApiError.badRequest('ids: a policy is listed twice', 'ids');
      const missing = current.filter((policy) => !ids.includes(policy.id));
      if (missing.length > 0) throw ApiError.badRequest(`ids must list every SLA policy of the account; missing ${missing.map((policy) => policy.id).join(', ')}`, 'ids');
      if (ids.length > 0) {
        await em.execute(
          `UPDATE sla_policies p SET position = o.position, updated_at = now()
           FROM (SELECT value AS id, (ordinality - 1)::integer AS position FROM jsonb_array_elements_text(?::jsonb) WITH ORDINALITY) o
           WHERE p.id = o.id AND p.account_id = ? AND p.position <> o.position`,
          [JSON.stringify(ids), principal.accountId],
        );
      }
      return { before: current, after: await listSlaPolicies(em, principal.accountId) };
    });
    const order = (policies: StoredSlaPolicy[]) => ({ order: policies.map((policy) => policy.id) });
    await this.audit.recordSettingsChange(principal.accountId, principal.user.id, ORDER_SECTION, order(before), order(after));
    await this.replan.settingsChanged(principal.accountId);
    return after;
  }

  /** Which policy a ticket with these facts gets, and why not each one before it. */
  async match(
    accountId: string,
    facts: SlaTicketFacts,
    profileId?: string,
  ): Promise<{ ticket: SlaTicketFacts & { tags: string[] }; policy: StoredSlaPolicy | null; verdicts: (SlaPolicyVerdict & { position: number })[] }> {
    const policies = await this.list(accountId);
    const profile = profileId ? await loadSlaProfileFacts(this.orm.em.fork(), accountId, profileId) : null;
    if (profileId && !profile) throw ApiError.badRequest(`profileId: no profile ${profileId} in this account`, 'profileId');
    const ticket = { ...facts, ...(profileId ? { profile } : {}), tags: [...new Set(facts.tags.map((tag) => normalizeTag(tag)).filter((tag): tag is string => tag !== null))] };
    const { policy, verdicts } = explainSlaPolicySelection(policies, { ...ticket, profile });
    const positions = new Map(policies.map((stored) => [stored.id, stored.position]));
    return { ticket, policy, verdicts: verdicts.map((verdict) => ({ ...verdict, position: positions.get(verdict.policyId)! })) };
  }

  /** The stored form of the input, once the domain's rules hold and every calendar and user it names is the account's. */
  private async checked(accountId: string, input: SlaPolicyInput): Promise<SlaPolicyDefinition> {
    const [problem] = validateSlaPolicy(input);
    if (problem) throw ApiError.badRequest(problem.message, problem.field);
    const definition = normalizeSlaPolicy(input);
    const { calendars, users } = slaPolicyReferences(definition);
    const em = this.orm.em.fork();
    if (calendars.length > 0) {
      const rows = await em.execute<{ id: string }[]>(
        'SELECT id FROM business_calendars WHERE account_id = ? AND id IN (SELECT jsonb_array_elements_text(?::jsonb))',
        [accountId, JSON.stringify(calendars.map((reference) => reference.calendarId))],
      );
      const found = new Set(rows.map((row) => row.id));
      const missing = calendars.find((reference) => !found.has(reference.calendarId));
      if (missing) throw ApiError.badRequest(`${missing.field}: no business-hours calendar ${missing.calendarId} in this account`, missing.field);
    }
    if (users.length > 0) {
      const rows = await em.execute<{ id: string }[]>(
        `SELECT id FROM users WHERE account_id = ? AND deactivated_at IS NULL AND role IN ('owner', 'admin', 'manager', 'support')
           AND id IN (SELECT jsonb_array_elements_text(?::jsonb))`,
        [accountId, JSON.stringify(users.map((reference) => reference.userId))],
      );
      const found = new Set(rows.map((row) => row.id));
      const missing = users.find((reference) => !found.has(reference.userId));
      if (missing) throw ApiError.badRequest(`${missing.field}: no active inbox user ${missing.userId} in this account`, missing.field);
    }
    return definition;
  }

  /** Runs a write in a transaction holding the account's SLA-policy lock; a unique name violation is a 409 name_taken. */
  private async write<T>(accountId: string, name: string | null, run: (em: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.orm.em.fork().transactional(async (em) => {
        await em.execute('SELECT pg_advisory_xact_lock(hashtext(?))', [`sla_policies:${accountId}`]);
        return run(em);
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw ApiError.conflict('name_taken', `an SLA policy named "${name ?? ''}" already exists in this account`);
      throw error;
    }
  }
}

function definitionParams(definition: SlaPolicyDefinition): unknown[] {
  return [
    definition.name,
    definition.enabled,
    JSON.stringify(definition.conditions),
    JSON.stringify(definition.targets),
    definition.pauseWhileSnoozed,
    definition.warnAtPercent,
    JSON.stringify(definition.onWarning),
    JSON.stringify(definition.onBreach),
  ];
}

