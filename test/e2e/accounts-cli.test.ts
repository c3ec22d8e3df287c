import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AccountsService } from '../../libs/accounts/accounts.service.js';
import type { Orm } from '../../libs/persistence/orm.js';
import { createTestDatabase } from '../support/stack.js';

const run = promisify(execFile);
/** The compiled CLI: `npm test` type-checks and emits to dist/ before jest starts. */
const CLI = path.resolve('dist/apps/cli/main.js');

async function cli(args: string[], env: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string }> {
  const childEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...env })) if (value !== undefined) childEnv[key] = value;
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: childEnv });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the accounts CLI', () => {
  let url: string;
  let orm: Orm;

  beforeAll(async () => {
    ({ url, orm } = await createTestDatabase());
  });
  afterAll(async () => {
    await orm?.close();
  });

  it('says clearly that DATABASE_URL is needed', async () => {
    const result = await cli(['create-account', '--name', 'Acme', '--owner-email', 'a@b.co'], { DATABASE_URL: undefined });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DATABASE_URL is not set');
  });

  it('refuses unknown commands and missing options with usage errors', async () => {
    expect(await cli(['frobnicate'], { DATABASE_URL: url })).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command') });
    expect(await cli(['create-account', '--name', 'Acme'], { DATABASE_URL: url })).toMatchObject({ code: 2, stderr: expect.stringContaining('--owner-email is required') });
    expect(await cli(['create-user', '--account', 'x', '--email', 'a@b.co', '--name', 'A', '--role', 'agent'], { DATABASE_URL: url })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--role must be one of'),
    });
  });

  it('prints only the JSON on stdout through `npm run --silent cli -- … --json`, as the README says', async () => {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries({ ...process.env, DATABASE_URL: url })) if (value !== undefined) env[key] = value;
    // npm runs the script with the `node` first on PATH: the one the tests run on.
    env.PATH = `${path.dirname(process.execPath)}${path.delimiter}${env.PATH ?? ''}`;
    const { stdout } = await run('npm', ['run', '--silent', 'cli', '--', 'create-account', '--name', 'Quiet', '--owner-email', 'owner@quiet.test', '--json'], { env });
    expect(JSON.parse(stdout)).toMatchObject({ accountId: expect.any(String), ownerToken: expect.stringMatching(/^inbox_/) });
  });

  it('migrates, creates an account and a user, and prints tokens that authenticate', async () => {
    expect(await cli(['migrate'], { DATABASE_URL: url })).toMatchObject({ code: 0, stdout: expect.stringContaining('up to date') });

    const created = await cli(['create-account', '--name', 'Acme', '--owner-email', 'owner@acme.test', '--owner-name', 'Olive', '--json'], { DATABASE_URL: url });
    expect(created.code).toBe(0);
    const account = JSON.parse(created.stdout) as { accountId: string; ownerToken: string; integrationToken: string; owner: { name: string } };
    expect(account.owner.name).toBe('Olive');
    const service = new AccountsService(orm);
    expect(await service.authenticate(account.ownerToken)).toMatchObject({ kind: 'user', account: { id: account.accountId, name: 'Acme' } });
    expect(await service.authenticate(account.integrationToken)).toMatchObject({ kind: 'integration' });

    const user = await cli(['create-user', '--account', account.accountId, '--email', 'sam@acme.test', '--name', 'Sam', '--role', 'support'], { DATABASE_URL: url });
    expect(user.code).toBe(0);
    const token = /Token: (inbox_\S+)/.exec(user.stdout)?.[1];
    expect(await service.authenticate(token ?? '')).toMatchObject({ kind: 'user', user: { email: 'sam@acme.test', role: 'support' } });

    const duplicate = await cli(['create-user', '--account', account.accountId, '--email', 'SAM@acme.test', '--name', 'Sam again', '--role', 'support'], { DATABASE_URL: url });
    expect(duplicate).toMatchObject({ code: 1, stderr: expect.stringContaining('already exists') });
  });
});
