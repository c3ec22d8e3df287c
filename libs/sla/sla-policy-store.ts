import type { SqlEntityManager } from '@mikro-orm/postgresql';
import type { SlaConditions, SlaEscalation, SlaPolicy, SlaTarget, SlaTargetKind } from '../domain/sla-policies.js';

/**
 * An account's SLA policies as stored (table sla_policies, migration 0020). The API writes them
 * (apps/api/sla); the SLA clock's timing activity reads them in order.
 */

/** A policy as the API answers it: the domain's policy with its place in the list and its dates. */
export interface StoredSlaPolicy extends SlaPolicy {
  position: number;
  createdAt: string;
  updatedAt: string;
}

export interface SlaPolicyRow {
  id: string;
  position: number;
  name: string;
  enabled: boolean;
  conditions: SlaConditions;
  targets: Partial<Record<SlaTargetKind, SlaTarget>>;
  pause_while_snoozed: boolean;
  warn_at_percent: number;
  on_warning: SlaEscalation[];
  on_breach: SlaEscalation[];
  created_at: Date;
  updated_at: Date;
}

export const SLA_POLICY_COLUMNS = 'id, position, name, enabled, conditions, targets, pause_while_snoozed, warn_at_percent, on_warning, on_breach, created_at, updated_at';

export const toStoredSlaPolicy = (row: SlaPolicyRow): StoredSlaPolicy => ({
  id: row.id,
  position: row.position,
  name: row.name,
  enabled: row.enabled,
  conditions: row.conditions,
  targets: row.targets,
  pauseWhileSnoozed: row.pause_while_snoozed,
  warnAtPercent: row.warn_at_percent,
  onWarning: row.on_warning,
  onBreach: row.on_breach,
  createdAt: new Date(row.created_at).toISOString(),
  updatedAt: new Date(row.updated_at).toISOString(),
});

/** The account's policies in their order: the first enabled one that matches a ticket applies. */
export async function listSlaPolicies(em: SqlEntityManager, accountId: string): Promise<StoredSlaPolicy[]> {
  const rows = await em.execute<SlaPolicyRow[]>(`SELECT ${SLA_POLICY_COLUMNS} FROM sla_policies WHERE account_id = ? ORDER BY position, created_at, id`, [accountId]);
  return rows.map(toStoredSlaPolicy);
}
