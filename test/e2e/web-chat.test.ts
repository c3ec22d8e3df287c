import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { callApi } from '../support/http.js';

interface Started {
  conversationId: string;
  visitorToken: string;
}

describe('web chat API', () => {
  let stack: TestStack;
  let brand: TestAccount;

  beforeAll(async () => {
    stack = await startTestStack({ CHAT_TOKEN_SECRET: 'test-chat-token-secret-0123456789' });
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const call = (method: string, path: string, options: Parameters<typeof callApi>[3] = {}) => callApi(stack.baseUrl, method, path, options);
  const agent = (method: string, path: string, body?: unknown) => call(method, path, { body, headers: brand.headers('support') });
  const start = async (visitorId: string, extra: { email?: string; name?: string } = {}): Promise<Started> => {
    const response = await call('POST', '/chat/conversations', { body: { accountId: brand.accountId, visitorId, ...extra } });
    expect(response.status).toBe(201);
    return response.body;
  };
  let sequence = 0;
  const say = (conversation: Started, body: string) =>
    call('POST', `/chat/conversations/${conversation.conversationId}/messages`, { token: conversation.visitorToken, body: { body, clientMessageId: `m${++sequence}` } });
  const ticketOf = (conversationId: string) =>
    eventually(async () => {
      const [row] = await stack.orm.em.fork().execute<{ ticket_id: string | null }[]>('SELECT ticket_id FROM web_chat_conversations WHERE id = ?', [conversationId]);
      return row?.ticket_id ?? undefined;
    }, 'the conversation\'s ticket');
  const conversationView = (conversation: Started) => call('GET', `/chat/conversations/${conversation.conversationId}`, { token: conversation.visitorToken });

  it('turns a chat into a ticket in Unassigned and shows the agent\'s reply, over the event stream and by polling', async () => {
    const conversation = await start('visitor-a', { name: 'Ada', email: 'ada@example.com' });
    expect((await say(conversation, 'Hello, is my order shipped?')).status).toBe(202);
    const ticketId = await ticketOf(conversation.conversationId);
    await eventually(async () => {
      const list = await agent('GET', '/tickets?view=unassigned');
      return list.body.tickets.some((ticket: { id: string }) => ticket.id === ticketId) ? true : undefined;
    }, 'the chat in Unassigned');

    const controller = new AbortController();
    const stream = await fetch(`${stack.baseUrl}/chat/conversations/${conversation.conversationId}/events?token=${encodeURIComponent(conversation.visitorToken)}`, { signal: controller.signal });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reader = stream.body!.getReader();
    let received = '';
    const replied = await agent('POST', `/tickets/${ticketId}/replies`, { body: 'Yes, it left today.' });
    expect(replied.status).toBeLessThan(300);
    while (!received.includes('Yes, it left today.')) {
      const { value, done } = await reader.read();
      if (done) break;
      received += new TextDecoder().decode(value);
    }
    controller.abort();
    expect(received).toContain('event: message');
    expect(received).toContain('"from":"visitor"');
    expect(received).toMatch(/"from":"agent","authorName":"support [^"]+","body":"Yes, it left today."/);

    const polled = await conversationView(conversation);
    expect(polled.body.status).toBe('open');
    expect(polled.body.messages.map((message: { from: string; body: string }) => [message.from, message.body])).toEqual([
      ['visitor', 'Hello, is my order shipped?'],
      ['agent', 'Yes, it left today.'],
    ]);
  });

  it('lets one visitor read only their own conversation', async () => {
    const mine = await start('visitor-b');
    const theirs = await start('visitor-c');
    await say(theirs, 'private question');
    const withMyToken = await call('GET', `/chat/conversations/${theirs.conversationId}`, { token: mine.visitorToken });
    expect(withMyToken.status).toBe(403);
    expect(withMyToken.body.error).toBe('forbidden');
    const [payload] = mine.visitorToken.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), conversationId: theirs.conversationId })).toString('base64url');
    const forged = await call('GET', `/chat/conversations/${theirs.conversationId}`, { token: `${forgedPayload}.${mine.visitorToken.split('.')[1]}` });
    expect(forged.status).toBe(401);
    expect((await call('GET', `/chat/conversations/${theirs.conversationId}`)).status).toBe(401);
    expect((await say({ ...theirs, visitorToken: mine.visitorToken }, 'intrusion')).status).toBe(403);
  });

  it('makes a second conversation of the same visitor a second ticket and refuses messages to the closed first one', async () => {
    const first = await start('visitor-d', { email: 'dee@example.com' });
    await say(first, 'First question');
    const firstTicket = await ticketOf(first.conversationId);
    const closed = await agent('POST', `/tickets/${firstTicket}/close`);
    expect(closed.status).toBeLessThan(300);

    const refused = await say(first, 'One more thing');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'conversation_closed', message: expect.stringContaining('start a new conversation') });
    expect((await conversationView(first)).body.status).toBe('closed');

    const second = await start('visitor-d', { email: 'dee@example.com' });
    expect((await say(second, 'Second question')).status).toBe(202);
    const secondTicket = await ticketOf(second.conversationId);
    expect(secondTicket).not.toBe(firstTicket);
    const [{ count }] = await stack.orm.em.fork().execute<{ count: string }[]>('SELECT count(*) FROM messages WHERE ticket_id = ?', [firstTicket]);
    expect(Number(count)).toBe(1);
  });

  it('stores a retried message once', async () => {
    const conversation = await start('visitor-e');
    const body = { body: 'Sent twice by a flaky network', clientMessageId: 'same-id' };
    const path = `/chat/conversations/${conversation.conversationId}/messages`;
    const first = await call('POST', path, { token: conversation.visitorToken, body });
    const again = await call('POST', path, { token: conversation.visitorToken, body });
    expect(again.body.messageId).toBe(first.body.messageId);
    const ticketId = await ticketOf(conversation.conversationId);
    await eventually(async () => ((await conversationView(conversation)).body.messages.length === 1 ? true : undefined), 'the message');
    const [{ count }] = await stack.orm.em.fork().execute<{ count: string }[]>('SELECT count(*) FROM messages WHERE ticket_id = ?', [ticketId]);
    expect(Number(count)).toBe(1);
  });

  it('shows agents whether the visitor is here and typing, and the visitor that an agent is typing', async () => {
    const conversation = await start('visitor-f', { name: 'Fay' });
    await say(conversation, 'Hi');
    const ticketId = await ticketOf(conversation.conversationId);
    const beat = await call('POST', `/chat/conversations/${conversation.conversationId}/heartbeat`, { token: conversation.visitorToken, body: { typing: true } });
    expect(beat.status).toBe(204);
    const presence = await agent('GET', `/tickets/${ticketId}/chat-visitor`);
    expect(presence.body).toMatchObject({ online: true, typing: true, name: 'Fay' });
    expect((await agent('POST', `/tickets/${ticketId}/chat-typing`)).status).toBe(204);
    expect((await conversationView(conversation)).body.agentTyping).toBe(true);
    await call('POST', `/chat/conversations/${conversation.conversationId}/heartbeat`, { token: conversation.visitorToken, body: { presence: 'offline' } });
    expect((await agent('GET', `/tickets/${ticketId}/chat-visitor`)).body).toMatchObject({ online: false, typing: false });
  });

  it('answers the widget\'s cross-origin requests and serves the widget', async () => {
    const preflight = await fetch(`${stack.baseUrl}/chat/conversations`, {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    const widget = await fetch(`${stack.baseUrl}/chat/widget.js`);
    expect(widget.headers.get('content-type')).toContain('application/javascript');
    expect(await widget.text()).toContain('/chat/conversations');
  });

  it('refuses bad requests and invalid office hours with the field named', async () => {
    const unknownAccount = await call('POST', '/chat/conversations', { body: { accountId: 'no-such-account', visitorId: 'v' } });
    expect(unknownAccount).toMatchObject({ status: 404, body: { field: 'accountId' } });
    const badEmail = await call('POST', '/chat/conversations', { body: { accountId: brand.accountId, visitorId: 'v', email: 'not-an-email' } });
    expect(badEmail).toMatchObject({ status: 400, body: { field: 'email' } });
    const badZone = await call('PATCH', '/settings/web-chat', {
      headers: brand.headers('owner'),
      body: { officeHours: { timeZone: 'Mars/Olympus', weekly: [{ day: 1, opens: '09:00', closes: '17:00' }], exceptions: [] } },
    });
    expect(badZone).toMatchObject({ status: 400, body: { field: 'officeHours.timeZone' } });
    const unknownCalendar = await call('PATCH', '/settings/web-chat', { headers: brand.headers('owner'), body: { officeHoursCalendarId: 'no-such-calendar' } });
    expect(unknownCalendar).toMatchObject({ status: 400, body: { field: 'officeHoursCalendarId' } });
    const calendar = await call('POST', '/business-calendars', { headers: brand.headers('owner'), body: { name: 'Chat hours', timeZone: 'Europe/Paris', weekly: [{ day: 1, windows: [{ opens: '09:00', closes: '18:00' }] }], holidays: [] } });
    const chosen = await call('PATCH', '/settings/web-chat', { headers: brand.headers('owner'), body: { officeHoursCalendarId: calendar.body.id } });
    expect(chosen).toMatchObject({ status: 200, body: { officeHoursCalendarId: calendar.body.id } });
    const deleteInUse = await call('DELETE', `/business-calendars/${calendar.body.id}`, { headers: brand.headers('owner') });
    expect(deleteInUse).toMatchObject({ status: 409, body: { error: 'calendar_in_use' } });
    expect((await call('PATCH', '/settings/web-chat', { headers: brand.headers('owner'), body: { officeHoursCalendarId: null } })).body).toMatchObject({ officeHoursCalendarId: null });
    const forbidden = await agent('PATCH', '/settings/web-chat', { onlineAutoResponse: 'Hi' });
    expect(forbidden.status).toBe(403);
    const saved = await call('PATCH', '/settings/web-chat', { headers: brand.headers('owner'), body: { onlineAutoResponse: 'Hi there', followUpFromAddress: 'Chat@Brand.example' } });
    expect(saved.body).toMatchObject({ onlineAutoResponse: 'Hi there', followUpFromAddress: 'chat@brand.example', officeHours: null });
  });
});
