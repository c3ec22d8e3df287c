import { randomUUID } from 'node:crypto';
import { maskSecrets } from '../domain/team-rules.js';
import type { Orm } from '../persistence/orm.js';

/** What the audit log records: administration of an account, never its tickets. */
export const AUDIT_ACTIONS = [
  'sign_in.succeeded',
  'sign_in.failed',
  'sign_out',
  'sessions.ended_everywhere',
  'invitation.created',
  'invitation.accepted',
  'user.role_changed',
  'user.deactivated',
  'token.created',
  'token.revoked',
  'password_reset.requested',
  'password_reset.completed',
  'settings.changed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  accountId: string;
  actorUserId: string | null;
  action: AuditAction;
  /** What was acted on, e.g. `user:<id>`, `token:<id>`, `settings:sms`. */
  target?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditRecord {
  id: string;
  cursor: string;
  actorUserId: string | null;
  action: AuditAction;
  target: string | null;
  details: Record<string, unknown>;
  createdAt: Date;
}

export interface AuditQuery {
  action?: string;
  actorUserId?: string;
  from?: Date;
  to?: Date;
  /** The `cursor` of the last entry of the previous page. */
  cursor?: string;
  limit: number;
}

/** The audit log of administration (docs/team-access.md): appended to, never changed. Details are masked on the way in. */
export class AuditLog {
  constructor(
    private readonly orm: Orm,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.orm.em.fork().execute(
      'INSERT INTO audit_log (id, account_id, actor_user_id, action, target, details, created_at) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?)',
      [randomUUID(), entry.accountId, entry.actorUserId, entry.action, entry.target ?? null, JSON.stringify(maskSecrets(entry.details ?? {})), this.now()],
    );
  }

  /** A settings change: only the keys that changed, old → new, secrets masked. */
  async recordSettingsChange(accountId: string, actorUserId: string, section: string, before: Record<string, unknown>, after: Record<string, unknown>): Promise<void> {
    const changes: Record<string, { old: unknown; new: unknown }> = {};
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null)) changes[key] = { old: before[key] ?? null, new: after[key] ?? null };
    }
    await this.record({ accountId, actorUserId, action: 'settings.changed', target: `settings:${section}`, details: { section, changes } });
  }

  /** Newest first; the next page starts after `cursor`. */
  async list(accountId: string, query: AuditQuery): Promise<AuditRecord[]> {
    const where = ['account_id = ?'];
    const params: unknown[] = [accountId];
    if (query.action) (where.push('action = ?'), params.push(query.action));
    if (query.actorUserId) (where.push('actor_user_id = ?'), params.push(query.actorUserId));
    if (query.from) (where.push('created_at >= ?'), params.push(query.from));
    if (query.to) (where.push('created_at < ?'), params.push(query.to));
    if (query.cursor) (where.push('seq < ?'), params.push(query.cursor));
    const rows = await this.orm.em.fork().execute<
      { seq: string; id: string; actor_user_id: string | null; action: AuditAction; target: string | null; details: Record<string, unknown>; created_at: Date }[]
    >(`SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`, [...params, query.limit]);
    return rows.map((row) => ({
      id: row.id,
      cursor: String(row.seq),
      actorUserId: row.actor_user_id,
      action: row.action,
      target: row.target,
      details: row.details,
      createdAt: new Date(row.created_at),
    }));
  }
}
