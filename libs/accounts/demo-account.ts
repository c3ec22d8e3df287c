import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createLogger } from '../logger/logger.js';
import { Account } from '../persistence/entities/index.js';
import type { Orm } from '../persistence/orm.js';
import { AccountsService, type CreatedAccount } from './accounts.service.js';
import { hashPassword } from './passwords.js';

const log = createLogger('accounts');

export const DEMO_ACCOUNT = { name: 'Demo brand', ownerEmail: 'demo@example.com', ownerName: 'Demo owner' } as const;
export const DEMO_CREDENTIALS_FILE = 'demo-credentials.txt';

/** The demo owner's password: 18 random bytes in base64url, 24 characters (at least 16 asked for). */
const generateDemoPassword = (): string => randomBytes(18).toString('base64url');

export type DemoAccount = CreatedAccount & { ownerPassword: string };

export type DemoAccountOutcome =
  | (DemoAccount & { created: true; credentialsFile: string | undefined })
  | { created: false; credentialsFile: string | undefined };

/**
 * `npm start`'s first run: when the database has no account at all, creates "Demo brand" with an
 * owner with a random password and writes the password and both tokens to `<dataDir>/demo-credentials.txt`
 * (mode 0600), the only copy of them since the database keeps hashes. Later calls create nothing and report that file, if any.
 */
export async function ensureDemoAccount(orm: Orm, options: { dataDir: string; accounts?: AccountsService }): Promise<DemoAccountOutcome> {
  const accounts = options.accounts ?? new AccountsService(orm);
  const file = path.join(options.dataDir, DEMO_CREDENTIALS_FILE);
  const ownerPassword = generateDemoPassword();
  const passwordHash = await hashPassword(ownerPassword);
  const created = await orm.em.fork().transactional(async (em): Promise<DemoAccount | undefined> => {
    // Two processes starting against one database must not both seed it.
    await em.execute('SELECT pg_advisory_xact_lock(hashtext(?))', ['inbox:demo-account']);
    if ((await em.count(Account, {})) > 0) return undefined;
    const account = await accounts.createAccountIn(em, DEMO_ACCOUNT);
    await em.execute('UPDATE users SET password_hash = ? WHERE id = ?', [passwordHash, account.owner.id]);
    return { ...account, ownerPassword };
  });
  if (!created) return { created: false, credentialsFile: existsSync(file) ? file : undefined };

  log.info('created the demo account', { accountId: created.account.id, ownerEmail: created.owner.email });
  try {
    await mkdir(options.dataDir, { recursive: true });
    await writeFile(file, demoCredentialsText(created), { mode: 0o600 });
    await chmod(file, 0o600);
    return { ...created, created: true, credentialsFile: file };
  } catch (error) {
    log.warn('could not write the demo credentials file; the tokens are only shown now', { file, error: String(error) });
    return { ...created, created: true, credentialsFile: undefined };
  }
}

export function demoCredentialsText(created: DemoAccount): string {
  return [
    `# Demo account created by npm start on ${created.account.createdAt.toISOString()}.`,
    '# The password and tokens are stored hashed in the database: this file is the only copy. Keep it private.',
    `account:           ${created.account.name} (${created.account.id})`,
    `owner:             ${created.owner.name} <${created.owner.email}>`,
    `owner password:    ${created.ownerPassword}`,
    `owner token:       ${created.ownerToken}`,
    `integration token: ${created.integrationToken}`,
    '',
    '# Sign in with the owner email and password (POST /auth/sign-in), or send Authorization: Bearer <owner token>.',
    '# Integrations post inbound messages with the integration token.',
    '',
  ].join('\n');
}
