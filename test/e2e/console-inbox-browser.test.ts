import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { browserTestsSkippedBecause, launchChromium, screenshot, setPassword, signIntoConsole } from '../support/console-browser.js';
import { eventually } from '../support/eventually.js';
import { serveApi, startTimeSkippingStack, type TimeSkippingStack } from '../support/time-skipping.js';
import { postTwilioWebhook, startTwilioStandIn, statusCallbackParams, type TwilioStandIn } from '../support/twilio-stand-in.js';

const skipped = browserTestsSkippedBecause();
if (skipped) process.stderr.write(`console browser tests skipped: ${skipped}\n`);

/**
 * The agent console in Debian's Chromium against the real API, worker and PostgreSQL, on Temporal's time-skipping
 * server: a snooze of hours ends when the test skips time, and the console hears of it through its live stream.
 */
(skipped ? describe.skip : describe)('agent console in a real browser: inbox and ticket', () => {
  let stack: TimeSkippingStack;
  let twilio: TwilioStandIn;
  let twilioAccount: { accountSid: string; authToken: string };
  let api: { baseUrl: string; close(): Promise<void> };
  let brand: TestAccount;
  let browser: Browser;
  let page: Page;
  const password = 'a long enough console password';

  beforeAll(async () => {
    twilio = await startTwilioStandIn();
    stack = await startTimeSkippingStack({ TWILIO_API_BASE_URL: twilio.apiBaseUrl }, { smsOverTwilio: true });
    api = await serveApi(stack);
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
    twilioAccount = twilio.newAccount();
    const connected = await call('PUT', '/settings/sms/twilio', brand.tokens.owner, { ...twilioAccount, inboxNumber: '+14155550000' });
    expect(connected.status).toBe(200);
    await setPassword(stack.orm, brand.users.support.id, password);
    browser = await launchChromium();
    page = await signIntoConsole(browser, api.baseUrl, { email: brand.users.support.email, password });
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await stack?.stop();
    await twilio?.close();
  });

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${api.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as Record<string, unknown> };
  };
  const textIn = async (phone: string, name: string, body: string) => {
    const answer = await call('POST', '/integration/messages', brand.integrationToken, { channel: 'sms', externalId: randomUUID(), body, sender: { phone, name } });
    expect(answer.status).toBe(202);
    return answer.body.ticketId as string;
  };
  const row = (name: string) => page.getByRole('table', { name: 'Tickets' }).getByRole('row').filter({ hasText: name });
  const ticketState = async (ticketId: string) => (await call('GET', `/tickets/${encodeURIComponent(ticketId)}`, brand.tokens.support)).body.ticket as { status: string; assigneeId: string | null };

  it('closes three tickets in one bulk action and shows the result of each', async () => {
    const names = ['Bulk One', 'Bulk Two', 'Bulk Three'];
    const ticketIds: string[] = [];
    for (const [index, name] of names.entries()) ticketIds.push(await textIn(`+1415555020${index}`, name, `Question ${index}`));
    await page.getByRole('navigation', { name: 'Inbox' }).getByRole('link', { name: /Unassigned/ }).click();
    for (const name of names) await row(name).waitFor();
    for (const name of names) await page.getByRole('checkbox', { name: `Select ticket of ${name}` }).check();
    const bulk = page.getByRole('region', { name: 'Bulk actions' });
    await bulk.getByText('3 selected').waitFor();
    await bulk.getByRole('button', { name: 'Close' }).click();
    await bulk.getByRole('status').getByText('Close: 3 of 3 done').waitFor();
    const results = bulk.getByRole('list', { name: 'Result per ticket' }).getByRole('listitem');
    expect(await results.allTextContents()).toEqual(expect.arrayContaining(names.map((name) => `${name}: done`)));
    for (const name of names) await row(name).waitFor({ state: 'detached' });
    const states = await eventually(async () => {
      const all = await Promise.all(ticketIds.map(ticketState));
      return all.every((state) => state.status === 'closed') ? all : undefined;
    }, 'the three tickets closed');
    expect(states).toHaveLength(3);
  });

  it('refuses an SMS reply to a customer without consent and says why', async () => {
    const ticketId = await textIn('+14155550301', 'No Consent', 'Hello?');
    await page.goto(`${api.baseUrl}/#/tickets/${encodeURIComponent(ticketId)}`);
    await page.getByText('Hello?').waitFor();
    const reply = page.getByRole('textbox', { name: 'Reply' });
    await page.getByRole('note').getByText(/has not consented to receive SMS/).waitFor();
    expect(await reply.isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    // The console says what the API would answer: the same refusal.
    const refused = await call('POST', `/tickets/${encodeURIComponent(ticketId)}/replies`, brand.tokens.support, { body: 'Hi!' });
    expect(refused.status).toBe(409);
    expect(await page.getByRole('note').textContent()).toBe(refused.body.message);
  });

  it('sets a ticket\'s priority on its page; the list shows it and sorts the most urgent first', async () => {
    const ticketId = await textIn('+14155550501', 'Urgent Texter', 'The parcel is on fire');
    await textIn('+14155550502', 'Calm Texter', 'No rush');
    await page.goto(`${api.baseUrl}/#/tickets/${encodeURIComponent(ticketId)}`);
    await page.getByText('The parcel is on fire').waitFor();
    await page.getByRole('toolbar', { name: 'Ticket actions' }).getByLabel('Priority').selectOption('urgent');
    await eventually(async () => (((await call('GET', `/tickets/${encodeURIComponent(ticketId)}`, brand.tokens.support)).body.ticket as { priority: string }).priority === 'urgent' ? true : undefined), 'priority set');
    await page.getByRole('navigation', { name: 'Inbox' }).getByRole('link', { name: /Unassigned/ }).click();
    await page.getByLabel('Sort by').selectOption('priority:desc');
    await row('Urgent Texter').getByText('Urgent', { exact: true }).waitFor();
    const firstRow = page.getByRole('table', { name: 'Tickets' }).getByRole('row').nth(1);
    await firstRow.filter({ hasText: 'Urgent Texter' }).waitFor();
  });

  it('saves the current filters as a custom view with its count in the navigation, and deletes it', async () => {
    await page.getByRole('navigation', { name: 'Inbox' }).getByRole('link', { name: /All tickets/ }).click();
    await page.getByRole('heading', { name: 'All tickets' }).waitFor();
    await page.getByRole('group', { name: 'Priority' }).getByLabel('Urgent').check();
    await row('Urgent Texter').waitFor();
    await page.getByRole('button', { name: 'Save as view' }).click();
    await page.getByLabel('View name').fill('Urgent now');
    await page.getByRole('button', { name: 'Save view' }).click();
    await page.getByRole('heading', { name: 'Urgent now' }).waitFor();
    const navigation = page.getByRole('navigation', { name: 'Inbox' });
    await navigation.getByRole('link', { name: /Urgent now/ }).getByText('1', { exact: true }).waitFor();
    await row('Urgent Texter').waitFor();
    const saved = ((await call('GET', '/views', brand.tokens.support)).body.views as { name: string; filters: Record<string, unknown> }[]).find((view) => view.name === 'Urgent now');
    expect(saved?.filters).toMatchObject({ view: 'all', status: ['open'], priority: ['urgent'] });

    await page.getByRole('button', { name: 'Delete view' }).click();
    await page.getByRole('group', { name: 'Delete view' }).getByRole('button', { name: 'Yes, delete' }).click();
    await page.getByRole('heading', { name: 'My Inbox' }).waitFor();
    await navigation.getByRole('link', { name: /Urgent now/ }).waitFor({ state: 'detached' });
    expect(((await call('GET', '/views', brand.tokens.support)).body.views as { name: string }[]).map((view) => view.name)).not.toContain('Urgent now');
  });

  it('catches up after an API restart: a ticket that arrived while the API was down appears without a reload', async () => {
    await page.getByRole('navigation', { name: 'Inbox' }).getByRole('link', { name: /Unassigned/ }).click();
    await page.getByRole('heading', { name: 'Unassigned' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    const { port } = new URL(api.baseUrl);
    await api.close();
    await page.getByRole('status').filter({ hasText: 'Reconnecting' }).waitFor();
    // Straight to the ticket's workflow: the API, the door customers' messages usually take, is down.
    await stack.ingestion.ingest({ accountId: brand.accountId, channel: 'sms', externalId: randomUUID(), body: 'Sent during the restart', sender: { phone: '+14155550401', name: 'Restart Texter' } });
    await eventually(async () => {
      const [row] = await stack.orm.em.fork().execute<{ count: string }[]>(`SELECT count(*) AS count FROM tickets WHERE account_id = ? AND customer_name = 'Restart Texter'`, [brand.accountId]);
      return Number(row!.count) === 1 ? true : undefined;
    }, 'the ticket projected while the API is down');
    api = await serveApi(stack, { port: Number(port) });
    // EventSource reconnects by itself with Last-Event-ID; the missed change is replayed, and the list refetches.
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await row('Restart Texter').waitFor();
  });

  it('shows a new SMS ticket in Unassigned live; assign to me, reply, snooze with a preset, and back in My Inbox after expiry', async () => {
    const phone = '+14155550101';
    await call('PUT', '/integration/sms/consent', brand.integrationToken, { phone, consent: 'transactional' });
    await page.getByRole('navigation', { name: 'Inbox' }).getByRole('link', { name: /Unassigned/ }).click();
    await page.getByRole('heading', { name: 'Unassigned' }).waitFor();

    // Arrives while the page is open: the live stream brings it, nothing reloads.
    const ticketId = await textIn(phone, 'Ada Texter', 'Where is my order #1001?');
    await row('Ada Texter').waitFor();
    await screenshot(page, 'inbox');

    await row('Ada Texter').getByRole('link').click();
    await page.getByRole('heading', { name: /Ada Texter/ }).waitFor();
    await page.getByText('Where is my order #1001?').waitFor();
    await page.getByRole('button', { name: 'Assign to me' }).click();
    await page.getByRole('button', { name: 'Assign to me' }).waitFor({ state: 'detached' });
    expect((await ticketState(ticketId)).assigneeId).toBe(brand.users.support.id);

    await page.getByRole('textbox', { name: 'Reply' }).fill('It ships tomorrow morning.');
    await page.getByText('1 segment').waitFor();
    await page.getByRole('button', { name: 'Send' }).click();
    const sent = page.getByRole('list', { name: 'Messages' }).getByRole('listitem').filter({ hasText: 'It ships tomorrow morning.' });
    await sent.getByText('Queued', { exact: true }).waitFor();
    const send = twilio.messages.find((message) => message.to === phone && message.body === 'It ships tomorrow morning.');
    expect(send?.statusCallback).toBeDefined();
    // Twilio reports the delivery later; the open ticket shows it as it is recorded.
    const callback = await postTwilioWebhook({ publicUrl: send!.statusCallback!, deliverTo: api.baseUrl, authToken: twilioAccount.authToken, params: statusCallbackParams(send!, 'delivered') });
    expect(callback.status).toBe(200);
    await sent.getByText('Delivered', { exact: true }).waitFor();
    await screenshot(page, 'ticket');

    await page.getByRole('button', { name: 'Snooze' }).click();
    await page.getByRole('group', { name: 'Snooze until' }).getByRole('button', { name: /Later today/ }).click();
    await page.getByLabel('Status: snoozed').waitFor();
    expect((await ticketState(ticketId)).status).toBe('snoozed');

    await page.getByRole('navigation', { name: 'Inbox' }).getByRole('link', { name: /My Inbox/ }).click();
    await page.getByRole('heading', { name: 'My Inbox' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'No tickets here' }).waitFor();

    // "Later today" is at most four hours away. This test skips time, so it runs last: on the time-skipping server,
    // updates sent after a skip were seen to wait (bulk close, mark read) until the server was torn down.: past it, the ticket's timer reopens it and My Inbox shows it again.
    await stack.env.sleep('5 hours');
    await row('Ada Texter').waitFor({ timeout: 30_000 });
    expect((await ticketState(ticketId)).status).toBe('open');
  });
});
