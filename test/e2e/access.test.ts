import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Global, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AuthModule } from '../../apps/api/auth/auth.module.js';
import { CurrentPrincipal, IntegrationOnly, Public, type Principal } from '../../apps/api/auth/principal.js';
import { ErrorShapeFilter } from '../../apps/api/common/error.filter.js';
import { RateLimitsModule } from '../../apps/api/rate-limits/rate-limits.module.js';
import { APP_CONFIG, ORM } from '../../apps/api/tokens.js';
import { AccountsError, AccountsService, hashToken } from '../../libs/accounts/accounts.service.js';
import { DEMO_ACCOUNT, ensureDemoAccount } from '../../libs/accounts/demo-account.js';
import { loadConfig } from '../../libs/config/config.js';
import { Account, ApiToken, User } from '../../libs/persistence/entities/index.js';
import type { Orm } from '../../libs/persistence/orm.js';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { createTestDatabase, startTestStack, type TestStack } from '../support/stack.js';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

describe('access (SPEC §10): bearer tokens, roles and accounts over HTTP', () => {
  let stack: TestStack;
  let acme: TestAccount;
  let globex: TestAccount;

  const get = (route: string, headers: Record<string, string> = {}) => fetch(`${stack.baseUrl}${route}`, { headers });

  beforeAll(async () => {
    stack = await startTestStack();
    acme = await createAccountWithUsers(stack.orm, { name: 'Acme' });
    globex = await createAccountWithUsers(stack.orm, { name: 'Globex', roles: ['owner', 'support'] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('keeps /health, the diagnostics and the OpenAPI document public', async () => {
    expect((await get('/health')).status).toBe(200);
    expect((await get('/docs/openapi.json')).status).toBe(200);
  });

  it('answers 401 without a token', async () => {
    const response = await get('/me');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const body = (await response.json()) as ErrorBody;
    expect(body).toMatchObject({ statusCode: 401, error: 'unauthenticated' });
    expect(body.message).toContain('Authorization: Bearer');
  });

  it.each([
    ['an unknown token', 'Bearer inbox_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a token of the wrong shape', 'Bearer not-a-token'],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['an empty bearer', 'Bearer '],
  ])('answers 401 to %s', async (_label, authorization) => {
    const response = await get('/me', { authorization });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ statusCode: 401, error: 'unauthenticated' });
  });

  it.each(['analyst', 'content_creator'] as const)('refuses the inbox to the %s role with 403', async (role) => {
    for (const route of ['/me', '/users']) {
      const response = await get(route, acme.headers(role));
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ statusCode: 403, error: 'forbidden', message: `role ${role} may not use the inbox` });
    }
  });

  it('gives a support agent their user and account on GET /me', async () => {
    const response = await get('/me', acme.headers('support'));
    expect(response.status).toBe(200);
    const support = acme.users.support;
    expect(await response.json()).toEqual({
      user: { id: support.id, name: support.name, email: support.email, role: 'support' },
      account: { id: acme.accountId, name: 'Acme' },
    });
  });

  it.each(['owner', 'admin', 'manager'] as const)('lets the %s role use the inbox', async (role) => {
    const response = await get('/me', acme.headers(role));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { user: { role: string } }).user.role).toBe(role);
  });

  it('refuses an integration token on agent routes with 403', async () => {
    const response = await get('/me', { authorization: `Bearer ${acme.integrationToken}` });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ statusCode: 403, error: 'forbidden' });
  });

  it('lists only the users of the caller\'s own account on GET /users', async () => {
    const acmeResponse = await get('/users', acme.headers('manager'));
    expect(acmeResponse.status).toBe(200);
    const acmeUsers = ((await acmeResponse.json()) as { users: { id: string; name: string; email: string; role: string; lastActiveAt: string | null }[] }).users;
    expect(acmeUsers.map((user) => user.id).sort()).toEqual(Object.values(acme.users).map((user) => user.id).sort());
    expect(acmeUsers[0]).toEqual({
      id: expect.any(String),
      name: expect.any(String),
      email: expect.any(String),
      role: expect.any(String),
      status: 'active',
      lastActiveAt: acmeUsers[0]!.lastActiveAt === null ? null : expect.any(String),
    });

    const globexResponse = await get('/users', globex.headers('support'));
    const globexUsers = ((await globexResponse.json()) as { users: { id: string; role: string }[] }).users;
    expect(globexUsers.map((user) => user.role).sort()).toEqual(['owner', 'support']);
    expect(globexUsers.map((user) => user.id)).not.toEqual(expect.arrayContaining([acme.users.owner.id]));
  });

  it('documents /me and /users with bearer auth, or the session cookie', async () => {
    const document = (await (await get('/docs/openapi.json')).json()) as { paths: Record<string, { get?: { security?: unknown[] } }> };
    expect(document.paths['/me']?.get?.security).toEqual([{ bearer: [] }, { cookie: [] }]);
    expect(document.paths['/users']?.get?.security).toEqual([{ bearer: [] }, { cookie: [] }]);
  });

  it('stores tokens only as SHA-256 hashes and records when they were last used', async () => {
    const { account, owner, ownerToken } = await new AccountsService(stack.orm).createAccount({ name: 'Initech', ownerEmail: 'boss@initech.test' });
    const em = stack.orm.em.fork();
    const tokens = await em.find(ApiToken, { accountId: account.id });
    expect(tokens.map((token) => token.kind).sort()).toEqual(['integration', 'user']);
    for (const token of tokens) expect(token.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    const ownerRow = tokens.find((token) => token.kind === 'user')!;
    expect(ownerRow).toMatchObject({ userId: owner.id, tokenHash: hashToken(ownerToken), lastUsedAt: null });
    const rows = await em.getConnection().execute<Record<string, unknown>[]>('SELECT * FROM api_tokens WHERE account_id = ?', [account.id]);
    expect(JSON.stringify(rows)).not.toContain(ownerToken);

    const response = await get('/me', { authorization: `Bearer ${ownerToken}` });
    expect(response.status).toBe(200);
    const used = await stack.orm.em.fork().findOneOrFail(ApiToken, { id: ownerRow.id });
    expect(used.lastUsedAt).toBeInstanceOf(Date);
  });

  it('keeps emails unique per account, ignoring case, but not across accounts', async () => {
    const service = new AccountsService(stack.orm);
    const ownerEmail = acme.users.owner.email.toUpperCase();
    await expect(service.createUser(acme.accountId, { email: ownerEmail, name: 'Twin', role: 'support' })).rejects.toMatchObject({ code: 'email_taken' });
    const elsewhere = await service.createUser(globex.accountId, { email: acme.users.owner.email, name: 'Same address', role: 'support' });
    expect(elsewhere.accountId).toBe(globex.accountId);
    await expect(service.createUser(acme.accountId, { email: 'x@example.test', name: 'X', role: 'agent' as never })).rejects.toBeInstanceOf(AccountsError);
    await expect(service.createUser('no-such-account', { email: 'x@example.test', name: 'X', role: 'support' })).rejects.toMatchObject({ code: 'not_found' });
  });
});

@Controller('probe')
class ProbeController {
  @Get('agent')
  agent(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }

  @Get('integration')
  @IntegrationOnly()
  integration(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }

  @Get('open')
  @Public()
  open(): { open: true } {
    return { open: true };
  }
}

describe('the guard\'s decorators: @Public(), @IntegrationOnly(), @CurrentPrincipal()', () => {
  let orm: Orm;
  let app: INestApplication;
  let baseUrl: string;
  let acme: TestAccount;

  beforeAll(async () => {
    let url: string;
    ({ orm, url } = await createTestDatabase());
    acme = await createAccountWithUsers(orm, { roles: ['owner', 'support', 'analyst'] });
    const config = loadConfig({ DATABASE_URL: url, TICKET_ID_SECRET: 'test-ticket-id-secret-0123456789' });
    @Global()
    @Module({ providers: [{ provide: ORM, useValue: orm }, { provide: APP_CONFIG, useValue: config }], exports: [ORM, APP_CONFIG] })
    class DependenciesModule {}
    const moduleRef = await Test.createTestingModule({ imports: [DependenciesModule, AuthModule, RateLimitsModule], controllers: [ProbeController] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalFilters(new ErrorShapeFilter());
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await orm?.close();
  });

  it('gives agent routes { kind: "user", accountId, user }', async () => {
    const response = await fetch(`${baseUrl}/probe/agent`, { headers: acme.headers('support') });
    expect(response.status).toBe(200);
    const support = acme.users.support;
    expect(await response.json()).toEqual({
      kind: 'user',
      accountId: acme.accountId,
      user: { id: support.id, role: 'support', email: support.email, name: support.name },
    });
  });

  it('gives @IntegrationOnly() routes { kind: "integration", accountId } and refuses user tokens there', async () => {
    const response = await fetch(`${baseUrl}/probe/integration`, { headers: { authorization: `Bearer ${acme.integrationToken}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ kind: 'integration', accountId: acme.accountId });

    for (const role of ['owner', 'support', 'analyst'] as const) {
      const refused = await fetch(`${baseUrl}/probe/integration`, { headers: acme.headers(role) });
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ error: 'forbidden', message: expect.stringContaining('integration token') });
    }
    expect((await fetch(`${baseUrl}/probe/integration`)).status).toBe(401);
  });

  it('lets anyone call @Public() routes', async () => {
    const response = await fetch(`${baseUrl}/probe/open`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ open: true });
  });

  it('stops accepting the tokens of a deleted user', async () => {
    const service = new AccountsService(orm);
    const { user, rawToken } = await service.createUserWithToken(acme.accountId, { email: 'leaver@example.test', name: 'Leaver', role: 'support' });
    expect(await service.authenticate(rawToken)).toMatchObject({ kind: 'user', user: { id: user.id } });
    await orm.em.fork().nativeDelete(User, { id: user.id });
    expect(await service.authenticate(rawToken)).toBeNull();
    expect((await fetch(`${baseUrl}/probe/agent`, { headers: { authorization: `Bearer ${rawToken}` } })).status).toBe(401);
  });
});

describe('ensureDemoAccount (npm start\'s first-run seeding)', () => {
  let orm: Orm;
  let dataDir: string;

  beforeAll(async () => {
    ({ orm } = await createTestDatabase());
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'inbox-demo-'));
  });
  afterAll(async () => {
    await orm?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates the demo account once, keeps its tokens in a private file, and creates nothing afterwards', async () => {
    const first = await ensureDemoAccount(orm, { dataDir });
    if (!first.created) throw new Error('expected the demo account to be created');
    expect(first.account.name).toBe(DEMO_ACCOUNT.name);
    expect(first.owner).toMatchObject({ email: 'demo@example.com', role: 'owner' });
    const file = path.join(dataDir, 'demo-credentials.txt');
    expect(first.credentialsFile).toBe(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const text = await readFile(file, 'utf8');
    expect(text).toContain(first.ownerToken);
    expect(text).toContain(first.integrationToken);

    const service = new AccountsService(orm);
    expect(await service.authenticate(first.ownerToken)).toMatchObject({ kind: 'user', user: { role: 'owner' } });
    expect(await service.authenticate(first.integrationToken)).toMatchObject({ kind: 'integration', account: { id: first.account.id } });

    const second = await ensureDemoAccount(orm, { dataDir });
    expect(second).toEqual({ created: false, credentialsFile: file });
    const em = orm.em.fork();
    expect(await em.count(Account, {})).toBe(1);
    expect(await em.count(User, {})).toBe(1);
    expect(await em.count(ApiToken, {})).toBe(2);
  });

  it('seeds nothing into a database that already has an account, and reports no file it did not write', async () => {
    const { orm: other } = await createTestDatabase();
    const otherDir = await mkdtemp(path.join(os.tmpdir(), 'inbox-demo-'));
    try {
      await new AccountsService(other).createAccount({ name: 'Real brand', ownerEmail: 'owner@real.test' });
      expect(await ensureDemoAccount(other, { dataDir: otherDir })).toEqual({ created: false, credentialsFile: undefined });
      expect(await other.em.fork().count(Account, {})).toBe(1);
    } finally {
      await other.close();
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  it('maps camelCase properties to snake_case columns', async () => {
    const columns = await orm.em.fork().getConnection().execute<{ column_name: string }[]>(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'api_tokens' ORDER BY ordinal_position",
    );
    // expires_at, revoked_at and token_prefix (migration 0016) are read and written with SQL, not through the entity.
    expect(columns.map((column) => column.column_name)).toEqual(['id', 'account_id', 'user_id', 'kind', 'name', 'token_hash', 'created_at', 'last_used_at', 'expires_at', 'revoked_at', 'token_prefix']);
    const meta = orm.getMetadata().get(ApiToken);
    expect(meta.properties.tokenHash.fieldNames).toEqual(['token_hash']);
    expect(meta.properties.lastUsedAt.fieldNames).toEqual(['last_used_at']);
  });
});
