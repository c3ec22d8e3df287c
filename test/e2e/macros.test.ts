import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AccountsService } from '../../libs/accounts/accounts.service.js';
import type { Role } from '../../libs/domain/access.js';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { callApi } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/stack.js';

describe('macros: saved replies and actions applied all or nothing (dev server + PostgreSQL)', () => {
  let stack: TestStack;
  let brand: TestAccount;
  let otherBrand: TestAccount;

  beforeAll(async () => {
    stack = await startTestStack();
    brand = await createAccountWithUsers(stack.orm, { name: 'Acme Outfitters', roles: ['owner', 'admin', 'manager', 'support'] });
    otherBrand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const call = (method: string, path: string, options: { role?: Role; token?: string; body?: unknown; key?: string } = {}) =>
    callApi(stack.baseUrl, method, path, {
      token: options.token ?? brand.tokens[options.role ?? 'support'],
      body: options.body,
      headers: options.key ? { 'idempotency-key': options.key } : {},
    });
  const rows = <T>(sql: string, params: unknown[]) => stack.orm.em.fork().execute<T[]>(sql, params);
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  let sequence = 0;
  const inbound = async (message: Record<string, unknown>) => {
    const n = ++sequence;
    const response = await callApi(stack.baseUrl, 'POST', '/integration/messages', {
      token: brand.integrationToken,
      body: { channel: 'email', externalId: `<m-${n}-${randomUUID()}@example.com>`, body: `message ${n}`, ...message },
    });
    expect(response.status).toBe(202);
    return (response.body as { ticketId: string }).ticketId;
  };
  const projected = (ticketId: string) => eventually(async () => ((await call('GET', `/tickets/${ticketId}`)).status === 200 ? true : undefined), `${ticketId} projected`);
  const newEmailTicket = async (sender: Record<string, string> = { email: `customer-${randomUUID().slice(0, 8)}@example.com` }) => {
    const ticketId = await inbound({ sender, subject: 'Where is my order?', threadKey: `<thread-${randomUUID()}@example.com>` });
    await projected(ticketId);
    return ticketId;
  };
  const closedTicket = async (channel: 'email' | 'web_chat') => {
    const ticketId =
      channel === 'email'
        ? await newEmailTicket()
        : await inbound({ channel: 'web_chat', sender: { visitorId: `v-${randomUUID().slice(0, 8)}` }, threadKey: `chat-${randomUUID()}` });
    await projected(ticketId);
    expect((await call('POST', `/tickets/${ticketId}/close`)).status).toBe(200);
    await eventually(async () => ((await call('GET', `/tickets/${ticketId}`)).body.ticket.status === 'closed' ? true : undefined), `${ticketId} closed`);
    return ticketId;
  };
  /** What a refused macro must leave as it was: the projection's version, the messages, the tags, the status. */
  const snapshot = async (ticketId: string) => {
    const [ticket] = await rows<{ version: number; tags: string[]; status: string }>('SELECT version, tags, status FROM tickets WHERE id = ?', [ticketId]);
    const messages = await rows<{ id: string }>('SELECT id FROM messages WHERE ticket_id = ?', [ticketId]);
    const events = await rows<{ id: string }>('SELECT id FROM ticket_events WHERE ticket_id = ?', [ticketId]);
    return { ...ticket, messages: messages.length, events: events.length };
  };
  /** The snapshot once the ticket's own after-effects (a close's CSAT and SLA events) have reached the projection. */
  const settled = async (ticketId: string) => {
    let previous = await snapshot(ticketId);
    for (;;) {
      await pause(400);
      const current = await snapshot(ticketId);
      if (JSON.stringify(current) === JSON.stringify(previous)) return current;
      previous = current;
    }
  };
  const saveMacro = async (body: Record<string, unknown>, role: Role = 'support') => {
    const response = await call('POST', '/macros', { role, body: { name: `Macro ${randomUUID().slice(0, 8)}`, ...body } });
    expect(response.status).toBe(201);
    return response.body as { id: string; name: string };
  };
  const usageOf = async (macroId: string, role: Role = 'support') => {
    const list = await call('GET', '/macros', { role });
    return (list.body.macros as { id: string; usageCount: number; lastUsedAt: string | null }[]).find((macro) => macro.id === macroId);
  };

  it('applies a macro that tags, replies and closes as one update: the tag, the reply with its variables filled in, closed, and the events', async () => {
    const macro = await saveMacro({
      reply: 'Hi {{customer.first_name}}, ticket {{ ticket.id }} ("{{ticket.subject}}") is sorted. {{agent.first_name}} at {{account.name}} [{{customer.phone}}]',
      actions: [{ type: 'close' }, { type: 'tag', add: ['Refund'] }],
    });
    const ticketId = await newEmailTicket({ email: `ada-${randomUUID().slice(0, 8)}@example.com`, name: 'Ada Lovelace' });

    const applied = await call('POST', `/tickets/${ticketId}/macros/${macro.id}/apply`);
    expect(applied.status).toBe(201);
    expect(applied.body).toMatchObject({ macroId: macro.id, messageId: expect.any(String), ticket: { ticketId, status: 'closed', tags: ['refund'] } });
    expect(applied.headers.get('action-id')).toEqual(expect.any(String));

    const expectedReply = `Hi Ada, ticket ${ticketId} ("Where is my order?") is sorted. support at Acme Outfitters []`;
    const [message] = await eventually(async () => {
      const found = await rows<{ body: string; direction: string; author_user_id: string }>('SELECT body, direction, author_user_id FROM messages WHERE id = ?', [applied.body.messageId]);
      return found.length > 0 ? found : undefined;
    }, 'the reply stored');
    expect(message).toEqual({ body: expectedReply, direction: 'outbound', author_user_id: brand.users.support.id });

    const events = await eventually(async () => {
      const found = await rows<{ type: string; detail: Record<string, unknown> }>(
        `SELECT type, detail FROM ticket_events WHERE ticket_id = ? AND (type = 'macro_applied' OR detail->>'macroId' = ?) ORDER BY occurred_at, id`,
        [ticketId, macro.id],
      );
      return found.length >= 4 ? found : undefined;
    }, 'the macro\'s events');
    expect(events.map((event) => event.type)).toEqual(['macro_applied', 'tags_changed', 'replied', 'closed']);
    expect(events[0]!.detail).toMatchObject({ macroId: macro.id, macroName: macro.name, steps: ['tag', 'reply', 'close'] });

    const detail = await eventually(async () => {
      const response = await call('GET', `/tickets/${ticketId}`);
      return response.body.ticket.status === 'closed' && response.body.ticket.tags.includes('refund') ? response.body : undefined;
    }, 'the ticket projected closed and tagged');
    expect(detail.messages.filter((entry: { body: string }) => entry.body === expectedReply)).toHaveLength(1);
    expect(await usageOf(macro.id)).toMatchObject({ usageCount: 1, lastUsedAt: expect.any(String) });
  });

  it('applies none of the steps when one is refused: a closed web chat (the reply), a closed email ticket (the snooze)', async () => {
    const macro = await saveMacro({ reply: 'Thanks {{customer.name}}!', actions: [{ type: 'tag', add: ['done'] }, { type: 'close' }] });
    const chatId = await closedTicket('web_chat');
    const chatBefore = await settled(chatId);
    const refusedChat = await call('POST', `/tickets/${chatId}/macros/${macro.id}/apply`);
    expect(refusedChat).toMatchObject({ status: 409, body: { error: 'action_refused', message: 'step 2 (reply): this web chat conversation is closed' } });

    // Refused by the ticket's workflow itself: tag and reply would pass, the snooze of a closed ticket does not.
    const snoozing = await saveMacro({ reply: 'We will look again tomorrow', actions: [{ type: 'tag', add: ['later'] }, { type: 'snooze', for: 1440 }] });
    const emailId = await closedTicket('email');
    const emailBefore = await settled(emailId);
    const refusedEmail = await call('POST', `/tickets/${emailId}/macros/${snoozing.id}/apply`);
    expect(refusedEmail).toMatchObject({ status: 409, body: { error: 'action_refused', message: 'step 3 (snooze): a closed ticket cannot be snoozed; reopen it first' } });

    await pause(500); // a write that was wrongly made would reach the projection by now
    expect(await snapshot(chatId)).toEqual(chatBefore);
    expect(await snapshot(emailId)).toEqual(emailBefore);
    expect(emailBefore).toMatchObject({ tags: [], status: 'closed' });
    expect(await usageOf(macro.id)).toMatchObject({ usageCount: 0, lastUsedAt: null });
    expect(await usageOf(snoozing.id)).toMatchObject({ usageCount: 0 });
  });

  it('refuses the whole macro when its assignee was deactivated after it was saved, naming the step', async () => {
    const { user } = await new AccountsService(stack.orm).createUserWithToken(brand.accountId, { email: `leaver-${randomUUID().slice(0, 8)}@example.test`, name: 'Leaver', role: 'support' });
    const macro = await saveMacro({ reply: 'Passing you on', actions: [{ type: 'tag', add: ['escalated'] }, { type: 'assign', assigneeId: user.id }, { type: 'close' }] });
    expect((await call('POST', `/users/${user.id}/deactivate`, { role: 'owner' })).status).toBe(201);

    const ticketId = await newEmailTicket();
    const before = await settled(ticketId);
    const refused = await call('POST', `/tickets/${ticketId}/macros/${macro.id}/apply`);
    expect(refused).toMatchObject({ status: 409, body: { error: 'action_refused', message: `step 2 (assign): user ${user.id} has been deactivated` } });
    await pause(500);
    expect(await snapshot(ticketId)).toEqual(before);
    expect(before).toMatchObject({ tags: [], status: 'open' });
  });

  it('refuses an unknown variable when the macro is saved, naming the variable, and other invalid macros with their field', async () => {
    const unknown = await call('POST', '/macros', { body: { name: 'Typo', reply: 'Hi {{customer.nmae}}', actions: [] } });
    expect(unknown).toMatchObject({ status: 400, body: { error: 'validation_failed', field: 'reply', message: expect.stringContaining('{{customer.nmae}}') } });

    const macro = await saveMacro({ reply: 'Hi {{customer.name}}' });
    const replaced = await call('PUT', `/macros/${macro.id}`, { body: { name: macro.name, reply: 'Hi {{ agent.nickname }}' } });
    expect(replaced).toMatchObject({ status: 400, body: { field: 'reply', message: expect.stringContaining('{{ agent.nickname }}') } });

    for (const [body, field] of [
      [{ name: '  ', reply: 'x' }, 'name'],
      [{ name: 'x', actions: [{ type: 'snooze', until: '2030-01-01T00:00:00Z' }] }, 'actions[0].until'],
      [{ name: 'x', actions: [{ type: 'tag', add: ['ok'] }, { type: 'close' }, { type: 'tag', add: ['x'.repeat(60)] }] }, 'actions[2].add[0]'],
      [{ name: 'x', actions: [{ type: 'assign', assigneeId: 'no-such-user' }] }, 'actions[0].assigneeId'],
      [{ name: 'x', actions: [{ type: 'close' }, { type: 'close' }] }, 'actions[1].type'],
      [{ name: 'x' }, 'actions'],
      [{ name: 'x', actions: 'close' }, 'actions'],
      [{ name: 'x', actions: [7] }, 'actions'],
    ] as const) {
      const response = await call('POST', '/macros', { body });
      expect({ field, status: response.status, body: response.body }).toMatchObject({ field, status: 400, body: { error: 'validation_failed', field } });
    }
    expect((await call('GET', `/macros/${macro.id}`)).body.reply).toBe('Hi {{customer.name}}');
  });

  it('keeps personal macros to their owner: others neither see, change nor apply them', async () => {
    const mine = await saveMacro({ reply: 'Personal note' }, 'support');
    const ticketId = await newEmailTicket();
    for (const [who, token] of [
      ['manager', brand.tokens.manager],
      ['owner', brand.tokens.owner],
      ['another account', otherBrand.tokens.support],
    ] as const) {
      const list = await call('GET', '/macros', { token });
      expect({ who, status: list.status, sees: (list.body.macros as { id: string }[]).some((macro) => macro.id === mine.id) }).toEqual({ who, status: 200, sees: false });
      expect({ who, status: (await call('GET', `/macros/${mine.id}`, { token })).status }).toEqual({ who, status: 404 });
      expect({ who, status: (await call('PUT', `/macros/${mine.id}`, { token, body: { name: 'Taken over', reply: 'x' } })).status }).toEqual({ who, status: 404 });
      expect({ who, status: (await call('DELETE', `/macros/${mine.id}`, { token })).status }).toEqual({ who, status: 404 });
    }
    expect((await call('POST', `/tickets/${ticketId}/macros/${mine.id}/apply`, { role: 'manager' })).status).toBe(404);
    expect((await call('GET', '/macros')).body.macros).toEqual(expect.arrayContaining([expect.objectContaining({ id: mine.id, shared: false, canEdit: true, usageCount: 0 })]));

    // Names are unique per owner for personal macros, regardless of case; another user may use the same name.
    const named = await saveMacro({ name: 'Greeting', reply: 'Hello' });
    expect((await call('POST', '/macros', { body: { name: 'GREETING', reply: 'Hi' } })).body).toMatchObject({ error: 'name_taken', field: 'name' });
    expect((await call('POST', '/macros', { role: 'manager', body: { name: 'greeting', reply: 'Hi' } })).status).toBe(201);
    expect(named.name).toBe('Greeting');
  });

  it('lets only owners, admins and managers create and change shared macros; every agent sees and applies them; changes are audited', async () => {
    const body = { name: `Shared ${randomUUID().slice(0, 8)}`, shared: true, actions: [{ type: 'tag', add: ['shared'] }] };
    expect((await call('POST', '/macros', { role: 'support', body })).status).toBe(403);
    const shared = await call('POST', '/macros', { role: 'manager', body });
    expect(shared.status).toBe(201);
    const macroId = shared.body.id as string;
    expect((await call('POST', '/macros', { role: 'admin', body: { ...body, name: body.name.toUpperCase() } })).body).toMatchObject({ error: 'name_taken' });

    const seen = (await call('GET', '/macros', { role: 'support' })).body.macros.find((macro: { id: string }) => macro.id === macroId);
    expect(seen).toMatchObject({ shared: true, canEdit: false, ownerUserId: brand.users.manager.id });
    expect((await call('PUT', `/macros/${macroId}`, { role: 'support', body: { ...body, name: 'Mine now' } })).status).toBe(403);
    expect((await call('DELETE', `/macros/${macroId}`, { role: 'support' })).status).toBe(403);
    const mine = await saveMacro({ reply: 'Personal' }, 'support');
    expect((await call('PUT', `/macros/${mine.id}`, { role: 'support', body: { name: 'Now shared', shared: true, reply: 'Personal' } })).status).toBe(403);

    const ticketId = await newEmailTicket();
    const applied = await call('POST', `/tickets/${ticketId}/macros/${macroId}/apply`, { role: 'support' });
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ macroId, ticket: { tags: ['shared'] } });
    expect(applied.body.messageId).toBeUndefined();

    const renamed = await call('PUT', `/macros/${macroId}`, { role: 'admin', body: { ...body, name: 'Renamed shared' } });
    expect(renamed).toMatchObject({ status: 200, body: { name: 'Renamed shared', usageCount: 1 } });
    expect((await call('DELETE', `/macros/${macroId}`, { role: 'owner' })).status).toBe(204);
    expect((await call('GET', `/macros/${macroId}`, { role: 'support' })).status).toBe(404);

    const audit = await rows<{ actor_user_id: string; details: { changes: Record<string, { old: unknown; new: unknown }> } }>(
      `SELECT actor_user_id, details FROM audit_log WHERE account_id = ? AND target = ? ORDER BY seq`,
      [brand.accountId, `settings:macro:${macroId}`],
    );
    expect(audit.map((entry) => entry.actor_user_id)).toEqual([brand.users.manager.id, brand.users.admin.id, brand.users.owner.id]);
    expect(audit[1]!.details.changes).toEqual({ name: { old: body.name, new: 'Renamed shared' } });
    expect(audit[2]!.details.changes.name).toEqual({ old: 'Renamed shared', new: null });
  });

  it('counts a use once per applied action, also when the request is retried with the same Idempotency-Key', async () => {
    const macro = await saveMacro({ actions: [{ type: 'tag', add: ['counted'] }, { type: 'snooze', for: 60 }] });
    const ticketId = await newEmailTicket();
    const key = `macro-${randomUUID()}`;
    const first = await call('POST', `/tickets/${ticketId}/macros/${macro.id}/apply`, { key });
    expect(first).toMatchObject({ status: 200, body: { ticket: { status: 'snoozed', tags: ['counted'] } } });
    await pause(1100); // the retry is later: it must still be the same action, snooze deadline included
    const retried = await call('POST', `/tickets/${ticketId}/macros/${macro.id}/apply`, { key });
    expect(retried.status).toBe(200);
    expect(retried.headers.get('action-id')).toBe(first.headers.get('action-id'));
    expect(retried.body.ticket).toEqual(first.body.ticket);
    expect(await usageOf(macro.id)).toMatchObject({ usageCount: 1 });

    const otherTicketId = await newEmailTicket();
    expect((await call('POST', `/tickets/${otherTicketId}/macros/${macro.id}/apply`, { key })).status).toBe(422);
    const again = await call('POST', `/tickets/${otherTicketId}/macros/${macro.id}/apply`, { key: `macro-${randomUUID()}` });
    expect(again.status).toBe(200);
    expect(again.headers.get('action-id')).not.toBe(first.headers.get('action-id'));
    expect(await usageOf(macro.id)).toMatchObject({ usageCount: 2 });
    expect((await rows<{ n: string }>('SELECT count(*) AS n FROM macro_uses WHERE macro_id = ?', [macro.id]))[0]!.n).toBe('2');
  });
});
