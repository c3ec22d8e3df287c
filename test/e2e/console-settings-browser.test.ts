import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { browserTestsSkippedBecause, launchChromium, screenshot, setPassword, signIntoConsole } from '../support/console-browser.js';
import { eventually } from '../support/eventually.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const skipped = browserTestsSkippedBecause();
if (skipped) process.stderr.write(`console settings browser test skipped: ${skipped}\n`);

const OWNER_PASSWORD = 'owner-password-0123';
const SUPPORT_PASSWORD = 'support-password-0123';

(skipped ? describe.skip : describe)('console settings in a real browser', () => {
  let stack: TestStack;
  let brand: TestAccount;
  let browser: Browser;
  let ownerPage: Page;

  beforeAll(async () => {
    stack = await startTestStack();
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
    await setPassword(stack.orm, brand.users.owner.id, OWNER_PASSWORD);
    await setPassword(stack.orm, brand.users.support.id, SUPPORT_PASSWORD);
    browser = await launchChromium();
    ownerPage = await signIntoConsole(browser, stack.baseUrl, { email: brand.users.owner.email, password: OWNER_PASSWORD });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const apiAs = async (role: 'owner' | 'support', method: string, path: string, body?: unknown) => {
    const response = await fetch(`${stack.baseUrl}${path}`, {
      method,
      headers: { ...brand.headers(role), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.status).toBeLessThan(300);
    return (await response.json()) as Record<string, unknown>;
  };

  const weekdays = [1, 2, 3, 4, 5].map((day) => ({ day, opens: '09:00', closes: '17:00' }));

  it('edits and saves the office hours: the API returns exactly those values and a reload shows them', async () => {
    // Start from office hours that are open on Sunday, so that closing it is a change.
    await apiAs('owner', 'PATCH', '/settings/web-chat', {
      officeHours: { timeZone: 'Europe/Berlin', weekly: [{ day: 0, opens: '12:00', closes: '16:00' }, ...weekdays], exceptions: [] },
    });
    const page = ownerPage;
    await page.goto(`${stack.baseUrl}/#/settings/web-chat`);
    const form = page.getByRole('form', { name: 'Web chat settings' });
    await form.waitFor();
    await expect(form.getByLabel('Use office hours').isChecked()).resolves.toBe(true);
    await expect(form.getByLabel('Open on Sunday').isChecked()).resolves.toBe(true);

    await form.getByLabel('Time zone').selectOption('America/New_York');
    await form.getByLabel('Open on Saturday').check();
    await form.getByLabel('Saturday opens').fill('10:00');
    await form.getByLabel('Saturday closes').fill('14:00');
    await form.getByLabel('Open on Sunday').uncheck();
    await expect(form.getByLabel('Sunday opens').isDisabled()).resolves.toBe(true);
    await form.getByRole('button', { name: 'Add holiday or special hours' }).click();
    await form.getByLabel('Exception 1 date').fill('2026-12-25');
    await form.getByLabel('Exception 1 hours').selectOption('closed');
    await form.getByRole('button', { name: 'Add holiday or special hours' }).click();
    await form.getByLabel('Exception 2 date').fill('2026-12-24');
    await form.getByLabel('Exception 2 hours').selectOption('special');
    await form.getByLabel('Exception 2 opens').fill('09:00');
    await form.getByLabel('Exception 2 closes').fill('12:30');
    await form.getByLabel('Auto-response outside office hours').fill('We are offline; we will answer by email.');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await screenshot(page, 'console-settings-web-chat');

    const saved = await apiAs('owner', 'GET', '/settings/web-chat');
    expect(saved.officeHours).toEqual({
      timeZone: 'America/New_York',
      weekly: [...weekdays, { day: 6, opens: '10:00', closes: '14:00' }],
      exceptions: [
        { date: '2026-12-25', closed: true },
        { date: '2026-12-24', opens: '09:00', closes: '12:30' },
      ],
    });
    expect(saved.offlineAutoResponse).toBe('We are offline; we will answer by email.');
    expect(saved.onlineAutoResponse).toBeNull();

    await page.reload();
    const reloaded = page.getByRole('form', { name: 'Web chat settings' });
    await reloaded.waitFor();
    await expect(reloaded.getByLabel('Time zone').inputValue()).resolves.toBe('America/New_York');
    await expect(reloaded.getByLabel('Open on Saturday').isChecked()).resolves.toBe(true);
    await expect(reloaded.getByLabel('Saturday opens').inputValue()).resolves.toBe('10:00');
    await expect(reloaded.getByLabel('Saturday closes').inputValue()).resolves.toBe('14:00');
    await expect(reloaded.getByLabel('Open on Sunday').isChecked()).resolves.toBe(false);
    await expect(reloaded.getByLabel('Exception 1 date').inputValue()).resolves.toBe('2026-12-25');
    await expect(reloaded.getByLabel('Exception 1 hours').inputValue()).resolves.toBe('closed');
    await expect(reloaded.getByLabel('Exception 2 closes').inputValue()).resolves.toBe('12:30');
    await expect(reloaded.getByLabel('Auto-response outside office hours').inputValue()).resolves.toBe('We are offline; we will answer by email.');
  });

  it("shows the API's error next to the field at fault and keeps the draft", async () => {
    const before = await apiAs('owner', 'GET', '/settings/web-chat');
    const page = ownerPage;
    await page.goto(`${stack.baseUrl}/#/settings/web-chat`);
    const form = page.getByRole('form', { name: 'Web chat settings' });
    await form.waitFor();

    // An address that is not one: class-validator's 400 names followUpFromAddress.
    await form.getByLabel('Follow-up address').fill('not-an-email');
    await form.getByLabel('Auto-response within office hours').fill('Hello! One moment please.');
    await form.getByRole('button', { name: 'Save' }).click();
    const addressField = form.locator('label', { hasText: 'Follow-up address' });
    await addressField.getByRole('alert').filter({ hasText: 'followUpFromAddress must be an email' }).waitFor();
    await expect(form.getByLabel('Follow-up address').inputValue()).resolves.toBe('not-an-email');
    await expect(form.getByLabel('Auto-response within office hours').inputValue()).resolves.toBe('Hello! One moment please.');
    await expect(form.getByRole('status').filter({ hasText: 'Saved' }).count()).resolves.toBe(0);

    // The same opening and closing time on Saturday: the office-hours check names officeHours.weekly[5] (the 6th window sent).
    await form.getByLabel('Follow-up address').fill('chat@example.com');
    await form.getByLabel('Saturday closes').fill('10:00');
    await form.getByRole('button', { name: 'Save' }).click();
    const saturday = form.locator('tr', { has: page.getByLabel('Saturday opens') });
    await saturday.getByRole('alert').filter({ hasText: 'Opening and closing times are the same' }).waitFor();
    await expect(addressField.getByRole('alert').count()).resolves.toBe(0);
    await expect(form.getByLabel('Saturday closes').inputValue()).resolves.toBe('10:00');
    await expect(form.getByLabel('Follow-up address').inputValue()).resolves.toBe('chat@example.com');
    await screenshot(page, 'console-settings-web-chat-error');

    // Nothing was stored by either attempt.
    expect(await apiAs('owner', 'GET', '/settings/web-chat')).toEqual(before);

    // Fixing the draft saves it all.
    await form.getByLabel('Saturday closes').fill('15:00');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    const saved = await eventually(async () => {
      const current = await apiAs('owner', 'GET', '/settings/web-chat');
      return current.followUpFromAddress === 'chat@example.com' ? current : undefined;
    }, 'the fixed settings stored');
    expect(saved.onlineAutoResponse).toBe('Hello! One moment please.');
    expect((saved.officeHours as { weekly: unknown[] }).weekly).toContainEqual({ day: 6, opens: '10:00', closes: '15:00' });
  });

  it('edits the email addresses as lists, with an invalid address shown next to its list', async () => {
    const page = ownerPage;
    await page.goto(`${stack.baseUrl}/#/settings/email`);
    const form = page.getByRole('form', { name: 'Email settings' });
    await form.waitFor();
    await form.getByRole('button', { name: 'Add support address' }).click();
    await form.getByLabel('Support address 1', { exact: true }).fill('not an address');
    await form.getByLabel('Sender name').fill('Acme Support');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('alert').filter({ hasText: 'supportAddresses' }).waitFor();
    await expect(form.getByLabel('Sender name').inputValue()).resolves.toBe('Acme Support');

    await form.getByLabel('Support address 1', { exact: true }).fill('help@acme-console.test');
    await form.getByRole('button', { name: 'Add support address' }).click();
    await form.getByLabel('Support address 2', { exact: true }).fill('second@acme-console.test');
    await form.getByRole('button', { name: 'Add forwarding address' }).click();
    await form.getByLabel('Forwarding address 1', { exact: true }).fill('group@acme-console.test');
    await form.getByRole('button', { name: 'Remove support address 2' }).click();
    await form.getByLabel('Signature').fill('Best,\nThe Acme team');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    expect(await apiAs('owner', 'GET', '/settings/email')).toEqual({
      supportAddresses: ['help@acme-console.test'],
      forwardingAddresses: ['group@acme-console.test'],
      senderName: 'Acme Support',
      signature: 'Best,\nThe Acme team',
    });
  });

  it('connects Twilio (field errors, the token never shown back), shows the webhook URLs to copy, and saves the SMS settings', async () => {
    const page = ownerPage;
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.baseUrl });
    await page.goto(`${stack.baseUrl}/#/settings/sms`);
    const twilio = page.getByRole('form', { name: 'Twilio connection' });
    await twilio.getByText('Not connected').waitFor();
    const expected = (await apiAs('owner', 'GET', '/settings/sms/twilio')) as { inboundWebhookUrl: string; statusCallbackUrl: string };
    await expect(twilio.getByRole('textbox', { name: 'Inbound message webhook URL' }).inputValue()).resolves.toBe(expected.inboundWebhookUrl);
    await expect(twilio.getByRole('textbox', { name: 'Status callback URL' }).inputValue()).resolves.toBe(expected.statusCallbackUrl);
    await twilio.getByRole('button', { name: 'Copy inbound message webhook URL' }).click();
    await twilio.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
    await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(expected.inboundWebhookUrl);

    await twilio.getByLabel('Account SID').fill('AC123');
    await twilio.getByLabel('Auth token').fill('secret-auth-token');
    await twilio.getByLabel('Inbox number').fill('+14155550100');
    await twilio.getByRole('button', { name: 'Connect' }).click();
    await twilio.locator('label', { hasText: 'Account SID' }).getByRole('alert').filter({ hasText: 'Twilio account SID' }).waitFor();
    await expect(twilio.getByLabel('Auth token').inputValue()).resolves.toBe('secret-auth-token');
    await twilio.getByLabel('Account SID').fill(`AC${'0123456789abcdef'.repeat(2)}`);
    await twilio.getByRole('button', { name: 'Connect' }).click();
    await twilio.getByText(`Connected: account AC${'0123456789abcdef'.repeat(2)}`).waitFor();
    await expect(twilio.getByLabel('Auth token').inputValue()).resolves.toBe('');

    const sms = page.getByRole('form', { name: 'SMS settings' });
    await sms.getByLabel('Answer a first text automatically').check();
    await sms.getByLabel('Attribution window (hours)').fill('48');
    await sms.getByLabel('Shorten links in replies').check();
    await sms.getByRole('button', { name: 'Add opt-in keyword' }).click();
    const optIns = await sms.getByRole('group', { name: 'Opt-in keywords' }).getByRole('textbox').count();
    await sms.getByLabel(`Opt-in keyword ${optIns}`, { exact: true }).fill('JOIN');
    await sms.getByRole('button', { name: 'Save' }).click();
    await sms.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    const saved = (await apiAs('owner', 'GET', '/settings/sms')) as { attributionWindowHours: number; linkShorteningEnabled: boolean; optInKeywords: string[]; autoResponder: { enabled: boolean } };
    expect(saved.attributionWindowHours).toBe(48);
    expect(saved.linkShorteningEnabled).toBe(true);
    expect(saved.autoResponder.enabled).toBe(true);
    expect(saved.optInKeywords).toContain('JOIN');
    await screenshot(page, 'console-settings-sms');
  });

  it('shows a support agent the team read-only', async () => {
    const page = await signIntoConsole(browser, stack.baseUrl, { email: brand.users.support.email, password: SUPPORT_PASSWORD });
    try {
      await page.goto(`${stack.baseUrl}/#/settings/team`);
      const team = page.getByRole('region', { name: 'Team' });
      await team.getByRole('cell', { name: brand.users.owner.email }).waitFor();
      await team.getByRole('cell', { name: brand.users.support.email }).waitFor();
      await page.getByText('Only owners and admins can change the team').waitFor();
      await expect(page.getByRole('form', { name: 'Invite a teammate' }).count()).resolves.toBe(0);
      await expect(team.getByRole('combobox').count()).resolves.toBe(0);
      await expect(team.getByRole('button').count()).resolves.toBe(0);
      await screenshot(page, 'console-settings-team-read-only');
    } finally {
      await page.context().close();
    }
  });

  it('lets the owner invite, change a role and deactivate after a confirmation', async () => {
    const page = ownerPage;
    await page.goto(`${stack.baseUrl}/#/settings/team`);
    const invite = page.getByRole('form', { name: 'Invite a teammate' });
    await invite.getByLabel('Email address').fill('new-agent@example.test');
    await invite.getByLabel('Role').selectOption('manager');
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    await invite.getByRole('status').filter({ hasText: 'Invitation sent to new-agent@example.test' }).waitFor();

    const supportName = brand.users.support.name;
    const team = page.getByRole('region', { name: 'Team' });
    await team.getByLabel(`Role of ${supportName}`).selectOption('manager');
    await eventually(async () => {
      const { users } = (await apiAs('owner', 'GET', '/users')) as { users: { id: string; role: string }[] };
      return users.find((user) => user.id === brand.users.support.id)?.role === 'manager' ? true : undefined;
    }, 'the role change stored');

    await team.getByRole('button', { name: `Deactivate ${supportName}` }).click();
    await team.getByRole('group', { name: `Confirm deactivating ${supportName}` }).getByRole('button', { name: 'Yes, deactivate' }).click();
    await team.getByRole('row', { name: new RegExp(brand.users.support.email) }).getByText('Deactivated').waitFor();
    const { users } = (await apiAs('owner', 'GET', '/users')) as { users: { id: string; status: string }[] };
    expect(users.find((user) => user.id === brand.users.support.id)?.status).toBe('deactivated');
  });

  it('creates a personal token, shows it once, and revokes it', async () => {
    const page = ownerPage;
    await page.goto(`${stack.baseUrl}/#/settings/tokens`);
    const create = page.getByRole('form', { name: 'Create personal token' });
    await create.getByLabel('Token name').fill('laptop script');
    await create.getByRole('button', { name: 'Create token' }).click();
    const issued = page.getByRole('region', { name: 'New personal token' });
    await issued.getByText('it will not be shown again').waitFor();
    const raw = await issued.getByRole('textbox', { name: 'New token' }).inputValue();
    const me = await fetch(`${stack.baseUrl}/me`, { headers: { authorization: `Bearer ${raw}` } });
    expect(me.status).toBe(200);

    await page.getByRole('button', { name: 'Revoke laptop script' }).click();
    await page.getByRole('button', { name: 'Yes, revoke' }).click();
    await page.getByRole('button', { name: 'Revoke laptop script' }).waitFor({ state: 'detached' });
    const after = await fetch(`${stack.baseUrl}/me`, { headers: { authorization: `Bearer ${raw}` } });
    expect(after.status).toBe(401);
    // Integration tokens are the owner's too.
    await page.getByRole('form', { name: 'Create integration token' }).waitFor();
  });
  it('connects a Shopify shop: a bad domain is refused beside its field, the secrets are never shown back, and it disconnects', async () => {
    const page = ownerPage;
    await page.goto(`${stack.baseUrl}/#/settings/shopify`);
    const form = page.getByRole('form', { name: 'Connect a Shopify shop' });
    await form.waitFor();
    await page.getByRole('status').filter({ hasText: 'No shop connected' }).waitFor();
    expect(await page.getByRole('textbox', { name: 'Webhook URL' }).inputValue()).toBe(`${stack.config.publicUrl}/webhooks/shopify/${brand.accountId}`);

    await form.getByLabel('Shop domain').fill('not a shop');
    await form.getByLabel('Admin API access token').fill('shpat_console_test_token');
    await form.getByLabel('Webhook secret (the app\'s client secret)').fill('console-test-secret');
    await form.getByRole('button', { name: 'Connect' }).click();
    await form.getByRole('alert').filter({ hasText: 'myshopify.com' }).waitFor();
    expect(await form.getByLabel('Admin API access token').inputValue()).toBe('shpat_console_test_token'); // the draft is kept

    await form.getByLabel('Shop domain').fill('console-test.myshopify.com');
    await form.getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('status').filter({ hasText: 'Connected to console-test.myshopify.com' }).waitFor();
    expect(await form.getByLabel('Admin API access token').inputValue()).toBe('');
    expect(await apiAs('owner', 'GET', '/settings/shopify')).toMatchObject({ connected: true, shopDomain: 'console-test.myshopify.com' });

    await page.getByRole('button', { name: 'Disconnect the shop' }).click();
    await page.getByRole('button', { name: 'Yes, disconnect' }).click();
    await page.getByRole('status').filter({ hasText: 'No shop connected' }).waitFor();
    expect(await apiAs('owner', 'GET', '/settings/shopify')).toMatchObject({ connected: false });
  });
});
