import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { callApi } from '../support/http.js';

interface TicketSummary {
  id: string;
  status: string;
  assigneeId: string | null;
  channel: string;
  tags: string[];
  unread: boolean;
}

describe('tickets through the REST API (dev server + PostgreSQL)', () => {
  let stack: TestStack;
  let brand: TestAccount;
  let otherBrand: TestAccount;
  let sequence = 0;

  beforeAll(async () => {
    stack = await startTestStack();
    brand = await createAccountWithUsers(stack.orm);
    otherBrand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const call = (method: string, path: string, options: Parameters<typeof callApi>[3] = {}) => callApi(stack.baseUrl, method, path, options);
  const agent = () => brand.tokens.support;
  const post = (path: string, body?: unknown, token = agent()) => call('POST', path, { token, body });
  const get = (path: string, token = agent()) => call('GET', path, { token });

  const inbound = async (message: Record<string, unknown>, account = brand) => {
    const response = await post('/integration/messages', { externalId: `ext-${++sequence}`, body: `hello ${sequence}`, ...message }, account.integrationToken);
    expect(response.status).toBe(202);
    return response.body as { ticketId: string; messageId: string };
  };
  const ids = async (view: string, query = '') => ((await get(`/tickets?view=${view}${query}`)).body.tickets as TicketSummary[]).map((ticket) => ticket.id);
  const listed = (view: string, ticketId: string, expected: boolean) =>
    eventually(async () => ((await ids(view)).includes(ticketId) === expected ? true : undefined), `${ticketId} ${expected ? 'in' : 'out of'} ${view}`);

  it('takes an agent through a ticket\'s life: unassigned, mine, snoozed, woken with an alert, closed', async () => {
    const { ticketId } = await inbound({ channel: 'sms', sender: { phone: '(415) 555-0100', name: 'Ada' } });
    await listed('unassigned', ticketId, true);
    expect(await get('/me/unread-count')).toMatchObject({ status: 200, body: { enabled: true, count: expect.any(Number) } });

    const assigned = await post(`/tickets/${ticketId}/assign`, { assigneeId: 'me' });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ ticketId, assigneeId: brand.users.support.id, status: 'open' });
    await listed('mine', ticketId, true);
    await listed('unassigned', ticketId, false);

    const until = new Date(Date.now() + 2500).toISOString();
    const snoozed = await post(`/tickets/${ticketId}/snooze`, { until });
    expect(snoozed.body).toMatchObject({ status: 'snoozed', snoozedUntil: until });
    await listed('mine', ticketId, false);

    await listed('mine', ticketId, true);
    const alerts = await eventually(async () => {
      const { body } = await get('/me/notifications');
      return body.notifications.length > 0 ? body.notifications : undefined;
    }, 'the snooze alert');
    expect(alerts[0]).toMatchObject({ type: 'snooze_expired', ticketId });

    const closed = await post(`/tickets/${ticketId}/close`);
    expect(closed.body.status).toBe('closed');
    await listed('mine', ticketId, false);
    expect(await ids('unassigned')).not.toContain(ticketId);
    expect(await ids('all')).toContain(ticketId);
  });

  it('wakes a snoozed ticket on time even when the worker restarts during the snooze', async () => {
    const { ticketId } = await inbound({ channel: 'email', sender: { email: 'restart@example.com' }, subject: 'Where is my order?' });
    await listed('unassigned', ticketId, true);
    await post(`/tickets/${ticketId}/snooze`, { until: new Date(Date.now() + 3000).toISOString() });
    await listed('unassigned', ticketId, false);
    await stack.stopWorker();
    await new Promise((resolve) => setTimeout(resolve, 3500));
    await stack.startWorker();
    await listed('unassigned', ticketId, true);
  });

  it('applies each channel\'s reopen rule', async () => {
    const sms = await inbound({ channel: 'sms', sender: { phone: '+14155550177' } });
    await listed('all', sms.ticketId, true);
    await post(`/tickets/${sms.ticketId}/close`);
    const smsAgain = await inbound({ channel: 'sms', sender: { phone: '+1 415 555 0177' } });
    expect(smsAgain.ticketId).toBe(sms.ticketId);
    await listed('unassigned', sms.ticketId, true);

    const email = await inbound({ channel: 'email', sender: { email: 'thread@example.com' }, threadKey: '<thread-1@example.com>' });
    await listed('all', email.ticketId, true);
    await post(`/tickets/${email.ticketId}/close`);
    const emailReply = await inbound({ channel: 'email', sender: { email: 'thread@example.com' }, threadKey: '<thread-1@example.com>' });
    expect(emailReply.ticketId).toBe(email.ticketId);
    await listed('unassigned', email.ticketId, true);
    const newThread = await inbound({ channel: 'email', sender: { email: 'thread@example.com' }, threadKey: '<thread-2@example.com>' });
    expect(newThread.ticketId).not.toBe(email.ticketId);

    const chat = await inbound({ channel: 'web_chat', sender: { visitorId: 'v-1' }, threadKey: 'conversation-a' });
    await listed('all', chat.ticketId, true);
    await post(`/tickets/${chat.ticketId}/close`);
    const reopen = await post(`/tickets/${chat.ticketId}/reopen`);
    expect(reopen.status).toBe(409);
    expect(reopen.body).toMatchObject({ statusCode: 409, error: 'action_refused' });
    expect(reopen.body.message).toMatch(/web chat/);
    const chatAgain = await inbound({ channel: 'web_chat', sender: { visitorId: 'v-1' }, threadKey: 'conversation-a' });
    expect(chatAgain.ticketId).not.toBe(chat.ticketId);
    await listed('unassigned', chatAgain.ticketId, true);
  });

  it('yields one ticket for concurrent first messages of one sender', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () => inbound({ channel: 'web_chat', sender: { visitorId: 'v-2' }, threadKey: 'conversation-concurrent' })),
    );
    expect(new Set(results.map((result) => result.ticketId)).size).toBe(1);
    const ticketId = results[0]!.ticketId;
    await eventually(async () => ((await get(`/tickets/${ticketId}`)).body?.ticket?.messageCount === 5 ? true : undefined), 'five messages');
  });

  it('shows a ticket with its messages, pages older ones and stores a reply', async () => {
    const { ticketId } = await inbound({ channel: 'web_chat', sender: { visitorId: 'v-3' }, threadKey: 'conversation-long', body: 'first' });
    for (let i = 0; i < 54; i++) await inbound({ channel: 'web_chat', sender: { visitorId: 'v-3' }, threadKey: 'conversation-long', body: `line ${i}` });
    const detail = await eventually(async () => {
      const { body } = await get(`/tickets/${ticketId}`);
      return body?.ticket?.messageCount === 55 ? body : undefined;
    }, '55 messages');
    expect(detail.messages).toHaveLength(50);
    expect(detail.messages.at(-1).body).toBe('line 53');
    const older = await get(`/tickets/${ticketId}/messages?before=${detail.olderCursor}`);
    expect(older.body.messages.map((message: { body: string }) => message.body)).toEqual(['first', 'line 0', 'line 1', 'line 2', 'line 3']);
    expect(older.body.olderCursor).toBeNull();

    const reply = await call('POST', `/tickets/${ticketId}/replies`, { token: agent(), body: { body: 'We are on it' }, headers: { 'idempotency-key': 'reply-1' } });
    expect(reply.status).toBe(201);
    const again = await call('POST', `/tickets/${ticketId}/replies`, { token: agent(), body: { body: 'We are on it' }, headers: { 'idempotency-key': 'reply-1' } });
    expect(again.body.messageId).toBe(reply.body.messageId);
    const replyRow = await eventually(async () => {
      const { body } = await get(`/tickets/${ticketId}`);
      const found = body.messages.filter((message: { direction: string }) => message.direction === 'outbound');
      return found.length > 0 && found[0].deliveryStatus === 'delivered' ? found : undefined;
    }, 'the reply stored and delivered to the chat');
    expect(replyRow).toHaveLength(1);
  });

  it('filters, searches, tags in bulk and saves a custom view', async () => {
    const first = await inbound({ channel: 'email', sender: { email: 'refund@example.com' }, subject: 'Refund for order 77', body: 'please refund' });
    const second = await inbound({ channel: 'email', sender: { email: 'other@example.com' }, subject: 'Shipping', body: 'where is the parcel with the zebra print' });
    await listed('all', second.ticketId, true);
    await listed('all', first.ticketId, true);
    expect(await ids('all', '&q=zebra')).toEqual([second.ticketId]);
    expect(await ids('all', '&q=REFUND%20for')).toEqual([first.ticketId]);

    const bulk = await post('/tickets/bulk', { ticketIds: [first.ticketId, second.ticketId, `ticket-sms-${otherBrand.accountId}-x`], action: { type: 'tag', add: ['Billing'] } });
    expect(bulk.status).toBe(200);
    expect(bulk.body.results.map((result: { ok: boolean }) => result.ok)).toEqual([true, true, false]);
    expect(bulk.body.results[2].error).toMatchObject({ statusCode: 404 });
    await eventually(async () => ((await ids('all', '&tag=billing')).length === 2 ? true : undefined), 'tagged tickets');

    const view = await post('/views', { name: 'Billing emails', shared: true, filters: { channel: ['email'], tag: 'billing' } });
    expect(view.status).toBe(201);
    const viewTickets = await get(`/views/${view.body.id}/tickets`, brand.tokens.manager);
    expect(viewTickets.body.tickets.map((ticket: TicketSummary) => ticket.id).sort()).toEqual([first.ticketId, second.ticketId].sort());

    const page1 = await get('/tickets?view=all&limit=2&sort=createdAt&order=asc');
    const page2 = await get(`/tickets?view=all&limit=2&sort=createdAt&order=asc&cursor=${page1.body.nextCursor}`);
    expect(page1.body.tickets).toHaveLength(2);
    expect(page2.body.tickets[0].id).not.toBe(page1.body.tickets[1].id);
  });

  it('finds a ticket by the customer\'s email or phone, the phone however it is written', async () => {
    const byEmail = await inbound({ channel: 'email', sender: { email: 'Wanda.Lookup@example.com' }, subject: 'Hello', body: 'nothing to see' });
    const byPhone = await inbound({ channel: 'sms', sender: { phone: '+14155550144' }, body: 'nothing either' });
    await listed('all', byEmail.ticketId, true);
    await listed('all', byPhone.ticketId, true);
    expect(await ids('all', '&q=wanda.lookup')).toEqual([byEmail.ticketId]);
    expect(await ids('all', `&q=${encodeURIComponent('wanda.lookup@example.com')}`)).toEqual([byEmail.ticketId]);
    expect(await ids('all', `&q=${encodeURIComponent('+14155550144')}`)).toEqual([byPhone.ticketId]);
    expect(await ids('all', `&q=${encodeURIComponent('(415) 555-0144')}`)).toEqual([byPhone.ticketId]);
    expect(await ids('all', '&q=5550144')).toEqual([byPhone.ticketId]);
  });

  it('counts unread tickets per agent and lets the account turn the badge off', async () => {
    const { ticketId } = await inbound({ channel: 'sms', sender: { phone: '+14155550188' } });
    await listed('unassigned', ticketId, true);
    const before = (await get('/me/unread-count')).body.count as number;
    expect(before).toBeGreaterThan(0);
    const read = await post(`/tickets/${ticketId}/read`);
    expect(read.body.unreadSince).toBeNull();
    await eventually(async () => ((await get('/me/unread-count')).body.count === before - 1 ? true : undefined), 'one fewer unread');

    expect((await call('PATCH', '/settings', { token: brand.tokens.support, body: { unreadNotificationEnabled: false } })).status).toBe(403);
    expect((await call('PATCH', '/settings', { token: brand.tokens.admin, body: { unreadNotificationEnabled: false } })).status).toBe(200);
    expect((await get('/me/unread-count')).body).toEqual({ enabled: false, count: null });
  });

  it('keeps accounts apart and refuses roles that may not use the inbox', async () => {
    const { ticketId } = await inbound({ channel: 'sms', sender: { phone: '+14155550199' } });
    await listed('all', ticketId, true);
    const foreign = await get(`/tickets/${ticketId}`, otherBrand.tokens.support);
    expect(foreign.status).toBe(404);
    expect((await post(`/tickets/${ticketId}/close`, undefined, otherBrand.tokens.support)).status).toBe(404);
    expect((await get('/tickets?view=all', otherBrand.tokens.support)).body.tickets.map((t: TicketSummary) => t.id)).not.toContain(ticketId);
    expect((await get('/tickets?view=all', brand.tokens.analyst)).status).toBe(403);
  });

  it('answers bad input with a 4xx naming the field', async () => {
    const { ticketId } = await inbound({ channel: 'sms', sender: { phone: '+14155550166' } });
    expect(await post(`/tickets/${ticketId}/snooze`, { until: 'tomorrow' })).toMatchObject({ status: 400, body: { field: 'until' } });
    expect(await post(`/tickets/${ticketId}/assign`, { assigneeId: otherBrand.users.support.id })).toMatchObject({ status: 400, body: { field: 'assigneeId' } });
    expect(await get('/tickets?status=pending')).toMatchObject({ status: 400, body: { field: 'status' } });
    expect(await post('/integration/messages', { channel: 'sms', externalId: 'x', body: 'hi', sender: { phone: '12' } }, brand.integrationToken)).toMatchObject({
      status: 400,
      body: { field: 'sender.phone' },
    });
    expect(await post('/integration/messages', { channel: 'fax', externalId: 'x', body: 'hi', sender: {} }, brand.integrationToken)).toMatchObject({
      status: 400,
      body: { field: 'channel' },
    });
    await listed('all', ticketId, true);
    const past = await post(`/tickets/${ticketId}/snooze`, { until: new Date(Date.now() - 60000).toISOString() });
    expect(past).toMatchObject({ status: 409, body: { error: 'action_refused', message: 'until must be in the future' } });
  });
});
