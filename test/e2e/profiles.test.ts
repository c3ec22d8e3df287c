import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createApiApp } from '../../apps/api/bootstrap.js';
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

  it('stores events posted twice once, each event accepted or refused on its own, and pages them newest first', async () => {
    const email = `fay-${randomUUID().slice(0, 8)}@example.test`;
    const batch = [
      { uniqueId: `o-${email}-1`, metric: 'Placed Order', profile: { email }, time: '2026-01-01T10:00:00Z', value: 40 },
      { uniqueId: `o-${email}-2`, metric: 'Placed Order', profile: { email: email.toUpperCase() }, time: '2026-02-01T10:00:00Z', value: 60 },
      { uniqueId: `v-${email}-1`, metric: 'Viewed Product', profile: { email }, time: '2026-02-02T10:00:00Z', properties: { sku: 'MUG' } },
      { uniqueId: `bad-${email}`, metric: 'Placed Order', profile: { email }, time: 'yesterday' },
      { uniqueId: `anon-${email}`, metric: 'Placed Order', profile: {}, time: '2026-02-02T10:00:00Z' },
    ];
    const post = (events: unknown[]) => call('POST', '/integration/events', { token: brand.integrationToken, body: { events } });
    const first = await post(batch);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ accepted: 3, duplicates: 0, refused: 2 });
    expect(first.body.results[3]).toMatchObject({ index: 3, status: 'refused', field: 'events[3].time' });
    expect(first.body.results[4]).toMatchObject({ index: 4, status: 'refused', field: 'events[4].profile' });
    const profileId = first.body.results[0].profileId as string;
    expect(new Set(first.body.results.slice(0, 3).map((result: { profileId: string }) => result.profileId))).toEqual(new Set([profileId]));

    const again = await post(batch.slice(0, 3));
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 3, refused: 0 });
    expect(again.body.results.map((result: { eventId: string }) => result.eventId)).toEqual(first.body.results.slice(0, 3).map((result: { eventId: string }) => result.eventId));

    const page1 = await call('GET', `/profiles/${profileId}/events?limit=2`);
    expect(page1.body.events.map((event: { uniqueId: string }) => event.uniqueId)).toEqual([`v-${email}-1`, `o-${email}-2`]);
    const page2 = await call('GET', `/profiles/${profileId}/events?limit=2&before=${page1.body.nextCursor}`);
    expect(page2.body).toMatchObject({ events: [{ uniqueId: `o-${email}-1`, value: 40 }], nextCursor: null });
    const orders = await call('GET', `/profiles/${profileId}/events?metric=${encodeURIComponent('Placed Order')}`);
    expect(orders.body.events.map((event: { metric: string }) => event.metric)).toEqual(['Placed Order', 'Placed Order']);
    expect((await call('GET', `/profiles/${profileId}/metrics`)).body.metrics).toEqual([
      { metric: 'Placed Order', count: 2, lastOccurredAt: '2026-02-01T10:00:00.000Z' },
      { metric: 'Viewed Product', count: 1, lastOccurredAt: '2026-02-02T10:00:00.000Z' },
    ]);
    expect((await call('GET', `/profiles/${profileId}/events?before=nonsense`)).body).toMatchObject({ field: 'before' });
    expect((await call('POST', '/integration/events', { token: brand.integrationToken, body: { events: [] } })).status).toBe(400);
    expect((await call('POST', '/integration/events', { body: { events: batch } })).status).toBe(403);
  });

  it('saves filtered event views, personal or shared, that give the same list when read again', async () => {
    const email = `gus-${randomUUID().slice(0, 8)}@example.test`;
    const recent = new Date(Date.now() - 2 * 86_400_000).toISOString();
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const posted = await call('POST', '/integration/events', {
      token: brand.integrationToken,
      body: {
        events: [
          { uniqueId: `a-${email}`, metric: 'Placed Order', profile: { email }, time: recent, value: 10 },
          { uniqueId: `b-${email}`, metric: 'Placed Order', profile: { email }, time: old, value: 20 },
          { uniqueId: `c-${email}`, metric: 'Opened Email', profile: { email }, time: recent },
        ],
      },
    });
    const profileId = posted.body.results[0].profileId as string;
    const created = await call('POST', '/event-views', { body: { name: 'Recent orders', metrics: ['Placed Order'], period: { lastDays: 30 } } });
    expect(created).toMatchObject({ status: 201, body: { name: 'Recent orders', shared: false, metrics: ['Placed Order'], period: { lastDays: 30 } } });
    const viewId = created.body.id as string;
    const throughView = async () => ((await call('GET', `/profiles/${profileId}/events?view=${viewId}`)).body.events as { uniqueId: string }[]).map((event) => event.uniqueId);
    expect(await throughView()).toEqual([`a-${email}`]);

    expect((await call('GET', '/event-views', { token: brand.tokens.owner })).body.views.map((view: { id: string }) => view.id)).not.toContain(viewId);
    const shared = await call('POST', '/event-views', { body: { name: 'Team', shared: true } });
    expect((await call('GET', '/event-views', { token: brand.tokens.owner })).body.views.map((view: { id: string }) => view.id)).toContain(shared.body.id);
    expect((await call('PATCH', `/event-views/${viewId}`, { body: { name: 'Orders, last 30 days' } })).body.name).toBe('Orders, last 30 days');
    expect((await call('PATCH', `/event-views/${viewId}`, { token: brand.tokens.owner, body: { name: 'x' } })).status).toBe(404);
    expect((await call('POST', '/event-views', { body: { name: 'Both', period: { lastDays: 3, from: old } } })).body).toMatchObject({ field: 'period' });

    // Read again through a freshly started API: the saved view gives the same list.
    const restarted = await createApiApp({ config: stack.config, orm: stack.orm, temporal: stack.temporal });
    await restarted.listen(0, '127.0.0.1');
    try {
      const { port } = restarted.getHttpServer().address() as AddressInfo;
      const again = await callApi(`http://127.0.0.1:${port}`, 'GET', `/profiles/${profileId}/events?view=${viewId}`, { token: brand.tokens.support });
      expect(again.body.events.map((event: { uniqueId: string }) => event.uniqueId)).toEqual([`a-${email}`]);
    } finally {
      await restarted.close();
    }
    expect((await call('DELETE', `/event-views/${viewId}`)).status).toBe(204);
    expect((await call('GET', `/profiles/${profileId}/events?view=${viewId}`)).status).toBe(404);
  });
});
