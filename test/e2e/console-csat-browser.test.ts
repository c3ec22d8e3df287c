import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { hashCsatToken } from '../../libs/csat/csat-tokens.js';
import { DEFAULT_CSAT_SETTINGS } from '../../libs/domain/csat.js';
import { newChatTicketId } from '../../libs/temporal/workflow-ids.js';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { browserTestsSkippedBecause, launchChromium, screenshot, setPassword, signIntoConsole } from '../support/console-browser.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const skipped = browserTestsSkippedBecause();
if (skipped) process.stderr.write(`console CSAT browser test skipped: ${skipped}\n`);

const OWNER_PASSWORD = 'owner-password-0123';
const SUPPORT_PASSWORD = 'support-password-0123';

(skipped ? describe.skip : describe)('CSAT in a real browser: the settings page, the survey page and the ticket panel', () => {
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

  const settingsOf = async () => {
    const response = await fetch(`${stack.baseUrl}/settings/csat`, { headers: brand.headers('owner') });
    return (await response.json()) as Record<string, unknown>;
  };

  it('edits and saves the survey settings; a reload shows them', async () => {
    const page = ownerPage;
    await page.goto(`${stack.baseUrl}/#/settings/general`);
    await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'Satisfaction (CSAT)' }).click();
    const form = page.getByRole('form', { name: 'Satisfaction (CSAT) settings' });
    await form.waitFor();
    await expect(form.getByLabel('Survey question').inputValue()).resolves.toBe(DEFAULT_CSAT_SETTINGS.question);
    await expect(form.getByLabel('Email').isChecked()).resolves.toBe(false);

    await form.getByLabel('Email').check();
    await form.getByLabel('Web chat').check();
    await form.getByLabel('Days before a ticket is surveyed again').fill('14');
    await form.getByLabel('Survey question').fill('How did we do today?');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    await screenshot(page, 'console-settings-csat');
    expect(await settingsOf()).toEqual({ enabledChannels: ['email', 'web_chat'], resendAfterDays: 14, question: 'How did we do today?' });

    await page.reload();
    const reloaded = page.getByRole('form', { name: 'Satisfaction (CSAT) settings' });
    await reloaded.waitFor();
    await expect(reloaded.getByLabel('Email').isChecked()).resolves.toBe(true);
    await expect(reloaded.getByLabel('SMS').isChecked()).resolves.toBe(false);
    await expect(reloaded.getByLabel('Web chat').isChecked()).resolves.toBe(true);
    await expect(reloaded.getByLabel('Days before a ticket is surveyed again').inputValue()).resolves.toBe('14');
  });

  it("shows the API's error beside the field at fault and keeps the draft", async () => {
    const page = ownerPage;
    await page.goto(`${stack.baseUrl}/#/settings/csat`);
    const form = page.getByRole('form', { name: 'Satisfaction (CSAT) settings' });
    await form.waitFor();
    await form.getByLabel('Days before a ticket is surveyed again').fill('400');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('alert').filter({ hasText: 'resendAfterDays must not be greater than 365' }).waitFor();
    await expect(form.getByLabel('Days before a ticket is surveyed again').inputValue()).resolves.toBe('400');

    await form.getByLabel('Days before a ticket is surveyed again').fill('3');
    await form.getByLabel('Survey question').fill('   ');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('alert').filter({ hasText: 'question must not be empty or blank' }).waitFor();
    expect((await settingsOf()).resendAfterDays).toBe(14);
  });

  it('shows support agents the settings read-only', async () => {
    const page = await signIntoConsole(browser, stack.baseUrl, { email: brand.users.support.email, password: SUPPORT_PASSWORD });
    await page.goto(`${stack.baseUrl}/#/settings/csat`);
    const form = page.getByRole('form', { name: 'Satisfaction (CSAT) settings' });
    await form.waitFor();
    await expect(form.getByLabel('Survey question').isDisabled()).resolves.toBe(true);
    await expect(form.getByRole('button', { name: 'Save' }).count()).resolves.toBe(0);
    await page.context().close();
  });

  it("lets the customer answer on the survey page, and shows the answer in the ticket's overview", async () => {
    const ticketId = newChatTicketId(brand.accountId);
    const token = `browser-csat-${randomUUID()}`;
    const em = stack.orm.em.fork();
    await em.execute(
      `INSERT INTO tickets (id, account_id, channel, status, customer_name, created_at, updated_at, closed_at, version) VALUES (?, ?, 'web_chat', 'closed', 'Ada', now(), now(), now(), 1)`,
      [ticketId, brand.accountId],
    );
    await em.execute(`INSERT INTO csat_surveys (id, account_id, ticket_id, channel, token_hash, sent_at) VALUES (?, ?, ?, 'web_chat', ?, now() - interval '2 days')`, [
      randomUUID(),
      brand.accountId,
      ticketId,
      hashCsatToken(`unanswered-${randomUUID()}`),
    ]);
    await em.execute(`INSERT INTO csat_surveys (id, account_id, ticket_id, channel, token_hash, sent_at) VALUES (?, ?, ?, 'web_chat', ?, now() - interval '1 hour')`, [
      randomUUID(),
      brand.accountId,
      ticketId,
      hashCsatToken(token),
    ]);

    // The customer's browser: no session, no script.
    const customer = await browser.newContext({ javaScriptEnabled: false });
    const survey = await customer.newPage();
    await survey.goto(`${stack.baseUrl}/csat/${token}`);
    await survey.getByRole('heading', { name: 'How did we do today?' }).waitFor();
    await survey.getByLabel('4', { exact: true }).check();
    await survey.getByLabel('Anything you would like to tell us? (optional)').fill('Ada was very patient');
    await screenshot(survey, 'csat-survey-page');
    await survey.getByRole('button', { name: 'Send' }).click();
    await survey.getByRole('heading', { name: 'Thank you for your answer' }).waitFor();
    await expect(survey.getByText('You rated us 4 / 5.').count()).resolves.toBe(1);
    await customer.close();

    const page = ownerPage;
    await page.goto(`${stack.baseUrl}/#/tickets/${encodeURIComponent(ticketId)}`);
    const satisfaction = page.getByRole('complementary', { name: 'Overview' }).getByRole('region', { name: 'Satisfaction' });
    await satisfaction.waitFor();
    const items = satisfaction.getByRole('listitem');
    await expect(items.count()).resolves.toBe(2);
    await expect(items.nth(0).innerText()).resolves.toMatch(/^4 \/ 5 · answered .*\nAda was very patient$/s);
    await expect(items.nth(1).innerText()).resolves.toMatch(/^sent, no answer yet · 2 days ago$/);
    await screenshot(page, 'console-ticket-csat');
  });
});
