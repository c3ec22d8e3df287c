import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { callApi } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/stack.js';

type Summary = { id: string; priority: string; updatedAt: string };

describe('ticket priority over HTTP (service levels, SPEC §12): set, filter, sort by cursor, bulk, views', () => {
  let stack: TestStack;
  let brand: TestAccount;

  beforeAll(async () => {
    stack = await startTestStack();
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const call = (method: string, path: string, body?: unknown) => callApi(stack.baseUrl, method, path, { token: brand.tokens.support, body });
  const newTicket = async () => {
    const response = await callApi(stack.baseUrl, 'POST', '/integration/messages', {
      token: brand.integrationToken,
      body: { channel: 'email', externalId: `<p-${randomUUID()}@example.com>`, body: 'hello', subject: 'Priority', sender: { email: `c-${randomUUID().slice(0, 8)}@example.com` }, threadKey: `<t-${randomUUID()}@example.com>` },
    });
    expect(response.status).toBe(202);
    const { ticketId } = response.body as { ticketId: string };
    await eventually(async () => ((await call('GET', `/tickets/${ticketId}`)).status === 200 ? true : undefined), `${ticketId} projected`);
    return ticketId;
  };
  const list = async (query: string) => {
    const response = await call('GET', `/tickets?${query}`);
    expect(response.status).toBe(200);
    return response.body as { tickets: Summary[]; nextCursor: string | null };
  };
  const allPages = async (query: string) => {
    const seen: Summary[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`${query}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...page.tickets);
      cursor = page.nextCursor;
    } while (cursor);
    return seen;
  };

  it('is normal for a new ticket; an agent sets it, the ticket records why, and the list shows it', async () => {
    const ticketId = await newTicket();
    expect(((await call('GET', `/tickets/${ticketId}`)).body as { ticket: Summary }).ticket.priority).toBe('normal');
    const set = await call('POST', `/tickets/${ticketId}/priority`, { priority: 'urgent' });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ priority: 'urgent' });
    const again = await call('POST', `/tickets/${ticketId}/priority`, { priority: 'urgent' });
    expect(again.status).toBe(200);
    const events = await eventually(async () => {
      const all = (await call('GET', `/tickets/${ticketId}/events`)).body as { events: { type: string; actorUserId: string | null; detail: Record<string, unknown> }[] };
      const changes = all.events.filter((event) => event.type === 'priority_changed');
      return changes.length ? changes : undefined;
    }, 'priority_changed recorded');
    expect(events).toEqual([expect.objectContaining({ actorUserId: brand.users.support.id, detail: { priority: 'urgent', previousPriority: 'normal' } })]);
    expect(((await call('GET', `/tickets/${ticketId}`)).body as { ticket: Summary }).ticket.priority).toBe('urgent');
  });

  it('refuses a priority that does not exist, naming the field', async () => {
    const ticketId = await newTicket();
    const refused = await call('POST', `/tickets/${ticketId}/priority`, { priority: 'critical' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ field: 'priority' });
    const badFilter = await call('GET', '/tickets?priority=critical');
    expect(badFilter.status).toBe(400);
    expect(badFilter.body).toMatchObject({ field: 'priority' });
  });

  it('filters by priority and sorts most urgent first, page by page without a gap or a repeat', async () => {
    const priorities = ['low', 'high', 'urgent', 'normal', 'high', 'low', 'urgent'];
    const ids: string[] = [];
    for (const priority of priorities) {
      const ticketId = await newTicket();
      ids.push(ticketId);
      if (priority !== 'normal') expect((await call('POST', `/tickets/${ticketId}/priority`, { priority })).status).toBe(200);
    }
    await eventually(async () => ((await list('view=all&priority=low&limit=100')).tickets.filter((t) => ids.includes(t.id)).length === 2 ? true : undefined), 'priorities projected');

    const urgentOrHigh = (await list('view=all&priority=high,urgent&limit=100')).tickets.filter((ticket) => ids.includes(ticket.id));
    expect(urgentOrHigh.map((ticket) => ticket.priority).sort()).toEqual(['high', 'high', 'urgent', 'urgent']);

    const rank = (priority: string) => ['low', 'normal', 'high', 'urgent'].indexOf(priority);
    const descending = (await allPages('view=all&sort=priority')).filter((ticket) => ids.includes(ticket.id));
    expect(descending.map((ticket) => ticket.id).sort()).toEqual([...ids].sort());
    for (let i = 1; i < descending.length; i++) {
      const [before, after] = [descending[i - 1]!, descending[i]!];
      expect(rank(before.priority) > rank(after.priority) || (rank(before.priority) === rank(after.priority) && before.updatedAt >= after.updatedAt)).toBe(true);
    }
    const ascending = (await allPages('view=all&sort=priority&order=asc')).filter((ticket) => ids.includes(ticket.id));
    expect(ascending.map((ticket) => ticket.id)).toEqual([...descending.map((ticket) => ticket.id)].reverse());

    // A cursor of one sort is refused by another, rather than read wrongly.
    const byPriority = await list('view=all&sort=priority&limit=1');
    const misused = await call('GET', `/tickets?view=all&sort=updatedAt&cursor=${encodeURIComponent(byPriority.nextCursor!)}`);
    expect(misused.status).toBe(400);
    expect(misused.body).toMatchObject({ field: 'cursor' });
  });

  it('sets the priority of several tickets in one bulk action, and a saved view filters by it', async () => {
    const ids = [await newTicket(), await newTicket()];
    const bulk = await call('POST', '/tickets/bulk', { ticketIds: ids, action: { type: 'set_priority', priority: 'high' } });
    expect(bulk.status).toBe(200);
    expect((bulk.body as { results: { ok: boolean }[] }).results.map((result) => result.ok)).toEqual([true, true]);
    const missing = await call('POST', '/tickets/bulk', { ticketIds: ids, action: { type: 'set_priority' } });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ field: 'action.priority' });

    const view = await call('POST', '/views', { name: `High ${randomUUID().slice(0, 6)}`, filters: { view: 'all', priority: ['high'] } });
    expect(view.status).toBe(201);
    const viewId = (view.body as { id: string }).id;
    const listed = await eventually(async () => {
      const page = (await call('GET', `/views/${viewId}/tickets?limit=100`)).body as { tickets: Summary[] };
      return ids.every((id) => page.tickets.some((ticket) => ticket.id === id)) ? page.tickets : undefined;
    }, 'the view lists both');
    expect(listed.every((ticket) => ticket.priority === 'high')).toBe(true);
    const folders = (await call('GET', '/me/folders')).body as { views: { id: string; count: number }[] };
    expect(folders.views.find((entry) => entry.id === viewId)?.count).toBe(listed.length);
  });
});
