import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { browserTestsSkippedBecause, launchChromium, setPassword, signIntoConsole } from '../support/console-browser.js';
import { eventually } from '../support/eventually.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const skipped = browserTestsSkippedBecause();
if (skipped) process.stderr.write(`console presence browser test skipped: ${skipped}\n`);

const OWNER_PASSWORD = 'owner-password-0123';
const SUPPORT_PASSWORD = 'support-password-0123';

(skipped ? describe.skip : describe)('agent presence in a real browser: two agents on one ticket', () => {
  let stack: TestStack;
  let brand: TestAccount;
  let browser: Browser;
  let ownerPage: Page;
  let supportPage: Page;

  beforeAll(async () => {
    stack = await startTestStack();
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
    await setPassword(stack.orm, brand.users.owner.id, OWNER_PASSWORD);
    await setPassword(stack.orm, brand.users.support.id, SUPPORT_PASSWORD);
    browser = await launchChromium();
    ownerPage = await signIntoConsole(browser, stack.baseUrl, { email: brand.users.owner.email, password: OWNER_PASSWORD });
    supportPage = await signIntoConsole(browser, stack.baseUrl, { email: brand.users.support.email, password: SUPPORT_PASSWORD });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  const presenceLine = (page: Page) => page.getByRole('status').filter({ hasText: /is viewing|are viewing|is typing|are typing/ });

  it('shows the other agent viewing, then typing, and forgets them when they leave', async () => {
    const inbound = await fetch(`${stack.baseUrl}/integration/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${brand.integrationToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'email', externalId: randomUUID(), sender: { email: 'collision@example.com' }, subject: 'Refund?', body: 'Can I get a refund?' }),
    });
    expect(inbound.status).toBe(202);
    const { ticketId } = (await inbound.json()) as { ticketId: string };
    await eventually(async () => ((await fetch(`${stack.baseUrl}/tickets/${encodeURIComponent(ticketId)}`, { headers: brand.headers('support') })).ok ? true : undefined), 'the ticket projected');
    const ticketUrl = `${stack.baseUrl}/#/tickets/${encodeURIComponent(ticketId)}`;

    await supportPage.goto(ticketUrl);
    await ownerPage.goto(ticketUrl);
    await supportPage.getByText('Can I get a refund?').waitFor();
    await ownerPage.getByText('Can I get a refund?').waitFor();

    await presenceLine(supportPage).filter({ hasText: `${brand.users.owner.name} is viewing` }).waitFor();
    await presenceLine(ownerPage).filter({ hasText: `${brand.users.support.name} is viewing` }).waitFor();
    // Nobody is told about themself.
    expect(await presenceLine(ownerPage).textContent()).not.toContain(brand.users.owner.name);
    expect(await presenceLine(supportPage).getAttribute('aria-live')).toBe('polite');

    await ownerPage.getByRole('textbox', { name: 'Reply' }).pressSequentially('We are on it', { delay: 20 });
    await presenceLine(supportPage).filter({ hasText: `${brand.users.owner.name} is typing…` }).waitFor();
    // Sending the reply ends the typing at once (the mark would otherwise last 6 s): still viewing, no longer typing.
    await ownerPage.getByRole('button', { name: 'Send' }).click();
    await ownerPage.getByText('We are on it').last().waitFor();
    const ownerTyping = async () => {
      const response = await fetch(`${stack.baseUrl}/tickets/${encodeURIComponent(ticketId)}/presence`, { headers: brand.headers('support') });
      const { agents } = (await response.json()) as { agents: { userId: string; typing: boolean }[] };
      return agents.find((agent) => agent.userId === brand.users.owner.id)?.typing;
    };
    await eventually(async () => ((await ownerTyping()) === false ? true : undefined), 'the owner no longer typing', 3_000);

    await ownerPage.goto(`${stack.baseUrl}/#/inbox/all`);
    await presenceLine(supportPage).waitFor({ state: 'detached' });
    expect(await supportPage.getByRole('status').filter({ hasText: brand.users.owner.name }).count()).toBe(0);
  });
});
