import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { hashCsatToken } from '../../libs/csat/csat-tokens.js';
import { DEFAULT_CSAT_SETTINGS, MAX_CSAT_COMMENT_LENGTH } from '../../libs/domain/csat.js';
import { newChatTicketId } from '../../libs/temporal/workflow-ids.js';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { callApi } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/** Every survey request of this file comes from one address: the limit is set so the last test can reach it. */
const ANSWERS_PER_MINUTE = 80;

describe('CSAT: the survey page, answers, settings and a ticket\'s surveys (dev server + PostgreSQL)', () => {
  let stack: TestStack;
  let brand: TestAccount;
  let otherBrand: TestAccount;
  let ticketId: string;
  const token = `csat-test-token-${randomUUID()}`;
  let surveyId: string;

  beforeAll(async () => {
    stack = await startTestStack({ RATE_LIMIT_CSAT_ANSWERS_PER_IP: `${ANSWERS_PER_MINUTE}/60` });
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'admin', 'support'] });
    otherBrand = await createAccountWithUsers(stack.orm, { roles: ['owner'] });
    ticketId = await seedClosedTicket(brand);
    surveyId = await seedSurvey(brand, ticketId, token, '2026-03-02T10:00:00.000Z');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** A closed chat ticket as the ticket workflow's projection writes it. */
  const seedClosedTicket = async (account: TestAccount) => {
    const id = newChatTicketId(account.accountId);
    await stack.orm.em.fork().execute(
      `INSERT INTO tickets (id, account_id, channel, status, created_at, updated_at, closed_at, version)
       VALUES (?, ?, 'web_chat', 'closed', now(), now(), now(), 1)`,
      [id, account.accountId],
    );
    return id;
  };
  /** A survey row as the sending activity writes it: only the hash of the link's token is stored. */
  const seedSurvey = async (account: TestAccount, ticket: string, rawToken: string, sentAt: string) => {
    const id = randomUUID();
    await stack.orm.em.fork().execute(
      `INSERT INTO csat_surveys (id, account_id, ticket_id, channel, token_hash, closed_by_user_id, sent_at) VALUES (?, ?, ?, 'web_chat', ?, ?, ?::timestamptz)`,
      [id, account.accountId, ticket, hashCsatToken(rawToken), account.users.owner.id, sentAt],
    );
    return id;
  };

  const call = (method: string, path: string, token: string, body?: unknown) => callApi(stack.baseUrl, method, path, { token, body });
  /** What a browser does: ask for a page, or post the page's form. */
  const browser = async (path: string, form?: Record<string, string>) => {
    const response = await fetch(`${stack.baseUrl}${path}`, {
      method: form ? 'POST' : 'GET',
      headers: { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8', ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    return { status: response.status, headers: response.headers, html: await response.text() };
  };
  const ticketSurveys = async (account = brand, ticket = ticketId, role: 'owner' | 'support' = 'support') => call('GET', `/tickets/${ticket}/csat`, account.tokens[role]);

  it('serves the survey page: the account\'s question, five ratings and a comment box, no script, a strict CSP', async () => {
    const patched = await call('PATCH', '/settings/csat', brand.tokens.owner, { question: 'Did we sort it out? <Be honest & brief>' });
    expect(patched.status).toBe(200);

    const page = await browser(`/csat/${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.html).toMatch(/<html lang="en">/);
    expect(page.html).toMatch(/<title>[^<]+<\/title>/);
    expect(page.html).not.toMatch(/<script/i);
    expect(page.html).toContain('Did we sort it out? &lt;Be honest &amp; brief&gt;');
    expect(page.html.match(/<input type="radio" name="score" value="[1-5]"/g)).toHaveLength(5);
    expect(page.html).toContain('1 (poor)');
    expect(page.html).toContain('5 (excellent)');
    expect(page.html).toMatch(new RegExp(`<textarea[^>]*name="comment"[^>]*maxlength="${MAX_CSAT_COMMENT_LENGTH}"`));
    expect(page.html).not.toContain('checked');

    const asJson = await callApi(stack.baseUrl, 'GET', `/csat/${token}`, { headers: { accept: 'application/json' } });
    expect(asJson).toMatchObject({ status: 200, body: { question: 'Did we sort it out? <Be honest & brief>', score: null, comment: null, answeredAt: null } });
  });

  it('stores a form post\'s answer, thanks the customer, and shows it to agents on the ticket', async () => {
    const posted = await browser(`/csat/${token}`, { score: '4', comment: '  Quick and friendly  ' });
    expect(posted.status).toBe(200);
    expect(posted.headers.get('content-type')).toMatch(/^text\/html/);
    expect(posted.html).toContain('4 / 5');

    const listed = await ticketSurveys();
    expect(listed.status).toBe(200);
    expect(listed.body.surveys).toEqual([
      { id: surveyId, channel: 'web_chat', sentAt: '2026-03-02T10:00:00.000Z', score: 4, comment: 'Quick and friendly', answeredAt: expect.any(String) },
    ]);
    expect(Date.now() - Date.parse(listed.body.surveys[0].answeredAt)).toBeLessThan(60_000);

    // Opened again, the form shows the saved answer.
    const again = await browser(`/csat/${token}`);
    expect(again.html).toMatch(/value="4" required checked/);
    expect(again.html).toContain('>Quick and friendly</textarea>');
    expect(again.html).toContain('You answered on');
  });

  it('takes a JSON answer, and the last answer wins', async () => {
    const first = await callApi(stack.baseUrl, 'POST', `/csat/${token}`, { body: { score: 2, comment: 'Slow in the end' } });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ score: 2, comment: 'Slow in the end', answeredAt: expect.any(String) });

    const second = await callApi(stack.baseUrl, 'POST', `/csat/${token}`, { body: { score: 5 } });
    expect(second.body).toEqual({ score: 5, comment: null, answeredAt: expect.any(String) });
    expect(Date.parse(second.body.answeredAt)).toBeGreaterThanOrEqual(Date.parse(first.body.answeredAt));

    const listed = await ticketSurveys();
    expect(listed.body.surveys).toHaveLength(1);
    expect(listed.body.surveys[0]).toMatchObject({ score: 5, comment: null, answeredAt: second.body.answeredAt });
  });

  it('refuses a score outside 1–5 or a too long comment with 400 naming the field, and keeps the saved answer', async () => {
    for (const score of [0, 6, 'x', 4.5, null]) {
      const refused = await callApi(stack.baseUrl, 'POST', `/csat/${token}`, { body: { score } });
      expect(refused).toMatchObject({ status: 400, body: { error: 'validation_failed', field: 'score' } });
    }
    const missing = await callApi(stack.baseUrl, 'POST', `/csat/${token}`, { body: { comment: 'no rating' } });
    expect(missing).toMatchObject({ status: 400, body: { field: 'score' } });
    const tooLong = await callApi(stack.baseUrl, 'POST', `/csat/${token}`, { body: { score: 3, comment: 'x'.repeat(MAX_CSAT_COMMENT_LENGTH + 1) } });
    expect(tooLong).toMatchObject({ status: 400, body: { field: 'comment' } });

    // From the page, the refusal is a page that says what is wrong.
    for (const score of ['0', '6', 'x']) {
      const page = await browser(`/csat/${token}`, { score, comment: '' });
      expect(page.status).toBe(400);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.html).toContain('score must be a whole number from 1 (poor) to 5 (excellent)');
    }

    expect((await ticketSurveys()).body.surveys[0]).toMatchObject({ score: 5, comment: null });
  });

  it('answers 404 for an unknown or malformed link: a page for browsers, the error shape for JSON clients', async () => {
    for (const path of [`/csat/unknown-token-${randomUUID()}`, '/csat/short', `/csat/${encodeURIComponent('bad token!')}`]) {
      const page = await browser(path);
      expect(page.status).toBe(404);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.html).toContain('This survey link does not work');
      expect(page.html).not.toMatch(/<script/i);

      const json = await callApi(stack.baseUrl, 'GET', path, { headers: { accept: 'application/json' } });
      expect(json).toMatchObject({ status: 404, body: { statusCode: 404, error: 'not_found' } });
      const answered = await callApi(stack.baseUrl, 'POST', path, { body: { score: 3 } });
      expect(answered).toMatchObject({ status: 404, body: { error: 'not_found' } });
      expect((await browser(path, { score: '3' })).status).toBe(404);
    }
  });

  it('lists a ticket\'s surveys newest first, unanswered ones too', async () => {
    const ticket = await seedClosedTicket(brand);
    const older = await seedSurvey(brand, ticket, `older-${randomUUID()}`, '2026-03-01T09:00:00.000Z');
    const newer = await seedSurvey(brand, ticket, `newer-${randomUUID()}`, '2026-03-05T09:00:00.000Z');
    const listed = await ticketSurveys(brand, ticket);
    expect(listed.body.surveys.map((survey: { id: string }) => survey.id)).toEqual([newer, older]);
    expect(listed.body.surveys[0]).toEqual({ id: newer, channel: 'web_chat', sentAt: '2026-03-05T09:00:00.000Z', score: null, comment: null, answeredAt: null });

    const none = await ticketSurveys(brand, await seedClosedTicket(brand));
    expect(none).toMatchObject({ status: 200, body: { surveys: [] } });
  });

  it('keeps a ticket\'s surveys from other accounts (404, as for a missing ticket)', async () => {
    expect((await ticketSurveys(otherBrand, ticketId, 'owner')).status).toBe(404);
    expect((await ticketSurveys(brand, newChatTicketId(brand.accountId))).status).toBe(404);
    expect((await ticketSurveys(brand, 'not-a-ticket-id')).status).toBe(404);
  });

  it('serves the settings with their defaults, and lets owners and admins change them key by key, audited', async () => {
    const fresh = await createAccountWithUsers(stack.orm, { roles: ['owner', 'admin', 'support'] });
    expect(await call('GET', '/settings/csat', fresh.tokens.support)).toMatchObject({ status: 200, body: DEFAULT_CSAT_SETTINGS });

    const changed = await call('PATCH', '/settings/csat', fresh.tokens.admin, { enabledChannels: ['email', 'sms'], resendAfterDays: 0 });
    expect(changed).toMatchObject({ status: 200, body: { enabledChannels: ['email', 'sms'], resendAfterDays: 0, question: DEFAULT_CSAT_SETTINGS.question } });
    const question = await call('PATCH', '/settings/csat', fresh.tokens.owner, { question: '  How was it?  ' });
    expect(question.body).toEqual({ enabledChannels: ['email', 'sms'], resendAfterDays: 0, question: 'How was it?' });
    expect((await call('GET', '/settings/csat', fresh.tokens.support)).body).toEqual(question.body);

    const audit = await call('GET', '/audit-log?action=settings.changed&limit=10', fresh.tokens.owner);
    const entries = (audit.body as { entries: { target: string; actorUserId: string; details: { changes: Record<string, unknown> } }[] }).entries.filter(
      (entry) => entry.target === 'settings:csat',
    );
    expect(entries).toEqual([
      expect.objectContaining({ actorUserId: fresh.users.owner.id, details: expect.objectContaining({ changes: { question: { old: DEFAULT_CSAT_SETTINGS.question, new: 'How was it?' } } }) }),
      expect.objectContaining({
        actorUserId: fresh.users.admin.id,
        details: expect.objectContaining({ changes: { enabledChannels: { old: [], new: ['email', 'sms'] }, resendAfterDays: { old: 7, new: 0 } } }),
      }),
    ]);

    const refused = await call('PATCH', '/settings/csat', fresh.tokens.support, { resendAfterDays: 3 });
    expect(refused).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect((await call('GET', '/settings/csat', fresh.tokens.support)).body.resendAfterDays).toBe(0);
  });

  it('refuses bad settings with 400 naming the field, and stores nothing', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ enabledChannels: ['fax'] }, 'enabledChannels'],
      [{ enabledChannels: ['email', 'email'] }, 'enabledChannels'],
      [{ enabledChannels: 'email' }, 'enabledChannels'],
      [{ enabledChannels: null }, 'enabledChannels'],
      [{ resendAfterDays: -1 }, 'resendAfterDays'],
      [{ resendAfterDays: 366 }, 'resendAfterDays'],
      [{ resendAfterDays: 1.5 }, 'resendAfterDays'],
      [{ resendAfterDays: '3' }, 'resendAfterDays'],
      [{ resendAfterDays: null }, 'resendAfterDays'],
      [{ question: '' }, 'question'],
      [{ question: '   ' }, 'question'],
      [{ question: 'q'.repeat(301) }, 'question'],
      [{ question: null }, 'question'],
      [{ question: 42 }, 'question'],
    ];
    const before = (await call('GET', '/settings/csat', brand.tokens.owner)).body;
    for (const [body, field] of bad) {
      const response = await call('PATCH', '/settings/csat', brand.tokens.owner, body);
      expect({ body, status: response.status, field: response.body.field }).toEqual({ body, status: 400, field });
    }
    expect((await call('PATCH', '/settings/csat', brand.tokens.owner, { question: 'q'.repeat(300), resendAfterDays: 365, enabledChannels: [] })).status).toBe(200);
    await call('PATCH', '/settings/csat', brand.tokens.owner, before);
    expect((await call('GET', '/settings/csat', brand.tokens.owner)).body).toEqual(before);
  });

  // Last: it spends this address's allowance.
  it('limits survey requests per client address: past the limit a page asks the customer to wait', async () => {
    let refused: Awaited<ReturnType<typeof browser>> | undefined;
    // The loop may straddle the end of a window: two windows' allowance and one more is always enough.
    for (let attempt = 0; attempt <= 2 * ANSWERS_PER_MINUTE && !refused; attempt++) {
      const response = await browser(`/csat/${token}`, { score: '3' });
      if (response.status === 429) refused = response;
      else expect(response.status).toBe(200);
    }
    expect(refused).toBeDefined();
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused!.html).toContain('Too many attempts');
    const json = await callApi(stack.baseUrl, 'POST', `/csat/${token}`, { body: { score: 3 } });
    expect(json).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
  });
});
