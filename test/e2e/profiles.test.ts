import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { callApi } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/** SPEC §6: one profile per person and account, found from every channel; agents link and unlink tickets. */
describe('customer profiles across channels (dev server + PostgreSQL)', () => {
  let stack: TestStack;
  let brand: TestAccount;
  let otherBrand: TestAccount;
  let sequence = 0;

  beforeAll(async () => {
    stack = await startTestStack({ CHAT_TOKEN_SECRET: 'test-chat-token-secret-0123456789' });
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
    otherBrand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const call = (method: string, path: string, options: Parameters<typeof callApi>[3] = {}) => callApi(stack.baseUrl, method, path, { token: brand.tokens.support, ...options });
  const integration = async (message: Record<string, unknown>): Promise<string> => {
    const response = await call('POST', '/integration/messages', { token: brand.integrationToken, body: { externalId: `ext-${++sequence}`, body: `hello ${sequence}`, ...message } });
    expect(response.status).toBe(202);
    return response.body.ticketId as string;
  };
  const chatTickets = async (visitorId: string) =>
    ((await call('GET', '/tickets?channel=web_chat&limit=100')).body.tickets as { id: string; customer: { visitorId: string | null } }[])
      .filter((ticket) => ticket.customer.visitorId === visitorId)
      .map((ticket) => ticket.id);
  /** A new chat conversation with one message; its ticket is the visitor's one not seen before. */
  const chat = async (visitorId: string, extra: { email?: string; name?: string } = {}): Promise<string> => {
    const before = await chatTickets(visitorId);
    const started = await call('POST', '/chat/conversations', { token: undefined, body: { accountId: brand.accountId, visitorId, ...extra } });
    expect(started.status).toBe(201);
    const posted = await call('POST', `/chat/conversations/${started.body.conversationId}/messages`, {
      token: started.body.visitorToken,
      body: { body: 'Is my order on its way?', clientMessageId: `c${++sequence}` },
    });
    expect(posted.status).toBe(202);
    return eventually(async () => (await chatTickets(visitorId)).find((id) => !before.includes(id)), `the chat ticket of ${visitorId}`);
  };
  const profileOf = (ticketId: string, token = brand.tokens.support) =>
    eventually(async () => {
      const response = await call('GET', `/tickets/${ticketId}`, { token });
      return (response.body?.ticket?.profileId as string | null | undefined) ?? undefined;
    }, `the profile of ${ticketId}`);
  const eventTypes = async (ticketId: string) => ((await call('GET', `/tickets/${ticketId}/events`)).body.events as { type: string; detail: Record<string, unknown> }[]);

  it('gives a texter, their email and their chat one profile with three tickets', async () => {
    const line = String(3000 + Math.floor(Math.random() * 999));
    const phone = `+1415555${line}`;
    const email = `ann-${randomUUID().slice(0, 8)}@example.test`;
    const smsTicket = await integration({ channel: 'sms', sender: { phone: `+1 (415) 555-${line}`, name: 'Ann' } });
    const profileId = await profileOf(smsTicket);
    expect((await call('GET', `/profiles/${profileId}`)).body).toMatchObject({ id: profileId, name: 'Ann', phones: [phone], emails: [], anonymous: false, ticketCount: 1 });
    expect((await eventTypes(smsTicket)).find((event) => event.type === 'profile_matched')?.detail).toMatchObject({ profileId, identifier: 'phone', created: true });

    // The agent learns the customer's email; from then on it finds the same person.
    expect((await call('PATCH', `/profiles/${profileId}`, { body: { email: email.toUpperCase() } })).body).toMatchObject({ emails: [email] });
    const emailTicket = await integration({ channel: 'email', sender: { email }, subject: 'Order' });
    const chatTicket = await chat(`visitor-${randomUUID()}`, { email });
    expect(await profileOf(emailTicket)).toBe(profileId);
    expect(await profileOf(chatTicket)).toBe(profileId);

    const tickets = (await call('GET', `/profiles/${profileId}/tickets`)).body;
    expect(tickets.total).toBe(3);
    expect(new Set((tickets.tickets as { id: string }[]).map((ticket) => ticket.id))).toEqual(new Set([smsTicket, emailTicket, chatTicket]));
    expect((await call('GET', `/profiles/${profileId}`)).body.ticketCount).toBe(3);
    expect((await call('GET', `/profiles?q=${encodeURIComponent(`(415) 555-${line}`)}`)).body.profiles.map((profile: { id: string }) => profile.id)).toEqual([profileId]);
    expect((await call('GET', `/profiles?q=${encodeURIComponent(email.slice(0, 6))}`)).body.profiles.map((profile: { id: string }) => profile.id)).toContain(profileId);
    expect((await call('GET', `/tickets?profileId=${profileId}`)).body.tickets).toHaveLength(3);

    // Another account never sees it.
    expect((await call('GET', `/profiles/${profileId}`, { token: otherBrand.tokens.support })).status).toBe(404);
    expect((await call('GET', `/profiles?q=${encodeURIComponent(email)}`, { token: otherBrand.tokens.support })).body.profiles).toEqual([]);
  });

  it('joins an anonymous chat visitor to the profile of the email they give later', async () => {
    const visitorId = `visitor-${randomUUID()}`;
    const email = `bo-${randomUUID().slice(0, 8)}@example.test`;
    const known = await profileOf(await integration({ channel: 'email', sender: { email, name: 'Bo' }, subject: 'Hi' }));
    const anonymousTicket = await chat(visitorId);
    const anonymous = await profileOf(anonymousTicket);
    expect(anonymous).not.toBe(known);
    expect((await call('GET', `/profiles/${anonymous}`)).body).toMatchObject({ anonymous: true, emails: [] });

    const laterTicket = await chat(visitorId, { email });
    expect(await profileOf(laterTicket)).toBe(known);
    // The anonymous profile now leads to the known one, with both chats.
    expect((await call('GET', `/profiles/${anonymous}`)).body).toMatchObject({ id: known, emails: [email], ticketCount: 3 });
    expect(await profileOf(anonymousTicket)).toBe(known);
    expect((await eventTypes(laterTicket)).find((event) => event.type === 'profile_matched')?.detail).toMatchObject({ profileId: known, joinedProfileId: anonymous });
  });

  it('lets an agent link a ticket to another profile and unlink it, each an event, and messages no longer move it', async () => {
    const phone = `+1415555${String(5000 + Math.floor(Math.random() * 999)).padStart(4, '0')}`;
    const ticketId = await integration({ channel: 'sms', sender: { phone } });
    const own = await profileOf(ticketId);
    const other = await profileOf(await integration({ channel: 'email', sender: { email: `cy-${randomUUID().slice(0, 8)}@example.test` }, subject: 'x' }));

    const linked = await call('POST', `/tickets/${ticketId}/profile`, { body: { profileId: other } });
    expect(linked).toMatchObject({ status: 200, body: { profileId: other, profileChosenByAgent: true } });
    expect((await call('POST', `/tickets/${ticketId}/profile`, { body: { profileId: 'prof-unknown' } })).body).toMatchObject({ error: 'validation_failed', field: 'profileId' });
    const foreign = await profileOf(await callApi(stack.baseUrl, 'POST', '/integration/messages', {
      token: otherBrand.integrationToken,
      body: { channel: 'sms', externalId: `x-${++sequence}`, body: 'hi', sender: { phone } },
    }).then((response) => response.body.ticketId as string), otherBrand.tokens.support);
    expect((await call('POST', `/tickets/${ticketId}/profile`, { body: { profileId: foreign } })).status).toBe(400);

    await integration({ channel: 'sms', sender: { phone } });
    await eventually(async () => ((await call('GET', `/tickets/${ticketId}`)).body.ticket.messageCount === 2 ? true : undefined), 'the second text');
    expect(await profileOf(ticketId)).toBe(other);

    const unlinked = await call('DELETE', `/tickets/${ticketId}/profile`);
    expect(unlinked).toMatchObject({ status: 200, body: { profileId: null } });
    await eventually(async () => ((await call('GET', `/tickets/${ticketId}`)).body.ticket.profileId === null ? true : undefined), 'the unlinked projection');
    const events = await eventTypes(ticketId);
    expect(events.find((event) => event.type === 'profile_linked')?.detail).toMatchObject({ profileId: other, previousProfileId: own });
    expect(events.find((event) => event.type === 'profile_unlinked')?.detail).toMatchObject({ previousProfileId: other });
  });

  it('refuses an email another profile holds with 409, and a bad phone with 400', async () => {
    const first = await profileOf(await integration({ channel: 'email', sender: { email: `dee-${randomUUID().slice(0, 8)}@example.test` }, subject: 'a' }));
    const secondEmail = `eve-${randomUUID().slice(0, 8)}@example.test`;
    await profileOf(await integration({ channel: 'email', sender: { email: secondEmail }, subject: 'b' }));
    expect(await call('PATCH', `/profiles/${first}`, { body: { email: secondEmail } })).toMatchObject({ status: 409, body: { error: 'identifier_taken' } });
    expect(await call('PATCH', `/profiles/${first}`, { body: { phone: '12' } })).toMatchObject({ status: 400, body: { field: 'phone' } });
    expect((await call('GET', '/profiles/prof-nobody')).status).toBe(404);
  });
});
