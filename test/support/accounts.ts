import { randomUUID } from 'node:crypto';
import { AccountsService } from '../../libs/accounts/accounts.service.js';
import { ROLES, type Role } from '../../libs/domain/access.js';
import type { Account, User } from '../../libs/persistence/entities/index.js';
import type { Orm } from '../../libs/persistence/orm.js';

export interface TestAccount {
  account: Account;
  accountId: string;
  /** A user of each requested role (the owner is always there). */
  users: Record<Role, User>;
  /** A user token for each requested role, for `Authorization: Bearer …`. */
  tokens: Record<Role, string>;
  integrationToken: string;
  /** `{ authorization: 'Bearer …' }` for a role's token, ready for fetch. */
  headers(role: Role): Record<string, string>;
}

/**
 * An account with one user (and one user token) per role, plus an integration token, so e2e tests
 * can call the API as anyone. Roles default to all of them; names and emails are unique per call.
 */
export async function createAccountWithUsers(orm: Orm, options: { name?: string; roles?: readonly Role[] } = {}): Promise<TestAccount> {
  const service = new AccountsService(orm);
  const suffix = randomUUID().slice(0, 8);
  const name = options.name ?? `Test brand ${suffix}`;
  const created = await service.createAccount({ name, ownerEmail: `owner-${suffix}@example.test`, ownerName: `Owner ${suffix}` });
  const users = { owner: created.owner } as Record<Role, User>;
  const tokens = { owner: created.ownerToken } as Record<Role, string>;
  for (const role of options.roles ?? ROLES) {
    if (role === 'owner') continue;
    const { user, rawToken } = await service.createUserWithToken(created.account.id, {
      email: `${role}-${suffix}@example.test`,
      name: `${role} ${suffix}`,
      role,
    });
    users[role] = user;
    tokens[role] = rawToken;
  }
  return {
    account: created.account,
    accountId: created.account.id,
    users,
    tokens,
    integrationToken: created.integrationToken,
    headers: (role) => {
      const token = tokens[role];
      if (!token) throw new Error(`createAccountWithUsers was not asked for a ${role}`);
      return { authorization: `Bearer ${token}` };
    },
  };
}
