import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { isRole, ROLES, type Role } from '../domain/access.js';
import { Account, ApiToken, User, type ApiTokenKind } from '../persistence/entities/index.js';
import type { Orm } from '../persistence/orm.js';

/** Tokens look like `inbox_` + 32 random bytes in base64url (43 characters). */
export const TOKEN_PREFIX = 'inbox_';
const TOKEN_PATTERN = /^inbox_[A-Za-z0-9_-]{43}$/;

/** last_used_at is written at most this often per token, so authenticating is not a write per request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

const MAX_NAME_LENGTH = 200;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A refused account operation: the message is meant for the person who asked (CLI output, API error). */
export class AccountsError extends Error {
  constructor(
    readonly code: 'invalid' | 'not_found' | 'email_taken',
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'AccountsError';
  }
}

export interface NewAccount {
  name: string;
  ownerEmail: string;
  /** Defaults to the part of the email before the @. */
  ownerName?: string;
}

export interface NewUser {
  email: string;
  name: string;
  role: Role;
}

export interface CreatedAccount {
  account: Account;
  owner: User;
  /** The owner's user token, shown once. */
  ownerToken: string;
  /** A token for posting inbound messages (POST /integration/messages), shown once. */
  integrationToken: string;
}

export type TokenRequest =
  | { accountId: string; kind: 'user'; userId: string; name?: string }
  | { accountId: string; kind: 'integration'; name?: string };

export interface IssuedToken {
  token: ApiToken;
  /** The bearer token itself; only its hash is stored, so this is the one chance to see it. */
  rawToken: string;
}

/** Who a bearer token speaks for. */
export type Authentication =
  | { kind: 'user'; account: Account; user: User; tokenId: string }
  | { kind: 'integration'; account: Account; tokenId: string };

export function generateRawToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** SHA-256 hex of a token: what api_tokens.token_hash holds. */
export function hashToken(rawToken: string): string {
  return createHash('sha256').update(rawToken, 'utf8').digest('hex');
}

function requireText(value: unknown, field: string, label: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text) throw new AccountsError('invalid', `${label} must not be empty`, field);
  if (text.length > MAX_NAME_LENGTH) throw new AccountsError('invalid', `${label} must be at most ${MAX_NAME_LENGTH} characters`, field);
  return text;
}

function requireEmail(value: unknown, field: string): string {
  const email = typeof value === 'string' ? value.trim() : '';
  if (!EMAIL_PATTERN.test(email) || email.length > 320) throw new AccountsError('invalid', `${field} must be an email address (got "${String(value ?? '')}")`, field);
  return email;
}

function requireRole(value: unknown): Role {
  if (!isRole(value)) throw new AccountsError('invalid', `role must be one of ${ROLES.join(', ')} (got "${String(value ?? '')}")`, 'role');
  return value;
}

/**
 * Accounts, their users and API tokens. A plain class over the ORM so the API (through a Nest
 * provider), the CLI and `npm start`'s demo seeding share it.
 */
export class AccountsService {
  constructor(
    private readonly orm: Orm,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Creates an account with its owner, an owner token and an integration token, all or nothing. */
  createAccount(input: NewAccount): Promise<CreatedAccount> {
    return this.orm.em.fork().transactional((em) => this.createAccountIn(em, input));
  }

  /** As createAccount, inside a transaction the caller holds (e.g. to check something first). */
  async createAccountIn(em: EntityManager, input: NewAccount): Promise<CreatedAccount> {
    const name = requireText(input.name, 'name', 'the account name');
    const ownerEmail = requireEmail(input.ownerEmail, 'ownerEmail');
    const ownerName = requireText(input.ownerName ?? ownerEmail.split('@')[0], 'ownerName', 'the owner name');
    const createdAt = this.now();
    const account = em.create(Account, { id: randomUUID(), name, settings: {}, createdAt });
    await em.flush();
    const owner = await this.insertUser(em, account.id, { email: ownerEmail, name: ownerName, role: 'owner' });
    const ownerToken = await this.insertToken(em, { accountId: account.id, kind: 'user', userId: owner.id, name: 'owner token' });
    const integrationToken = await this.insertToken(em, { accountId: account.id, kind: 'integration', name: 'integration token' });
    return { account, owner, ownerToken: ownerToken.rawToken, integrationToken: integrationToken.rawToken };
  }

  /** Adds a user to an account. Emails are unique per account, ignoring case. */
  createUser(accountId: string, input: NewUser): Promise<User> {
    return this.orm.em.fork().transactional(async (em) => {
      await this.requireAccount(em, accountId);
      return this.insertUser(em, accountId, input);
    });
  }

  /** Adds a user and issues them a token in one transaction. */
  createUserWithToken(accountId: string, input: NewUser, tokenName?: string): Promise<{ user: User; rawToken: string }> {
    return this.orm.em.fork().transactional(async (em) => {
      await this.requireAccount(em, accountId);
      const user = await this.insertUser(em, accountId, input);
      const { rawToken } = await this.insertToken(em, { accountId, kind: 'user', userId: user.id, name: tokenName });
      return { user, rawToken };
    });
  }

  /** Issues a new token of an account (for one of its users, or an integration token). */
  issueToken(request: TokenRequest): Promise<IssuedToken> {
    return this.orm.em.fork().transactional(async (em) => {
      await this.requireAccount(em, request.accountId);
      if (request.kind === 'user') {
        const user = await em.findOne(User, { id: request.userId, accountId: request.accountId });
        if (!user) throw new AccountsError('not_found', `user ${request.userId} does not exist in account ${request.accountId}`, 'userId');
      }
      return this.insertToken(em, request);
    });
  }

  /**
   * Who a bearer token speaks for, or null when it is malformed, unknown, revoked or expired, or its
   * user is deactivated or its user or account is gone. Records when the token was last used (at most once per LAST_USED_RESOLUTION_MS).
   */
  async authenticate(rawToken: string): Promise<Authentication | null> {
    if (!TOKEN_PATTERN.test(rawToken)) return null;
    const em = this.orm.em.fork();
    const token = await em.findOne(ApiToken, { tokenHash: hashToken(rawToken) });
    if (!token) return null;
    // Revocation, expiry and deactivation (migration 0016) are read on every request, so they take effect at once.
    const [state] = await em.execute<{ live: boolean; last_active_at: Date | null }[]>(
      `SELECT (t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?) AND u.deactivated_at IS NULL) AS live, u.last_active_at
         FROM api_tokens t LEFT JOIN users u ON u.id = t.user_id WHERE t.id = ?`,
      [this.now(), token.id],
    );
    if (!state?.live) return null;
    const account = await em.findOne(Account, { id: token.accountId });
    if (!account) return null;
    let user: User | null = null;
    if (token.kind === 'user') {
      if (!token.userId) return null;
      user = await em.findOne(User, { id: token.userId, accountId: account.id });
      if (!user) return null;
    }
    const now = this.now();
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
      await em.nativeUpdate(ApiToken, { id: token.id }, { lastUsedAt: now });
    }
    if (user && (!state.last_active_at || now.getTime() - new Date(state.last_active_at).getTime() >= LAST_USED_RESOLUTION_MS)) {
      await em.execute('UPDATE users SET last_active_at = ? WHERE id = ?', [now, user.id]);
    }
    return user ? { kind: 'user', account, user, tokenId: token.id } : { kind: 'integration', account, tokenId: token.id };
  }

  findAccount(accountId: string): Promise<Account | null> {
    return this.orm.em.fork().findOne(Account, { id: accountId });
  }

  /** The users of one account, by name. */
  listUsers(accountId: string): Promise<User[]> {
    return this.orm.em.fork().find(User, { accountId }, { orderBy: { name: 'asc', email: 'asc', id: 'asc' } });
  }

  private async requireAccount(em: EntityManager, accountId: string): Promise<Account> {
    const account = await em.findOne(Account, { id: accountId });
    if (!account) throw new AccountsError('not_found', `account ${accountId} does not exist`, 'accountId');
    return account;
  }

  private async insertUser(em: EntityManager, accountId: string, input: NewUser): Promise<User> {
    const email = requireEmail(input.email, 'email');
    const name = requireText(input.name, 'name', 'the user name');
    const role = requireRole(input.role);
    const user = em.create(User, { id: randomUUID(), accountId, email, name, role, createdAt: this.now() });
    try {
      await em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new AccountsError('email_taken', `a user with email ${email} already exists in this account`, 'email');
      }
      throw error;
    }
    return user;
  }

  private async insertToken(em: EntityManager, request: TokenRequest): Promise<IssuedToken> {
    const kind: ApiTokenKind = request.kind;
    const rawToken = generateRawToken();
    const token = em.create(ApiToken, {
      id: randomUUID(),
      accountId: request.accountId,
      userId: request.kind === 'user' ? request.userId : null,
      kind,
      name: request.name?.trim() || `${kind} token`,
      tokenHash: hashToken(rawToken),
      createdAt: this.now(),
      lastUsedAt: null,
    });
    await em.flush();
    return { token, rawToken };
  }
}
