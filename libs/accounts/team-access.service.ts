import { randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isRole, ROLES, type Role } from '../domain/access.js';
import { deactivationRefusal, passwordProblem, roleChangeRefusal, type TeamRefusal } from '../domain/team-rules.js';
import type { Orm } from '../persistence/orm.js';
import { generateRawToken, hashToken } from './accounts.service.js';
import { hashPassword, verifyPassword } from './passwords.js';

/** A browser session ends after this long without a request… */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
/** …and in any case this long after sign-in. */
export const SESSION_ABSOLUTE_MS = 30 * 24 * 60 * 60 * 1000;
/** The idle expiry is pushed back at most this often, so a busy session is not a write per request. */
export const SESSION_REFRESH_RESOLUTION_MS = 5 * 60 * 1000;
/** users.last_active_at is written at most this often. */
export const LAST_ACTIVE_RESOLUTION_MS = 60_000;
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const PASSWORD_RESET_TTL_MS = 60 * 60 * 1000;
/** How many characters of a token the lists show, enough to tell tokens apart (`inbox_` + 6). */
export const TOKEN_PREFIX_LENGTH = 12;

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_NAME_LENGTH = 200;

/** A refused team operation; `kind` maps to the HTTP status, `code` is the stable error code. */
export class TeamError extends Error {
  constructor(
    readonly kind: 'invalid' | 'forbidden' | 'not_found' | 'conflict',
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'TeamError';
  }
}

function refuse(refusal: TeamRefusal): void {
  if (refusal.refused) throw refusal.kind === 'last_owner' ? new TeamError('conflict', 'last_owner', refusal.message) : new TeamError('forbidden', 'forbidden', refusal.message);
}

function requirePassword(password: unknown): string {
  const problem = passwordProblem(password);
  if (problem) throw new TeamError('invalid', 'validation_failed', problem, 'password');
  return password as string;
}

function requireEmail(value: unknown): string {
  const email = typeof value === 'string' ? value.trim() : '';
  if (!EMAIL_PATTERN.test(email) || email.length > 320) throw new TeamError('invalid', 'validation_failed', 'email must be an email address', 'email');
  return email;
}

function requireName(value: unknown): string {
  const name = typeof value === 'string' ? value.trim() : '';
  if (!name || name.length > MAX_NAME_LENGTH) throw new TeamError('invalid', 'validation_failed', `name must be 1 to ${MAX_NAME_LENGTH} characters`, 'name');
  return name;
}

/** A random secret for a link or cookie: 32 bytes, base64url. */
const randomSecret = (): string => randomBytes(32).toString('base64url');

export interface SessionUser {
  id: string;
  accountId: string;
  role: Role;
  email: string;
  name: string;
}

export interface ResolvedSession {
  sessionId: string;
  csrfHash: string;
  user: SessionUser;
}

export interface NewSession {
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
}

export type SignInOutcome =
  | { outcome: 'ok'; user: SessionUser }
  /** `accountIds`: the accounts whose users have that email (for the audit log and per-account throttling). */
  | { outcome: 'failed'; accountIds: string[] }
  | { outcome: 'ambiguous'; accountIds: string[] };

export interface TeamMember {
  id: string;
  name: string;
  email: string;
  role: Role;
  status: 'active' | 'deactivated';
  lastActiveAt: Date | null;
}

export interface TokenRecord {
  id: string;
  name: string;
  prefix: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}

export interface Actor {
  accountId: string;
  userId: string;
  role: Role;
}

interface UserRow {
  id: string;
  account_id: string;
  email: string;
  name: string;
  role: Role;
  password_hash: string | null;
  deactivated_at: Date | null;
  last_active_at: Date | null;
}

interface TokenRow {
  id: string;
  name: string;
  token_prefix: string | null;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
}

const toSessionUser = (row: UserRow): SessionUser => ({ id: row.id, accountId: row.account_id, role: row.role, email: row.email, name: row.name });
const toTokenRecord = (row: TokenRow): TokenRecord => ({
  id: row.id,
  name: row.name,
  prefix: row.token_prefix,
  createdAt: new Date(row.created_at),
  lastUsedAt: row.last_used_at ? new Date(row.last_used_at) : null,
  expiresAt: row.expires_at ? new Date(row.expires_at) : null,
});

/**
 * Passwords, sessions, invitations, password resets, the team's roles and API tokens over HTTP
 * (SPEC §10, docs/team-access.md). A plain class over the ORM, like AccountsService.
 */
export class TeamAccessService {
  constructor(
    private readonly orm: Orm,
    private readonly now: () => Date = () => new Date(),
  ) {}

  // ---- sign-in and sessions

  /**
   * Checks an email and password. Exactly one password verification per candidate user, and one
   * against a dummy hash when there is none, so an unknown email costs what a wrong password costs.
   */
  async verifySignIn(email: string, password: string, accountId?: string): Promise<SignInOutcome> {
    const rows = await this.orm.em.fork().execute<UserRow[]>('SELECT * FROM users WHERE lower(email) = lower(?) ORDER BY created_at, id', [email.trim()]);
    const accountIds = [...new Set(rows.map((row) => row.account_id))];
    const candidates = rows.filter((row) => row.deactivated_at === null && (!accountId || row.account_id === accountId));
    if (candidates.length === 0 || password.length > 1024) {
      await verifyPassword(null, password.slice(0, 1024));
      return { outcome: 'failed', accountIds };
    }
    const matches: UserRow[] = [];
    for (const candidate of candidates) if (await verifyPassword(candidate.password_hash, password)) matches.push(candidate);
    if (matches.length === 1) return { outcome: 'ok', user: toSessionUser(matches[0]!) };
    if (matches.length > 1) return { outcome: 'ambiguous', accountIds: matches.map((row) => row.account_id) };
    return { outcome: 'failed', accountIds };
  }

  async createSession(user: SessionUser, em: EntityManager = this.orm.em.fork()): Promise<NewSession> {
    const sessionToken = randomSecret();
    const csrfToken = randomSecret();
    const now = this.now();
    const expiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_MS);
    await em.execute(
      `INSERT INTO sessions (id, account_id, user_id, token_hash, csrf_hash, created_at, last_seen_at, idle_expires_at, absolute_expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [randomUUID(), user.accountId, user.id, hashToken(sessionToken), hashToken(csrfToken), now, now, new Date(now.getTime() + SESSION_IDLE_MS), expiresAt],
    );
    await em.execute('UPDATE users SET last_active_at = ? WHERE id = ?', [now, user.id]);
    return { sessionToken, csrfToken, expiresAt };
  }

  /** The live session of a cookie value, or null; reads the database every time (revocation is immediate). */
  async resolveSession(sessionToken: string): Promise<ResolvedSession | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(sessionToken)) return null;
    const em = this.orm.em.fork();
    const now = this.now();
    const [row] = await em.execute<(UserRow & { session_id: string; csrf_hash: string; last_seen_at: Date })[]>(
      `SELECT u.*, s.id AS session_id, s.csrf_hash, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = ? AND s.ended_at IS NULL AND s.idle_expires_at > ? AND s.absolute_expires_at > ? AND u.deactivated_at IS NULL`,
      [hashToken(sessionToken), now, now],
    );
    if (!row) return null;
    if (now.getTime() - new Date(row.last_seen_at).getTime() >= SESSION_REFRESH_RESOLUTION_MS) {
      await em.execute('UPDATE sessions SET last_seen_at = ?, idle_expires_at = LEAST(?, absolute_expires_at) WHERE id = ?', [now, new Date(now.getTime() + SESSION_IDLE_MS), row.session_id]);
    }
    await this.touchUser(row, em);
    return { sessionId: row.session_id, csrfHash: row.csrf_hash, user: toSessionUser(row) };
  }

  /** Records a user's activity, at most once per LAST_ACTIVE_RESOLUTION_MS. */
  async touchUser(user: { id: string; last_active_at: Date | null }, em: EntityManager = this.orm.em.fork()): Promise<void> {
    const now = this.now();
    if (user.last_active_at && now.getTime() - new Date(user.last_active_at).getTime() < LAST_ACTIVE_RESOLUTION_MS) return;
    await em.execute('UPDATE users SET last_active_at = ? WHERE id = ?', [now, user.id]);
  }

  async endSession(sessionId: string): Promise<void> {
    await this.orm.em.fork().execute('UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL', [this.now(), sessionId]);
  }

  /** Ends every session of the user; answers how many were live. */
  async endAllSessions(userId: string, em: EntityManager = this.orm.em.fork()): Promise<number> {
    const rows = await em.execute<{ id: string }[]>('UPDATE sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL RETURNING id', [this.now(), userId]);
    return rows.length;
  }

  async setPassword(userId: string, password: string): Promise<void> {
    const passwordHash = await hashPassword(requirePassword(password));
    await this.orm.em.fork().execute('UPDATE users SET password_hash = ? WHERE id = ?', [passwordHash, userId]);
  }

  // ---- invitations

  async invite(actor: Actor, emailInput: unknown, role: unknown): Promise<{ id: string; email: string; role: Role; expiresAt: Date; rawToken: string }> {
    const email = requireEmail(emailInput);
    if (!isRole(role)) throw new TeamError('invalid', 'validation_failed', `role must be one of ${ROLES.join(', ')}`, 'role');
    refuse(roleChangeRefusal(actor.role, null, role, Number.POSITIVE_INFINITY));
    const em = this.orm.em.fork();
    const [existing] = await em.execute<{ id: string }[]>('SELECT id FROM users WHERE account_id = ? AND lower(email) = lower(?)', [actor.accountId, email]);
    if (existing) throw new TeamError('conflict', 'email_taken', `a user with email ${email} already exists in this account`, 'email');
    const rawToken = randomSecret();
    const now = this.now();
    const id = randomUUID();
    const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
    await em.execute('INSERT INTO invitations (id, account_id, email, role, token_hash, invited_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      id,
      actor.accountId,
      email,
      role,
      hashToken(rawToken),
      actor.userId,
      now,
      expiresAt,
    ]);
    return { id, email, role, expiresAt, rawToken };
  }

  /** Creates the invited user with their password and signs them in; an invitation is used once. */
  acceptInvitation(rawToken: string, nameInput: unknown, password: unknown): Promise<{ user: SessionUser; invitationId: string; session: NewSession }> {
    const name = requireName(nameInput);
    const validPassword = requirePassword(password);
    return this.orm.em.fork().transactional(async (em) => {
      const now = this.now();
      const [invitation] = await em.execute<{ id: string; account_id: string; email: string; role: Role }[]>(
        'SELECT * FROM invitations WHERE token_hash = ? AND accepted_at IS NULL AND expires_at > ? FOR UPDATE',
        [hashToken(rawToken), now],
      );
      if (!invitation) throw new TeamError('invalid', 'invitation_invalid', 'the invitation is unknown, already used or expired', 'token');
      const [taken] = await em.execute<{ id: string }[]>('SELECT id FROM users WHERE account_id = ? AND lower(email) = lower(?)', [invitation.account_id, invitation.email]);
      if (taken) throw new TeamError('conflict', 'email_taken', `a user with email ${invitation.email} already exists in this account`, 'email');
      const user: SessionUser = { id: randomUUID(), accountId: invitation.account_id, email: invitation.email, name, role: invitation.role };
      await em.execute('INSERT INTO users (id, account_id, email, name, role, created_at, password_hash) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        user.id,
        user.accountId,
        user.email,
        user.name,
        user.role,
        now,
        await hashPassword(validPassword),
      ]);
      await em.execute('UPDATE invitations SET accepted_at = ?, accepted_user_id = ? WHERE id = ?', [now, user.id, invitation.id]);
      const session = await this.createSession(user, em);
      return { user, invitationId: invitation.id, session };
    });
  }

  // ---- password resets

  /** A reset link per active user with that email (one per account); empty when there is none. */
  async createPasswordResets(email: string): Promise<{ user: SessionUser; rawToken: string }[]> {
    const em = this.orm.em.fork();
    const users = await em.execute<UserRow[]>('SELECT * FROM users WHERE lower(email) = lower(?) AND deactivated_at IS NULL', [email.trim()]);
    const now = this.now();
    const resets: { user: SessionUser; rawToken: string }[] = [];
    for (const row of users) {
      const rawToken = randomSecret();
      await em.execute('INSERT INTO password_resets (id, user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)', [
        randomUUID(),
        row.id,
        hashToken(rawToken),
        now,
        new Date(now.getTime() + PASSWORD_RESET_TTL_MS),
      ]);
      resets.push({ user: toSessionUser(row), rawToken });
    }
    return resets;
  }

  /** Sets the new password and ends all the user's sessions; a reset link works once. */
  async confirmPasswordReset(rawToken: string, password: unknown): Promise<SessionUser> {
    const passwordHash = await hashPassword(requirePassword(password));
    return this.orm.em.fork().transactional(async (em) => {
      const now = this.now();
      const [row] = await em.execute<UserRow[]>(
        `UPDATE password_resets r SET used_at = ? FROM users u
          WHERE r.token_hash = ? AND r.used_at IS NULL AND r.expires_at > ? AND u.id = r.user_id AND u.deactivated_at IS NULL
          RETURNING u.*`,
        [now, hashToken(rawToken), now],
      );
      if (!row) throw new TeamError('invalid', 'reset_token_invalid', 'the reset link is unknown, already used or expired', 'token');
      await em.execute('UPDATE users SET password_hash = ? WHERE id = ?', [passwordHash, row.id]);
      await this.endAllSessions(row.id, em);
      return toSessionUser(row);
    });
  }

  // ---- the team

  async listTeam(accountId: string): Promise<TeamMember[]> {
    const rows = await this.orm.em.fork().execute<UserRow[]>('SELECT * FROM users WHERE account_id = ? ORDER BY name, email, id', [accountId]);
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      email: row.email,
      role: row.role,
      status: row.deactivated_at ? 'deactivated' : 'active',
      lastActiveAt: row.last_active_at ? new Date(row.last_active_at) : null,
    }));
  }

  changeRole(actor: Actor, userId: string, role: unknown): Promise<{ oldRole: Role; newRole: Role }> {
    if (!isRole(role)) throw new TeamError('invalid', 'validation_failed', `role must be one of ${ROLES.join(', ')}`, 'role');
    return this.orm.em.fork().transactional(async (em) => {
      const { target, activeOwners } = await this.lockTeam(em, actor.accountId, userId);
      refuse(roleChangeRefusal(actor.role, target.role, role, activeOwners));
      await em.execute('UPDATE users SET role = ? WHERE id = ?', [role, target.id]);
      return { oldRole: target.role, newRole: role };
    });
  }

  /** Deactivates a user: their sessions end and their tokens are revoked in the same transaction. */
  deactivate(actor: Actor, userId: string): Promise<{ endedSessions: number; revokedTokens: number }> {
    return this.orm.em.fork().transactional(async (em) => {
      const { target, activeOwners } = await this.lockTeam(em, actor.accountId, userId);
      if (target.deactivated_at) return { endedSessions: 0, revokedTokens: 0 };
      refuse(deactivationRefusal(actor.role, target.role, activeOwners));
      const now = this.now();
      await em.execute('UPDATE users SET deactivated_at = ? WHERE id = ?', [now, target.id]);
      const endedSessions = await this.endAllSessions(target.id, em);
      const revoked = await em.execute<{ id: string }[]>('UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL RETURNING id', [now, target.id]);
      return { endedSessions, revokedTokens: revoked.length };
    });
  }

  /** Locks the account's users (so two changes cannot both remove "the other" owner) and finds the target. */
  private async lockTeam(em: EntityManager, accountId: string, userId: string): Promise<{ target: UserRow; activeOwners: number }> {
    const rows = await em.execute<UserRow[]>('SELECT * FROM users WHERE account_id = ? ORDER BY id FOR UPDATE', [accountId]);
    const target = rows.find((row) => row.id === userId);
    if (!target) throw new TeamError('not_found', 'not_found', `user ${userId} does not exist in this account`);
    return { target, activeOwners: rows.filter((row) => row.role === 'owner' && row.deactivated_at === null).length };
  }

  // ---- API tokens

  async issueToken(request: { accountId: string; kind: 'user' | 'integration'; userId?: string; name: unknown; expiresAt?: Date }): Promise<TokenRecord & { rawToken: string }> {
    const name = requireName(request.name);
    if (request.expiresAt && request.expiresAt.getTime() <= this.now().getTime()) throw new TeamError('invalid', 'validation_failed', 'expiresAt must be in the future', 'expiresAt');
    const rawToken = generateRawToken();
    const record: TokenRecord = { id: randomUUID(), name, prefix: rawToken.slice(0, TOKEN_PREFIX_LENGTH), createdAt: this.now(), lastUsedAt: null, expiresAt: request.expiresAt ?? null };
    await this.orm.em.fork().execute(
      'INSERT INTO api_tokens (id, account_id, user_id, kind, name, token_hash, token_prefix, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [record.id, request.accountId, request.kind === 'user' ? request.userId : null, request.kind, name, hashToken(rawToken), record.prefix, record.createdAt, record.expiresAt],
    );
    return { ...record, rawToken };
  }

  /** Tokens not revoked, newest first: a user's own, or the account's integration tokens. */
  async listTokens(accountId: string, owner: { kind: 'user'; userId: string } | { kind: 'integration' }): Promise<TokenRecord[]> {
    const rows = await this.orm.em.fork().execute<TokenRow[]>(
      `SELECT * FROM api_tokens WHERE account_id = ? AND kind = ? AND revoked_at IS NULL ${owner.kind === 'user' ? 'AND user_id = ?' : ''} ORDER BY created_at DESC, id`,
      owner.kind === 'user' ? [accountId, 'user', owner.userId] : [accountId, 'integration'],
    );
    return rows.map(toTokenRecord);
  }

  /** Revokes a token; false when there is no such live token of that owner. */
  async revokeToken(accountId: string, owner: { kind: 'user'; userId: string } | { kind: 'integration' }, tokenId: string): Promise<TokenRecord | null> {
    const [row] = await this.orm.em.fork().execute<TokenRow[]>(
      `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND account_id = ? AND kind = ? AND revoked_at IS NULL ${owner.kind === 'user' ? 'AND user_id = ?' : ''} RETURNING *`,
      [this.now(), tokenId, accountId, owner.kind, ...(owner.kind === 'user' ? [owner.userId] : [])],
    );
    return row ? toTokenRecord(row) : null;
  }
}
