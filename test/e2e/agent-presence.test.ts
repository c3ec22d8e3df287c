import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newChatTicketId } from '../../libs/temporal/workflow-ids.js';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { callApi } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/stack.js';

interface AgentOnTicket {
  userId: string;
  name: string;
  viewing: boolean;
  typing: boolean;
  seenAt: string;
}

describe('agent presence on a ticket (the collision guard)', () => {
  let stack: TestStack;
  let brand: TestAccount;
  let otherBrand: TestAccount;
  let sequence = 0;

  beforeAll(async () => {
    stack = await startTestStack();
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
    otherBrand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const call = (method: string, path: string, token: string, body?: unknown) => callApi(stack.baseUrl, method, path, { token, body });
  const presencePath = (ticketId: string) => `/tickets/${encodeURIComponent(ticketId)}/presence`;
  const beat = (ticketId: string, token: string, body: unknown = {}) => call('POST', presencePath(ticketId), token, body);
  const others = async (ticketId: string, token: string): Promise<AgentOnTicket[]> => {
    const response = await call('GET', presencePath(ticketId), token);
    expect(response.status).toBe(200);
    return response.body.agents as AgentOnTicket[];
  };

  /** A new ticket of the brand, once its projection is there (what the console lists). */
  const newTicket = async (): Promise<string> => {
    const inbound = await call('POST', '/integration/messages', brand.integrationToken, {
      channel: 'email',
      externalId: `presence-${++sequence}`,
      sender: { email: `presence-${sequence}@example.com` },
      subject: `Presence ${sequence}`,
      body: 'Where is my order?',
    });
    expect(inbound.status).toBe(202);
    const { ticketId } = inbound.body as { ticketId: string };
    await eventually(async () => ((await call('GET', `/tickets/${encodeURIComponent(ticketId)}`, brand.tokens.support)).status === 200 ? true : undefined), 'the ticket projected');
    return ticketId;
  };

  it('shows the other agents who have the ticket open, never the caller', async () => {
    const ticketId = await newTicket();
    expect(await others(ticketId, brand.tokens.support)).toEqual([]);

    expect((await beat(ticketId, brand.tokens.owner)).status).toBe(204);
    const seenBySupport = await others(ticketId, brand.tokens.support);
    expect(seenBySupport).toEqual([{ userId: brand.users.owner.id, name: brand.users.owner.name, viewing: true, typing: false, seenAt: expect.any(String) }]);
    expect(Date.now() - Date.parse(seenBySupport[0]!.seenAt)).toBeLessThan(60_000);
    expect(await others(ticketId, brand.tokens.owner)).toEqual([]);

    expect((await beat(ticketId, brand.tokens.support)).status).toBe(204);
    expect((await others(ticketId, brand.tokens.owner)).map((agent) => agent.userId)).toEqual([brand.users.support.id]);
    expect((await others(ticketId, brand.tokens.support)).map((agent) => agent.userId)).toEqual([brand.users.owner.id]);
  });

  it('shows typing after a typing beat, keeps it through plain beats, and clears it on typing: false', async () => {
    const ticketId = await newTicket();
    expect((await beat(ticketId, brand.tokens.owner, { typing: true })).status).toBe(204);
    expect(await others(ticketId, brand.tokens.support)).toEqual([expect.objectContaining({ userId: brand.users.owner.id, viewing: true, typing: true })]);

    // The 10-second heartbeat says nothing about typing: it must not hide a typing agent.
    expect((await beat(ticketId, brand.tokens.owner)).status).toBe(204);
    expect((await others(ticketId, brand.tokens.support))[0]).toMatchObject({ typing: true });

    expect((await beat(ticketId, brand.tokens.owner, { typing: false })).status).toBe(204);
    expect((await others(ticketId, brand.tokens.support))[0]).toMatchObject({ userId: brand.users.owner.id, typing: false });
  });

  it('takes concurrent beats of one agent without failing', async () => {
    const ticketId = await newTicket();
    const statuses = await Promise.all(Array.from({ length: 12 }, (_, index) => beat(ticketId, brand.tokens.owner, index % 2 ? { typing: true } : {}).then((response) => response.status)));
    expect(statuses).toEqual(Array(12).fill(204));
    expect(await others(ticketId, brand.tokens.support)).toHaveLength(1);
  });

  it('forgets an agent at once when they leave the page', async () => {
    const ticketId = await newTicket();
    await beat(ticketId, brand.tokens.owner, { typing: true });
    expect(await others(ticketId, brand.tokens.support)).toHaveLength(1);
    expect((await call('DELETE', presencePath(ticketId), brand.tokens.owner)).status).toBe(204);
    expect(await others(ticketId, brand.tokens.support)).toEqual([]);
    // Leaving twice (a closing tab after the page's own goodbye) is fine.
    expect((await call('DELETE', presencePath(ticketId), brand.tokens.owner)).status).toBe(204);
  });

  it('deletes beats older than an hour when the ticket is written to', async () => {
    const ticketId = await newTicket();
    await stack.orm.em
      .fork()
      .execute(`INSERT INTO agent_presence (account_id, ticket_id, user_id, seen_at) VALUES (?, ?, ?, now() - interval '2 hours')`, [brand.accountId, ticketId, brand.users.support.id]);
    expect((await beat(ticketId, brand.tokens.owner)).status).toBe(204);
    const rows = await stack.orm.em.fork().execute<{ user_id: string }[]>('SELECT user_id FROM agent_presence WHERE ticket_id = ?', [ticketId]);
    expect(rows.map((row) => row.user_id)).toEqual([brand.users.owner.id]);
  });

  it('answers 404 for another account\'s ticket and for a missing one', async () => {
    const ticketId = await newTicket();
    for (const [method, body] of [['POST', {}], ['GET', undefined], ['DELETE', undefined]] as const) {
      const foreign = await call(method, presencePath(ticketId), otherBrand.tokens.support, body);
      expect({ method, status: foreign.status, error: foreign.body?.error }).toEqual({ method, status: 404, error: 'not_found' });
      const missing = await call(method, presencePath(newChatTicketId(brand.accountId)), brand.tokens.support, body);
      expect({ method, status: missing.status }).toEqual({ method, status: 404 });
    }
    expect(await others(ticketId, brand.tokens.support)).toEqual([]);
  });

  it('refuses a bad body with a 400 naming the field', async () => {
    const ticketId = await newTicket();
    for (const body of [{ typing: 'yes' }, { typing: null }, { typing: 1 }]) {
      const response = await beat(ticketId, brand.tokens.owner, body);
      expect({ body, status: response.status, field: response.body.field }).toEqual({ body, status: 400, field: 'typing' });
    }
    expect((await beat(ticketId, brand.tokens.owner, { viewing: true })).status).toBe(400);
    expect(await others(ticketId, brand.tokens.support)).toEqual([]);
  });
});
