import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TeamAccessService } from '../../libs/accounts/team-access.service.js';
import { MASKED } from '../../libs/domain/team-rules.js';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { callApi, type ApiResponse } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/** A browser's cookies for one origin: keeps what Set-Cookie sends, drops what it expires, and can echo the CSRF cookie. */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  /** The raw Set-Cookie lines of the last response that set any, to check their attributes. */
  lastSetCookies: string[] = [];

  take(headers: Headers): void {
    const lines = headers.getSetCookie();
    if (lines.length > 0) this.lastSetCookies = lines;
    for (const line of lines) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const [name, value] = [pair!.slice(0, pair!.indexOf('=')), decodeURIComponent(pair!.slice(pair!.indexOf('=') + 1))];
      if (attributes.some((attribute) => /^max-age=0$/i.test(attribute)) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('; ');
  }
}

describe('team and access over HTTP (SPEC §10): sign-in, sessions, CSRF, invitations, roles, tokens, audit log', () => {
  let stack: TestStack;
  let brand: TestAccount;
  let team: TeamAccessService;
  const ownerPassword = 'correct horse battery staple';

  /** A call as a browser would make it: the jar's cookies, and with `csrf` the X-CSRF-Token header from the inbox_csrf cookie. */
  const browser = async (jar: CookieJar, method: string, path: string, options: { body?: unknown; csrf?: boolean | string } = {}): Promise<ApiResponse> => {
    const csrf = options.csrf === true ? jar.get('inbox_csrf') : options.csrf || undefined;
    const response = await callApi(stack.baseUrl, method, path, { body: options.body, headers: { cookie: jar.header(), ...(csrf ? { 'x-csrf-token': csrf } : {}) } });
    jar.take(response.headers);
    return response;
  };
  const asRole = (role: 'owner' | 'admin', method: string, path: string, body?: unknown) => callApi(stack.baseUrl, method, path, { token: brand.tokens[role], body });
  const signIn = async (email: string, password: string, jar = new CookieJar()) => ({ jar, response: await browser(jar, 'POST', '/auth/sign-in', { body: { email, password } }) });
  const auditActions = async (query = '') => ((await asRole('admin', 'GET', `/audit-log?limit=200${query}`)).body as { entries: { id: string; action: string; target: string | null; details: Record<string, unknown> }[] }).entries;

  beforeAll(async () => {
    // A 2-second throttling window keeps the lock-out test short; the default is 10 failures per 15 minutes.
    stack = await startTestStack({ RATE_LIMIT_SIGN_IN_FAILURES_PER_EMAIL: '10/2', RATE_LIMIT_SIGN_IN_FAILURES_PER_ACCOUNT: '1000/2' });
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'admin'] });
    team = new TeamAccessService(stack.orm);
    await team.setPassword(brand.users.owner.id, ownerPassword);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('an invited support agent accepts, signs in with a cookie, works a ticket, signs out; once deactivated their cookie and token are refused at once', async () => {
    const agentEmail = `agent-${randomUUID().slice(0, 8)}@example.test`;
    const agentPassword = 'a long enough agent password';
    const invited = await asRole('owner', 'POST', '/users/invitations', { email: agentEmail, role: 'support' });
    expect(invited.status).toBe(201);
    expect(Date.parse(invited.body.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 24 * 3600 * 1000);

    const mail = await eventually(async () => {
      const { body } = await asRole('owner', 'GET', '/mailbox');
      return (body.mail as { to: string[]; text: string }[]).find((candidate) => candidate.to.includes(agentEmail));
    }, 'the invitation mail');
    const token = decodeURIComponent(/\/accept-invitation\?token=([^\s]+)/.exec(mail.text)![1]!);

    expect((await callApi(stack.baseUrl, 'POST', '/invitations/accept', { body: { token, name: 'Agent Smith', password: 'too short' } })).status).toBe(400);
    const acceptJar = new CookieJar();
    const accepted = await browser(acceptJar, 'POST', '/invitations/accept', { body: { token, name: 'Agent Smith', password: agentPassword } });
    expect(accepted.status).toBe(201);
    expect(accepted.body.user).toMatchObject({ email: agentEmail, role: 'support', name: 'Agent Smith' });
    expect((await browser(acceptJar, 'GET', '/me')).status).toBe(200);
    const reused = await callApi(stack.baseUrl, 'POST', '/invitations/accept', { body: { token, name: 'Someone else', password: agentPassword } });
    expect(reused).toMatchObject({ status: 400, body: { error: 'invitation_invalid' } });

    const { jar, response: signedIn } = await signIn(agentEmail, agentPassword);
    expect(signedIn.status).toBe(200);
    const sessionCookie = jar.lastSetCookies.find((line) => line.startsWith('inbox_session='))!;
    expect(sessionCookie).toMatch(/HttpOnly/i);
    expect(sessionCookie).toMatch(/SameSite=Lax/i);
    expect(sessionCookie).toMatch(/Path=\//);
    expect(sessionCookie).not.toMatch(/Secure/i); // PUBLIC_URL is http here
    expect(jar.lastSetCookies.find((line) => line.startsWith('inbox_csrf='))).not.toMatch(/HttpOnly/i);
    expect(signedIn.body.csrfToken).toBe(jar.get('inbox_csrf'));
    const me = await browser(jar, 'GET', '/me');
    expect(me).toMatchObject({ status: 200, body: { user: { email: agentEmail, role: 'support' }, account: { id: brand.accountId } } });
    const agentId = me.body.user.id as string;

    const personal = await browser(jar, 'POST', '/me/tokens', { body: { name: 'agent script' }, csrf: true });
    expect(personal.status).toBe(201);
    expect(personal.body.prefix).toBe((personal.body.token as string).slice(0, 12));

    const inbound = await callApi(stack.baseUrl, 'POST', '/integration/messages', {
      token: brand.integrationToken,
      body: { channel: 'email', externalId: `team-${randomUUID()}`, body: 'My order is late', subject: 'Late', sender: { email: 'customer@example.test', name: 'Customer' } },
    });
    expect(inbound.status).toBe(202);
    const { ticketId } = inbound.body as { ticketId: string };
    await eventually(async () => ((await browser(jar, 'GET', `/tickets/${ticketId}`)).status === 200 ? true : undefined), 'the ticket');
    const assigned = await browser(jar, 'POST', `/tickets/${ticketId}/assign`, { body: { assigneeId: 'me' }, csrf: true });
    expect(assigned.status).toBe(200);
    expect((await browser(jar, 'GET', `/tickets/${ticketId}`)).body.ticket).toMatchObject({ assigneeId: agentId, assigneeDeactivated: false });

    const staleCookie = jar.header();
    expect((await browser(jar, 'POST', '/auth/sign-out', { csrf: true })).status).toBe(204);
    expect(jar.get('inbox_session')).toBeUndefined();
    expect((await callApi(stack.baseUrl, 'GET', '/me', { headers: { cookie: staleCookie } })).status).toBe(401);

    const { jar: again } = await signIn(agentEmail, agentPassword);
    expect((await browser(again, 'GET', '/me')).status).toBe(200);
    const deactivated = await asRole('admin', 'POST', `/users/${agentId}/deactivate`);
    expect(deactivated).toMatchObject({ status: 201, body: { id: agentId, status: 'deactivated' } });
    expect((await browser(again, 'GET', '/me')).status).toBe(401);
    expect((await callApi(stack.baseUrl, 'GET', '/me', { token: personal.body.token })).status).toBe(401);
    expect((await signIn(agentEmail, agentPassword)).response.status).toBe(401);
    // The ticket stays assigned to them; the team list shows them deactivated.
    expect((await asRole('owner', 'GET', `/tickets/${ticketId}`)).body.ticket).toMatchObject({ assigneeId: agentId, assigneeDeactivated: true });
    const users = (await asRole('owner', 'GET', '/users')).body.users as { id: string; status: string; lastActiveAt: string | null }[];
    expect(users.find(({ id }) => id === agentId)).toMatchObject({ status: 'deactivated', lastActiveAt: expect.any(String) });
    expect(users.find(({ id }) => id === brand.users.owner.id)).toMatchObject({ status: 'active' });

    const actions = (await auditActions()).map(({ action }) => action);
    for (const action of ['invitation.created', 'invitation.accepted', 'sign_in.succeeded', 'token.created', 'sign_out', 'user.deactivated']) expect(actions).toContain(action);
  });

  it('needs the CSRF header on cookie-authenticated POSTs, and none with a bearer token', async () => {
    const { jar, response } = await signIn(brand.users.owner.email, ownerPassword);
    expect(response.status).toBe(200);
    expect(await browser(jar, 'POST', '/me/tokens', { body: { name: 'no csrf' } })).toMatchObject({ status: 403, body: { error: 'csrf_token_missing' } });
    expect(await browser(jar, 'POST', '/me/tokens', { body: { name: 'wrong csrf' }, csrf: 'not-the-token' })).toMatchObject({ status: 403, body: { error: 'csrf_token_mismatch' } });
    expect((await browser(jar, 'POST', '/me/tokens', { body: { name: 'with csrf' }, csrf: true })).status).toBe(201);
    expect((await browser(jar, 'GET', '/me/tokens')).status).toBe(200); // reads need no CSRF header
    expect((await asRole('owner', 'POST', '/me/tokens', { name: 'bearer' })).status).toBe(201);
    // Bearer wins when both are sent: no CSRF header needed.
    expect((await callApi(stack.baseUrl, 'POST', '/me/tokens', { token: brand.tokens.owner, body: { name: 'both' }, headers: { cookie: jar.header() } })).status).toBe(201);

    expect((await browser(jar, 'POST', '/auth/sign-out-everywhere', { csrf: true })).status).toBe(204);
    expect((await browser(jar, 'GET', '/me')).status).toBe(401);
  });

  it('throttles 50 wrong passwords in a row with 429 and Retry-After, and lets the real owner in after the window', async () => {
    const email = `throttled-${randomUUID().slice(0, 8)}@example.test`;
    const { user } = await createAccountWithUsers(stack.orm, { roles: ['owner'] }).then(async (account) => ({ user: account.users.owner, account }));
    await stack.orm.em.fork().execute('UPDATE users SET email = ? WHERE id = ?', [email, user.id]);
    await team.setPassword(user.id, ownerPassword);

    const statuses: number[] = [];
    let retryAfter = 0;
    for (let attempt = 0; attempt < 50; attempt++) {
      const { response } = await signIn(email, `wrong password ${attempt}`);
      statuses.push(response.status);
      if (response.status === 429) {
        expect(response.body).toMatchObject({ statusCode: 429, error: 'sign_in_throttled' });
        retryAfter = Number(response.headers.get('retry-after'));
      }
    }
    expect(statuses.slice(0, 10).every((status) => status === 401 || status === 429)).toBe(true);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(35);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);

    // Once the window has passed the owner gets in (tried while locked, the right password is refused with 429 too).
    const signedIn = await eventually(async () => {
      const { response } = await signIn(email, ownerPassword);
      expect([200, 429]).toContain(response.status);
      return response.status === 200 ? response : undefined;
    }, 'the owner to sign in after the backoff window', 5000);
    expect(signedIn.body.user.id).toBe(user.id);
  });

  it('answers an unknown email and a wrong password the same way, in the same time', async () => {
    const known = await createAccountWithUsers(stack.orm, { roles: ['owner', 'admin', 'manager', 'support'] });
    const knownUsers = [known.users.admin, known.users.manager, known.users.support];
    for (const user of [known.users.owner, ...knownUsers]) await team.setPassword(user.id, ownerPassword);

    const unknown = await signIn(`nobody-${randomUUID()}@example.test`, 'some wrong password');
    const wrong = await signIn(known.users.owner.email, 'some wrong password');
    expect(unknown.response.status).toBe(401);
    expect(wrong.response.status).toBe(unknown.response.status);
    expect(wrong.response.body).toEqual(unknown.response.body);

    const timed = async (email: string) => {
      const started = process.hrtime.bigint();
      const { response } = await signIn(email, 'another wrong password');
      expect(response.status).toBe(401);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const unknownTimes: number[] = [];
    const wrongTimes: number[] = [];
    // Interleaved so that load on the machine affects both alike; 10 per known address stays within its failure allowance.
    for (let sample = 0; sample < 30; sample++) {
      unknownTimes.push(await timed(`nobody-${randomUUID()}@example.test`));
      wrongTimes.push(await timed(knownUsers[sample % 3]!.email));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const ratio = median(unknownTimes) / median(wrongTimes);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it('refuses revoked and expired tokens at once', async () => {
    const personal = await asRole('admin', 'POST', '/me/tokens', { name: 'to revoke' });
    expect(personal.status).toBe(201);
    expect((await callApi(stack.baseUrl, 'GET', '/me', { token: personal.body.token })).status).toBe(200);
    const listed = (await asRole('admin', 'GET', '/me/tokens')).body.tokens as { id: string; prefix: string }[];
    expect(listed.find(({ id }) => id === personal.body.id)).toMatchObject({ prefix: personal.body.prefix });
    expect((await asRole('admin', 'DELETE', `/me/tokens/${personal.body.id}`)).status).toBe(204);
    expect((await callApi(stack.baseUrl, 'GET', '/me', { token: personal.body.token })).status).toBe(401);
    expect((await asRole('admin', 'DELETE', `/me/tokens/${personal.body.id}`)).status).toBe(404);

    expect((await asRole('admin', 'POST', '/me/tokens', { name: 'past', expiresAt: new Date(Date.now() - 1000).toISOString() })).status).toBe(400);
    const expiring = await asRole('admin', 'POST', '/me/tokens', { name: 'expiring', expiresAt: new Date(Date.now() + 3600_000).toISOString() });
    expect((await callApi(stack.baseUrl, 'GET', '/me', { token: expiring.body.token })).status).toBe(200);
    // Moving the expiry into the past stands in for waiting an hour.
    await stack.orm.em.fork().execute("UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = ?", [expiring.body.id]);
    expect((await callApi(stack.baseUrl, 'GET', '/me', { token: expiring.body.token })).status).toBe(401);

    const integration = await asRole('admin', 'POST', '/integration-tokens', { name: 'shop sync' });
    expect(integration.status).toBe(201);
    const message = () =>
      callApi(stack.baseUrl, 'POST', '/integration/messages', {
        token: integration.body.token,
        body: { channel: 'email', externalId: `tok-${randomUUID()}`, body: 'Hello', subject: 'Hi', sender: { email: 'someone@example.test' } },
      });
    expect((await message()).status).toBe(202);
    expect(((await asRole('owner', 'GET', '/integration-tokens')).body.tokens as { id: string }[]).map(({ id }) => id)).toContain(integration.body.id);
    expect((await asRole('admin', 'DELETE', `/integration-tokens/${integration.body.id}`)).status).toBe(204);
    expect((await message()).status).toBe(401);

    const actions = (await auditActions('&action=token.revoked')).map(({ target }) => target);
    expect(actions).toEqual(expect.arrayContaining([`token:${personal.body.id}`, `token:${integration.body.id}`]));
  });

  it('keeps at least one active owner (409) and lets only owners make or unmake owners (403)', async () => {
    const ownerId = brand.users.owner.id;
    const adminId = brand.users.admin.id;
    expect(await asRole('owner', 'PATCH', `/users/${ownerId}`, { role: 'admin' })).toMatchObject({ status: 409, body: { error: 'last_owner' } });
    expect(await asRole('owner', 'POST', `/users/${ownerId}/deactivate`)).toMatchObject({ status: 409, body: { error: 'last_owner' } });
    expect((await asRole('admin', 'PATCH', `/users/${adminId}`, { role: 'owner' })).status).toBe(403);
    expect((await asRole('admin', 'PATCH', `/users/${ownerId}`, { role: 'support' })).status).toBe(403);
    expect((await asRole('admin', 'POST', '/users/invitations', { email: `boss-${randomUUID().slice(0, 8)}@example.test`, role: 'owner' })).status).toBe(403);
    expect((await asRole('admin', 'POST', `/users/${ownerId}/deactivate`)).status).toBe(403);

    // An owner may promote; with two owners one may step down, and the last may not.
    const promoted = await asRole('owner', 'PATCH', `/users/${adminId}`, { role: 'owner' });
    expect(promoted).toMatchObject({ status: 200, body: { id: adminId, role: 'owner' } });
    expect((await asRole('owner', 'PATCH', `/users/${adminId}`, { role: 'admin' })).status).toBe(200);
    expect((await auditActions('&action=user.role_changed'))[0]).toMatchObject({ target: `user:${adminId}`, details: { old: 'owner', new: 'admin' } });
  });

  it('audits sign-ins (with the email as typed, never the password) and settings changes with secrets masked, newest first with cursor paging', async () => {
    const typed = `  ${brand.users.owner.email.toUpperCase()}  `;
    const secretPassword = 'definitely not the password';
    expect((await signIn(typed, secretPassword)).response.status).toBe(401);
    expect((await signIn(brand.users.owner.email, ownerPassword)).response.status).toBe(200);

    const accessToken = `shpat_${randomUUID().replace(/-/g, '')}`;
    const webhookSecret = `whsec-${randomUUID()}`;
    const connected = await asRole('owner', 'PUT', '/settings/shopify', { shopDomain: 'team-test.myshopify.com', accessToken, webhookSecret });
    expect(connected.status).toBe(200);
    expect((await asRole('owner', 'PATCH', '/settings', { unreadNotificationEnabled: false })).status).toBe(200);

    const entries = await auditActions();
    const failed = entries.find(({ action, details }) => action === 'sign_in.failed' && details['email'] === typed);
    expect(failed).toBeDefined();
    const serialised = JSON.stringify(entries);
    expect(serialised).not.toContain(secretPassword);
    expect(serialised).not.toContain(ownerPassword);
    expect(serialised).not.toContain(accessToken);
    expect(serialised).not.toContain(webhookSecret);
    const shopify = entries.find(({ action, target }) => action === 'settings.changed' && target === 'settings:shopify')!;
    expect(shopify.details).toMatchObject({ changes: { shopDomain: { old: null, new: 'team-test.myshopify.com' }, accessToken: MASKED, webhookSecret: MASKED } });
    const general = entries.find(({ target }) => target === 'settings:general')!;
    expect(general.details).toMatchObject({ changes: { unreadNotificationEnabled: { old: true, new: false } } });
    expect(entries.indexOf(general)).toBeLessThan(entries.indexOf(shopify)); // newest first

    const firstPage = (await asRole('admin', 'GET', '/audit-log?limit=2')).body as { entries: { id: string }[]; nextCursor: string };
    expect(firstPage.entries).toHaveLength(2);
    const secondPage = (await asRole('admin', 'GET', `/audit-log?limit=2&cursor=${firstPage.nextCursor}`)).body as { entries: { id: string }[] };
    expect(secondPage.entries.map(({ id }) => id)).toEqual(entries.slice(2, 4).map(({ id }) => id));
    expect((await callApi(stack.baseUrl, 'GET', '/audit-log', { token: (await createAccountWithUsers(stack.orm, { roles: ['support'] })).tokens.support })).status).toBe(403);
  });

  it('resets a password through the emailed one-use link, ending all sessions; unknown addresses get the same 202', async () => {
    const { jar } = await signIn(brand.users.owner.email, ownerPassword);
    expect((await callApi(stack.baseUrl, 'POST', '/auth/password-reset', { body: { email: `nobody-${randomUUID()}@example.test` } })).status).toBe(202);
    expect((await callApi(stack.baseUrl, 'POST', '/auth/password-reset', { body: { email: brand.users.owner.email } })).status).toBe(202);
    const mail = await eventually(async () => {
      const { body } = await asRole('owner', 'GET', '/mailbox');
      return (body.mail as { to: string[]; text: string; subject: string }[]).find((candidate) => candidate.to.includes(brand.users.owner.email) && /reset/i.test(candidate.subject));
    }, 'the reset mail');
    expect(mail.text).toContain(`${stack.config.publicUrl}/reset-password?token=`);
    const token = decodeURIComponent(/reset-password\?token=([^\s]+)/.exec(mail.text)![1]!);
    const newPassword = 'a brand new owner password';
    expect((await callApi(stack.baseUrl, 'POST', '/auth/password-reset/confirm', { body: { token, password: newPassword } })).status).toBe(204);
    expect((await callApi(stack.baseUrl, 'POST', '/auth/password-reset/confirm', { body: { token, password: newPassword } }))).toMatchObject({ status: 400, body: { error: 'reset_token_invalid' } });
    expect((await browser(jar, 'GET', '/me')).status).toBe(401);
    expect((await signIn(brand.users.owner.email, ownerPassword)).response.status).toBe(401);
    expect((await signIn(brand.users.owner.email, newPassword)).response.status).toBe(200);
    await team.setPassword(brand.users.owner.id, ownerPassword);
  });

  it('mails an address at most 3 reset links an hour, whether or not it belongs to a user', async () => {
    for (const email of [`nobody-${randomUUID()}@example.test`, brand.users.admin.email]) {
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 4; attempt++) statuses.push((await callApi(stack.baseUrl, 'POST', '/auth/password-reset', { body: { email: email.toUpperCase() } })).status);
      expect(statuses).toEqual([202, 202, 202, 429]);
    }
  });
});
