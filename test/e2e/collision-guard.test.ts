import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { callApi } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/stack.js';

type Ticket = { ticket: { version: number; messageCount: number } };
type Conflict = { error: string; field: string; message: string; changes: { kind: string; messageId: string; authorUserId: string | null; version: number }[] };

/**
 * The collision guard (issue 15 §4): a reply carries the version of the ticket its agent saw; a customer message or
 * another agent's reply since then refuses it with 409 and what changed, and a deliberate reply is sent anyway.
 */
describe('collision guard on replies (dev server + PostgreSQL)', () => {
  let stack: TestStack;
  let brand: TestAccount;

  beforeAll(async () => {
    stack = await startTestStack();
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const as = (role: 'owner' | 'support') => (method: string, path: string, body?: unknown) => callApi(stack.baseUrl, method, path, { token: brand.tokens[role], body });
  const alex = as('support');
  const sam = as('owner');
  const email = `customer-${randomUUID().slice(0, 8)}@example.com`;
  const threadKey = `<thread-${randomUUID()}@example.com>`;
  const customerWrites = async (body: string) => {
    const response = await callApi(stack.baseUrl, 'POST', '/integration/messages', {
      token: brand.integrationToken,
      body: { channel: 'email', externalId: `<${randomUUID()}@example.com>`, body, subject: 'Where is my parcel?', sender: { email }, threadKey },
    });
    expect(response.status).toBe(202);
    return response.body as { ticketId: string; messageId: string };
  };
  const ticketOnceItHas = (ticketId: string, messages: number) =>
    eventually(async () => {
      const response = await alex('GET', `/tickets/${ticketId}`);
      return response.status === 200 && (response.body as Ticket).ticket.messageCount >= messages ? (response.body as Ticket).ticket : undefined;
    }, `${messages} messages in ${ticketId}`);

  it('refuses a stale reply with what changed, sends a deliberate one, and never counts the agent\'s own replies', async () => {
    const { ticketId } = await customerWrites('Where is my parcel?');
    const seen = await ticketOnceItHas(ticketId, 1);

    // While Alex writes, the customer writes again and Sam answers.
    const second = await customerWrites('It was due yesterday.');
    await ticketOnceItHas(ticketId, 2);
    const samReply = await sam('POST', `/tickets/${ticketId}/replies`, { body: 'Checking with the carrier.' });
    expect(samReply.status).toBe(201);

    const stale = await alex('POST', `/tickets/${ticketId}/replies`, { body: 'It ships today.', seenVersion: seen.version });
    expect(stale.status).toBe(409);
    const conflict = stale.body as Conflict;
    expect(conflict).toMatchObject({ error: 'conversation_changed', field: 'seenVersion' });
    expect(conflict.message).toContain('1 new customer message and 1 reply by another agent');
    expect(conflict.changes.map((change) => [change.kind, change.messageId, change.authorUserId])).toEqual([
      ['customer_message', second.messageId, null],
      ['agent_reply', (samReply.body as { messageId: string }).messageId, brand.users.owner.id],
    ]);
    const unchanged = await ticketOnceItHas(ticketId, 3);
    expect(unchanged.messageCount).toBe(3);

    const deliberate = await alex('POST', `/tickets/${ticketId}/replies`, { body: 'It ships today.', seenVersion: seen.version, force: true });
    expect(deliberate.status).toBe(201);
    const current = await ticketOnceItHas(ticketId, 4);

    // Up to date: Alex's reply goes; and a second one on the same view is not a collision with Alex's own.
    const upToDate = await alex('POST', `/tickets/${ticketId}/replies`, { body: 'Tracking: 1Z999.', seenVersion: current.version });
    expect(upToDate.status).toBe(201);
    const again = await alex('POST', `/tickets/${ticketId}/replies`, { body: 'Sorry for the wait.', seenVersion: current.version });
    expect(again.status).toBe(201);
    // Without seenVersion there is no guard, as before.
    expect((await sam('POST', `/tickets/${ticketId}/replies`, { body: 'Closing the loop.' })).status).toBe(201);
  });

  it('answers the same conflict to a retry with the same Idempotency-Key, and names a bad seenVersion', async () => {
    const { ticketId } = await customerWrites('Can I change the address?');
    const seen = await ticketOnceItHas(ticketId, 1);
    await customerWrites('It is 5 Rue de la Paix.');
    await ticketOnceItHas(ticketId, 2);
    const key = `collision-${randomUUID()}`;
    const send = () => callApi(stack.baseUrl, 'POST', `/tickets/${ticketId}/replies`, { token: brand.tokens.support, body: { body: 'Done.', seenVersion: seen.version }, headers: { 'idempotency-key': key } });
    const first = await send();
    const retried = await send();
    expect(first.status).toBe(409);
    expect(retried.status).toBe(409);
    expect(retried.body).toEqual(first.body);
    expect((await alex('POST', `/tickets/${ticketId}/replies`, { body: 'Done.', seenVersion: -1 })).body).toMatchObject({ field: 'seenVersion' });
  });
});
