import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { CHROMIUM, chromiumAvailable, launchChromium } from '../support/console-browser.js';
import { eventually } from '../support/eventually.js';
import { startTestStack, type TestStack } from '../support/stack.js';

if (!chromiumAvailable) process.stderr.write(`web-chat browser test skipped: no chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)\n`);

(chromiumAvailable ? describe : describe.skip)('web chat widget in a real browser', () => {
  let stack: TestStack;
  let brand: TestAccount;
  let shop: http.Server;
  let shopUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startTestStack({ CHAT_TOKEN_SECRET: 'test-chat-token-secret-0123456789' });
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
    // The brand's own site, on another origin than the API, with the one script tag.
    shop = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html><html><head><title>Shop</title></head><body><h1>Our shop</h1>
        <script src="${stack.baseUrl}/chat/widget.js" data-account="${brand.accountId}" async></script></body></html>`);
    });
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    shopUrl = `http://localhost:${(shop.address() as AddressInfo).port}/`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => shop?.close(resolve));
    await stack?.stop();
  });

  const agent = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${stack.baseUrl}${path}`, {
      method,
      headers: { ...brand.headers('support'), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.status).toBeLessThan(300);
    return response.json() as Promise<Record<string, unknown>>;
  };
  const unassignedChats = async () => {
    const page = (await agent('GET', '/tickets?view=unassigned&channel=web_chat')) as { tickets: { id: string }[] };
    return page.tickets.map((ticket) => ticket.id);
  };

  it('chats from the widget: ticket in Unassigned, agent reply shown, closed conversation replaced by a new one', async () => {
    const page = await browser.newPage();
    await page.goto(shopUrl);
    await page.click('.inbox-chat-launcher');
    await page.fill('.inbox-chat-name', 'Wendy');
    await page.fill('.inbox-chat-email', 'wendy@example.com');
    await page.fill('.inbox-chat-input', 'Do you ship to Norway?');
    await page.click('.inbox-chat-send');
    await page.locator('.inbox-chat-from-visitor', { hasText: 'Do you ship to Norway?' }).waitFor();

    const ticketId = await eventually(async () => (await unassignedChats())[0], 'the chat in Unassigned');
    const ticket = (await agent('GET', `/tickets/${ticketId}`)) as { ticket: { customerName?: string; channel: string } };
    expect(ticket.ticket.channel).toBe('web_chat');

    await agent('POST', `/tickets/${ticketId}/replies`, { body: 'Yes, in 3 to 5 days.' });
    await page.locator('.inbox-chat-from-agent', { hasText: 'Yes, in 3 to 5 days.' }).waitFor();
    // The open widget tells the ticket that the reply was seen (which cancels any offline follow-up).
    const [agentReply] = await stack.orm.em.fork().execute<{ id: string }[]>(
      `SELECT id FROM messages WHERE ticket_id = ? AND direction = 'outbound' AND author_user_id IS NOT NULL`,
      [ticketId],
    );
    await eventually(async () => {
      const [row] = await stack.orm.em.fork().execute<{ last_signalled_seen: string | null }[]>('SELECT last_signalled_seen FROM web_chat_conversations WHERE ticket_id = ?', [ticketId]);
      return row?.last_signalled_seen === agentReply!.id ? true : undefined;
    }, 'the widget to report the reply as seen');

    // The agent closes the chat: the widget says so and offers a new conversation, which is a new ticket.
    await agent('POST', `/tickets/${ticketId}/close`);
    await page.locator('.inbox-chat-restart').waitFor({ state: 'visible' });
    await page.click('.inbox-chat-restart');
    await page.fill('.inbox-chat-input', 'Another question: gift wrapping?');
    await page.click('.inbox-chat-send');
    await page.locator('.inbox-chat-from-visitor', { hasText: 'gift wrapping' }).waitFor();
    const second = await eventually(async () => (await unassignedChats()).find((id) => id !== ticketId), 'the second chat in Unassigned');
    expect(second).not.toBe(ticketId);
    expect(await page.locator('.inbox-chat-from-agent').count()).toBe(0);
    await page.close();
  });

  it('asks for a rating when the agent closes the chat, and stores the one the visitor gives', async () => {
    const enabled = await fetch(`${stack.baseUrl}/settings/csat`, {
      method: 'PATCH',
      headers: { ...brand.headers('owner'), 'content-type': 'application/json' },
      body: JSON.stringify({ enabledChannels: ['web_chat'], question: 'How was this chat?' }),
    });
    expect(enabled.status).toBe(200);
    // A visitor of their own (a fresh context: no conversation saved by the test before).
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(shopUrl);
    await page.click('.inbox-chat-launcher');
    const before = new Set(await unassignedChats());
    await page.fill('.inbox-chat-input', 'Can I change my size?');
    await page.click('.inbox-chat-send');
    await page.locator('.inbox-chat-from-visitor', { hasText: 'Can I change my size?' }).waitFor();
    const ticketId = await eventually(async () => (await unassignedChats()).find((id) => !before.has(id)), 'the chat ticket');
    await agent('POST', `/tickets/${ticketId}/close`);

    const rating = page.getByRole('group', { name: 'Rate this conversation from 1 (poor) to 5 (excellent)' });
    await rating.waitFor();
    await page.locator('.inbox-chat-survey', { hasText: 'How was this chat?' }).waitFor();
    expect(await page.locator('.inbox-chat-survey').textContent()).not.toContain('/csat/');
    await rating.getByRole('button', { name: 'Rate 5 of 5' }).click();
    await page.locator('.inbox-chat-rated', { hasText: 'You rated 5 / 5' }).waitFor();
    const surveys = (await agent('GET', `/tickets/${ticketId}/csat`)) as { surveys: { channel: string; score: number | null }[] };
    expect(surveys.surveys).toEqual([expect.objectContaining({ channel: 'web_chat', score: 5 })]);
    await context.close();
  });
});
