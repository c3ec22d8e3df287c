import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { smsTicketId } from '../../libs/temporal/workflow-ids.js';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { callApi, type ApiResponse } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { incomingSmsParams, postTwilioWebhook, startTwilioStandIn, type TwilioStandIn } from '../support/twilio-stand-in.js';

const PUBLIC_URL = 'https://inbox.example.test';
const NOT_KNOWN = 'not known to be applied; retrying with the same Idempotency-Key is safe';

/** What a stack's tests share: calls as an agent, inbound messages through the integration door, rows in PostgreSQL. */
function helpers(stackOf: () => TestStack, brandOf: () => TestAccount) {
  let sequence = 0;
  const call = (method: string, path: string, options: { token?: string; body?: unknown; key?: string } = {}) =>
    callApi(stackOf().baseUrl, method, path, {
      token: options.token ?? brandOf().tokens.support,
      body: options.body,
      headers: options.key ? { 'idempotency-key': options.key } : {},
    });
  const inbound = async (message: Record<string, unknown>) => {
    const n = ++sequence;
    const response = await callApi(stackOf().baseUrl, 'POST', '/integration/messages', {
      token: brandOf().integrationToken,
      body: { channel: 'email', externalId: `<m-${n}-${randomUUID()}@example.com>`, body: `message ${n}`, ...message },
    });
    expect(response.status).toBe(202);
    return response.body as { ticketId: string; messageId: string };
  };
  /** A new email ticket, projected (so replies have a ticket to land in); more messages go to its thread. */
  const newThread = async () => {
    const email = `customer-${randomUUID().slice(0, 8)}@example.com`;
    const threadKey = `<thread-${randomUUID()}@example.com>`;
    const { ticketId } = await inbound({ sender: { email }, subject: 'Help', threadKey });
    await eventually(async () => ((await call('GET', `/tickets/${ticketId}`)).status === 200 ? true : undefined), `${ticketId} projected`);
    return { ticketId, more: () => inbound({ sender: { email }, threadKey }) };
  };
  const newTicket = async () => (await newThread()).ticketId;
  const rows = <T>(sql: string, params: unknown[]) => stackOf().orm.em.fork().execute<T[]>(sql, params);
  const messageRows = (messageId: string) => rows<{ id: string; delivery_status: string | null }>('SELECT id, delivery_status FROM messages WHERE id = ?', [messageId]);
  const events = (ticketId: string, type: string) =>
    rows<{ detail: Record<string, unknown> }>('SELECT detail FROM ticket_events WHERE ticket_id = ? AND type = ?', [ticketId, type]);
  const repliedEvents = async (ticketId: string, messageId: string) => (await events(ticketId, 'replied')).filter((event) => event.detail.messageId === messageId);
  return { call, inbound, newThread, newTicket, rows, messageRows, events, repliedEvents };
}

describe('agent actions: Idempotency-Key, outcomes and retried deliveries (dev server + PostgreSQL)', () => {
  let stack: TestStack;
  let standIn: TwilioStandIn;
  let brand: TestAccount;
  let otherBrand: TestAccount;

  beforeAll(async () => {
    standIn = await startTwilioStandIn();
    stack = await startTestStack({ TWILIO_API_BASE_URL: standIn.apiBaseUrl, PUBLIC_URL });
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
    otherBrand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
  });
  afterAll(async () => {
    await stack?.stop();
    await standIn?.close();
  });

  const { call, newTicket, messageRows, events, repliedEvents } = helpers(() => stack, () => brand);

  it('answers the same outcome to a retry with the same key, once applied, and refuses the key for another request with 422', async () => {
    const ticketId = await newTicket();
    const otherTicketId = await newTicket();
    const key = `reply-${randomUUID()}`;
    const first = await call('POST', `/tickets/${ticketId}/replies`, { body: { body: 'We are on it' }, key });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ messageId: expect.any(String), ticket: { ticketId } });
    const actionId = first.headers.get('action-id');
    expect(actionId).toEqual(expect.any(String));

    const again = await call('POST', `/tickets/${ticketId}/replies`, { body: { body: 'We are on it' }, key });
    expect(again.status).toBe(201);
    expect(again.body.messageId).toBe(first.body.messageId);
    expect(again.headers.get('action-id')).toBe(actionId);

    for (const [what, response] of [
      ['another body', await call('POST', `/tickets/${ticketId}/replies`, { body: { body: 'Something else' }, key })],
      ['another ticket', await call('POST', `/tickets/${otherTicketId}/replies`, { body: { body: 'We are on it' }, key })],
      ['another action', await call('POST', `/tickets/${ticketId}/close`, { key })],
    ] as const) {
      expect({ what, status: response.status, body: response.body }).toMatchObject({
        what,
        status: 422,
        body: { statusCode: 422, error: 'idempotency_key_reused', field: 'Idempotency-Key' },
      });
    }
    const tagKey = `tag-${randomUUID()}`;
    expect((await call('POST', `/tickets/${ticketId}/tags`, { body: { add: ['vip'] }, key: tagKey })).status).toBe(200);
    expect((await call('POST', `/tickets/${ticketId}/tags`, { body: { add: ['refund'] }, key: tagKey })).status).toBe(422);

    // A key is the user's own: another agent's same key is another action.
    const owners = await call('POST', `/tickets/${ticketId}/replies`, { body: { body: 'We are on it' }, key, token: brand.tokens.owner });
    expect(owners.status).toBe(201);
    expect(owners.body.messageId).not.toBe(first.body.messageId);

    expect(await messageRows(first.body.messageId)).toHaveLength(1);
    expect(await repliedEvents(ticketId, first.body.messageId)).toHaveLength(1);
    expect((await call('GET', `/tickets/${ticketId}`)).body.messages.filter((message: { body: string }) => message.body === 'We are on it')).toHaveLength(2);
  });

  it('answers a keyed action the ticket refused with the same 409 on a retry, even once the ticket would allow it', async () => {
    const ticketId = await newTicket();
    const key = `unsnooze-${randomUUID()}`;
    const refused = await call('DELETE', `/tickets/${ticketId}/snooze`, { key });
    expect(refused).toMatchObject({ status: 409, body: { error: 'action_refused', message: 'the ticket is not snoozed' } });

    const until = new Date(Date.now() + 3_600_000).toISOString();
    expect((await call('POST', `/tickets/${ticketId}/snooze`, { body: { until }, key: randomUUID() })).status).toBe(200);
    const retried = await call('DELETE', `/tickets/${ticketId}/snooze`, { key });
    expect(retried).toMatchObject({ status: 409, body: { error: 'action_refused', message: 'the ticket is not snoozed' } });
    expect(retried.headers.get('action-id')).toBe(refused.headers.get('action-id'));
    expect((await call('GET', `/tickets/${ticketId}`)).body).toMatchObject({ ticket: { status: 'snoozed' } });

    const unkeyed = await call('DELETE', `/tickets/${ticketId}/snooze`, { key: randomUUID() });
    expect(unkeyed.status).toBe(200);
  });

  it('reads an action\'s outcome by its id, for the ticket\'s own account only', async () => {
    const ticketId = await newTicket();
    const assigned = await call('POST', `/tickets/${ticketId}/assign`, { body: { assigneeId: 'me' }, key: randomUUID() });
    expect(assigned.status).toBe(200);
    const actionId = assigned.headers.get('action-id')!;
    const outcome = await call('GET', `/tickets/${ticketId}/actions/${actionId}`);
    expect(outcome).toMatchObject({ status: 200, body: { actionId, status: 'applied', ticket: { ticketId, assigneeId: brand.users.support.id } } });

    const refused = await call('DELETE', `/tickets/${ticketId}/snooze`, { key: randomUUID() });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'action_refused', message: 'the ticket is not snoozed' });

    expect((await call('GET', `/tickets/${ticketId}/actions/act-unknown`)).status).toBe(404);
    expect((await call('GET', `/tickets/${ticketId}/actions/${actionId}`, { token: otherBrand.tokens.support })).status).toBe(404);
  });

  it('retries only a failed delivery of the ticket, and then sends it once', async () => {
    const credentials = standIn.newAccount();
    const inboxNumber = '+14155559000';
    expect((await call('PUT', '/settings/sms/twilio', { token: brand.tokens.owner, body: { ...credentials, inboxNumber } })).status).toBe(200);
    const customer = '+14155559001';
    expect((await call('PUT', '/integration/sms/consent', { token: brand.integrationToken, body: { phone: customer, consent: 'transactional' } })).status).toBe(200);
    const text = await postTwilioWebhook({
      publicUrl: `${PUBLIC_URL}/webhooks/twilio/sms/${brand.accountId}`,
      deliverTo: stack.baseUrl,
      authToken: credentials.authToken,
      params: incomingSmsParams({ accountSid: credentials.accountSid, from: customer, to: inboxNumber, body: 'Is my parcel lost?' }),
    });
    expect(text.status).toBe(200);
    const ticketId = smsTicketId(brand.accountId, customer, stack.config.ticketIdSecret!);
    const [inboundMessage] = await eventually(async () => {
      const detail = await call('GET', `/tickets/${ticketId}`);
      return detail.status === 200 && detail.body.messages.length === 1 ? (detail.body.messages as { id: string }[]) : undefined;
    }, 'the inbound text');

    expect((await call('POST', `/tickets/${ticketId}/messages/no-such-message/retry`)).status).toBe(404);
    const otherTicketId = await newTicket();
    expect((await call('POST', `/tickets/${otherTicketId}/messages/${inboundMessage!.id}/retry`)).status).toBe(404);
    const inboundRetry = await call('POST', `/tickets/${ticketId}/messages/${inboundMessage!.id}/retry`);
    expect(inboundRetry).toMatchObject({ status: 409, body: { error: 'action_refused' } });

    standIn.refuseWith({ status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    const reply = await call('POST', `/tickets/${ticketId}/replies`, { body: { body: 'It is on its way.' } });
    expect(reply.status).toBe(201);
    const messageId = reply.body.messageId as string;
    const failed = await eventually(async () => {
      const found = (await call('GET', `/tickets/${ticketId}`)).body.messages.find((message: { id: string }) => message.id === messageId);
      return found?.deliveryStatus === 'failed' ? found : undefined;
    }, 'the refused reply marked failed');
    expect(failed).toMatchObject({ direction: 'outbound', deliveryError: expect.stringContaining('21610'), rejectedReason: null });
    expect(standIn.messages.filter((message) => message.to === customer)).toHaveLength(0);

    standIn.refuseWith(null);
    const key = `retry-${randomUUID()}`;
    const retried = await call('POST', `/tickets/${ticketId}/messages/${messageId}/retry`, { key });
    expect(retried).toMatchObject({ status: 200, body: { messageId, ticket: { ticketId } } });
    const sent = await eventually(async () => {
      const found = (await call('GET', `/tickets/${ticketId}`)).body.messages.find((message: { id: string }) => message.id === messageId);
      return found?.deliveryStatus === 'queued' ? found : undefined;
    }, 'the retried reply handed to Twilio');
    expect(sent.deliveryError).toBeNull();
    // The same key again is the same action (answered, not refused); without a key the message is no longer failed.
    expect((await call('POST', `/tickets/${ticketId}/messages/${messageId}/retry`, { key })).status).toBe(200);
    const notFailed = await call('POST', `/tickets/${ticketId}/messages/${messageId}/retry`);
    expect(notFailed).toMatchObject({ status: 409, body: { error: 'action_refused' } });

    expect(standIn.messages.filter((message) => message.to === customer).map((message) => message.body)).toEqual(['It is on its way.']);
    expect((await events(ticketId, 'delivery_retried')).map((event) => event.detail.messageId)).toEqual([messageId]);
    expect(await messageRows(messageId)).toHaveLength(1);
  });
});

describe('agent actions racing continue-as-new', () => {
  let stack: TestStack;
  let brand: TestAccount;

  beforeAll(async () => {
    stack = await startTestStack({ TICKET_HISTORY_EVENT_LIMIT: '50' });
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const { call, newThread, events } = helpers(() => stack, () => brand);

  it('applies every action once while the ticket keeps handing over to new runs, with no error reaching the client', async () => {
    const { ticketId, more } = await newThread();
    const tags = Array.from({ length: 10 }, (_, index) => ({ tag: `t${index}`, key: randomUUID() }));
    const [answers] = await Promise.all([
      Promise.all(tags.map(({ tag, key }) => call('POST', `/tickets/${ticketId}/tags`, { body: { add: [tag] }, key }))),
      Promise.all(Array.from({ length: 20 }, more)),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual(tags.map(() => 200));
    const retries = await Promise.all(tags.map(({ tag, key }) => call('POST', `/tickets/${ticketId}/tags`, { body: { add: [tag] }, key })));
    expect(retries.map((answer) => answer.status)).toEqual(tags.map(() => 200));
    expect(retries.map((answer) => answer.headers.get('action-id'))).toEqual(answers.map((answer) => answer.headers.get('action-id')));

    const final = await call('GET', `/tickets/${ticketId}/live`);
    expect([...final.body.tags].sort()).toEqual(tags.map(({ tag }) => tag).sort());
    expect(await events(ticketId, 'tags_changed')).toHaveLength(10);
    const runs = await eventually(async () => {
      let count = 0;
      for await (const _ of stack.temporal.workflow.list({ query: `WorkflowId = '${ticketId}'` })) count++;
      return count > 1 ? count : undefined;
    }, 'the ticket to have continued as new');
    expect(runs).toBeGreaterThan(1);
    process.stdout.write(`continue-as-new: 10 tag actions beside 20 inbound messages over ${runs} runs, answers ${answers.map((answer) => answer.status).join(',')}\n`);
  });
});

describe('agent actions under a backlog and without a worker (WORKFLOW_UPDATE_TIMEOUT_MS=1500)', () => {
  const BUDGET_MS = 1500;
  let stack: TestStack;
  let brand: TestAccount;

  beforeAll(async () => {
    stack = await startTestStack({ WORKFLOW_UPDATE_TIMEOUT_MS: String(BUDGET_MS) });
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const { call, newThread, newTicket, messageRows, repliedEvents } = helpers(() => stack, () => brand);

  it('answers 503 "not known to be applied" without a worker, and the retry with the same key is applied once', async () => {
    const ticketId = await newTicket();
    await stack.stopWorker();
    const key = `offline-${randomUUID()}`;
    const started = Date.now();
    const offline = await call('POST', `/tickets/${ticketId}/replies`, { body: { body: 'Sorry for the wait' }, key });
    const elapsed = Date.now() - started;
    expect(offline.status).toBe(503);
    expect(offline.body).toMatchObject({ statusCode: 503, error: 'service_unavailable', message: expect.stringContaining(NOT_KNOWN) });
    expect(elapsed).toBeLessThan(BUDGET_MS + 1000);
    const actionId = offline.headers.get('action-id')!;
    const unkeyed = await call('POST', `/tickets/${ticketId}/close`);
    expect(unkeyed.status).toBe(503);
    expect(unkeyed.body.message).toContain('send an Idempotency-Key to retry it safely');
    const outcomeWithoutWorker = await call('GET', `/tickets/${ticketId}/actions/${actionId}`);
    expect(outcomeWithoutWorker).toMatchObject({ status: 503, body: { error: 'service_unavailable' } });

    await stack.startWorker();
    const statuses: number[] = [];
    const applied = await eventually(async () => {
      const retry = await call('POST', `/tickets/${ticketId}/replies`, { body: { body: 'Sorry for the wait' }, key });
      statuses.push(retry.status);
      return retry.status === 201 ? retry : undefined;
    }, 'the retry to be applied', 30000);
    expect(statuses.every((status) => status === 201 || status === 202 || status === 503)).toBe(true);
    expect(applied.headers.get('action-id')).toBe(actionId);
    const messageId = applied.body.messageId as string;
    expect(await messageRows(messageId)).toHaveLength(1);
    expect(await repliedEvents(ticketId, messageId)).toHaveLength(1);
    expect((await call('GET', `/tickets/${ticketId}/actions/${actionId}`)).body).toMatchObject({ actionId, status: 'applied' });
    // The close that answered 503 was never accepted: it expired and was never applied.
    expect((await call('GET', `/tickets/${ticketId}/live`)).body.status).toBe('open');
  });

  it('answers 202 with the outcome URL when the action waits behind the ticket\'s earlier work, and the outcome says pending, then applied', async () => {
    const { ticketId, more } = await newThread();
    // The ticket's earlier work is held up deterministically: a customer's message whose storing waits on a row lock.
    const lock = new pg.Client({ connectionString: stack.config.database.url });
    await lock.connect();
    let released = false;
    try {
      await lock.query('BEGIN');
      await lock.query('SELECT 1 FROM tickets WHERE id = $1 FOR UPDATE', [ticketId]);
      await more();
      const key = `held-${randomUUID()}`;
      const started = Date.now();
      const answer = await call('POST', `/tickets/${ticketId}/replies`, { body: { body: 'Behind the held message' }, key });
      expect(Date.now() - started).toBeLessThan(BUDGET_MS + 1000);
      expect(answer.status).toBe(202);
      const actionId = answer.headers.get('action-id')!;
      const outcomeUrl = `/tickets/${ticketId}/actions/${actionId}`;
      expect(answer.body).toEqual({ actionId, ticketId, status: 'pending', outcomeUrl });
      expect(answer.headers.get('location')).toBe(outcomeUrl);
      expect(await call('GET', outcomeUrl)).toMatchObject({ status: 200, body: { actionId, status: 'pending' } });
      const retried = await call('POST', `/tickets/${ticketId}/replies`, { body: { body: 'Behind the held message' }, key });
      expect(retried).toMatchObject({ status: 202, body: { actionId } });

      await lock.query('COMMIT');
      released = true;
      const outcome = await eventually(async () => {
        const read = await call('GET', outcomeUrl);
        return read.body?.status === 'applied' ? read.body : undefined;
      }, 'the pending reply applied');
      expect(outcome).toMatchObject({ actionId, status: 'applied', ticket: { ticketId } });
      const settled = await call('POST', `/tickets/${ticketId}/replies`, { body: { body: 'Behind the held message' }, key });
      expect(settled.status).toBe(201);
      expect(await messageRows(settled.body.messageId)).toHaveLength(1);
      expect(await repliedEvents(ticketId, settled.body.messageId)).toHaveLength(1);
    } finally {
      if (!released) await lock.query('ROLLBACK');
      await lock.end();
    }
  });

  it('under a backlog of inbound work, every reply retried with its key is applied exactly once and none is refused as expired', async () => {
    const TICKETS = 6;
    const MESSAGES_PER_TICKET = 15;
    const REPLIES_PER_TICKET = 5;
    const threads = await Promise.all(Array.from({ length: TICKETS }, newThread));
    const ticketIds = threads.map((thread) => thread.ticketId);

    await stack.stopWorker();
    await Promise.all(threads.flatMap((thread) => Array.from({ length: MESSAGES_PER_TICKET }, thread.more)));
    const replies = ticketIds.flatMap((ticketId, t) =>
      Array.from({ length: REPLIES_PER_TICKET }, (_, r) => ({ ticketId, key: `load-${t}-${r}-${randomUUID()}`, body: `Reply ${r} on ticket ${t}` })),
    );
    const statuses = new Map<string, number[]>(replies.map((reply) => [reply.key, []]));
    const messageIds = new Map<string, string>();
    const unexpected: { key: string; status: number; body: unknown }[] = [];
    const pendingOutcomes = new Set<string>();
    const send = async (reply: (typeof replies)[number]): Promise<ApiResponse> => {
      const answer = await call('POST', `/tickets/${reply.ticketId}/replies`, { body: { body: reply.body }, key: reply.key });
      statuses.get(reply.key)!.push(answer.status);
      if (![201, 202, 503].includes(answer.status)) unexpected.push({ key: reply.key, status: answer.status, body: answer.body });
      if (answer.status === 201) messageIds.set(reply.key, answer.body.messageId);
      if (answer.status === 202) {
        const actionId = answer.headers.get('action-id')!;
        expect(answer.body).toEqual({ actionId, ticketId: reply.ticketId, status: 'pending', outcomeUrl: `/tickets/${reply.ticketId}/actions/${actionId}` });
        expect(answer.headers.get('location')).toBe(answer.body.outcomeUrl);
        pendingOutcomes.add(answer.body.outcomeUrl);
      }
      return answer;
    };

    // Half the replies while no worker runs (503), half right after it starts, behind the backlog (202, 201 or 503).
    const half = replies.length / 2;
    await Promise.all(replies.slice(0, half).map(send));
    await stack.startWorker();
    await Promise.all(replies.slice(half).map(send));

    await eventually(async () => {
      const unsettled = replies.filter((reply) => !messageIds.has(reply.key));
      if (unsettled.length === 0) return true;
      await Promise.all(unsettled.map(send));
      return messageIds.size === replies.length ? true : undefined;
    }, 'every reply applied', 60000);

    expect(unexpected).toEqual([]);
    for (const outcomeUrl of pendingOutcomes) {
      const read = await call('GET', outcomeUrl);
      expect(read).toMatchObject({ status: 200, body: { status: 'applied', ticket: { ticketId: expect.any(String) } } });
    }
    for (const reply of replies) {
      const messageId = messageIds.get(reply.key)!;
      expect(await messageRows(messageId)).toHaveLength(1);
      expect(await repliedEvents(reply.ticketId, messageId)).toHaveLength(1);
      const byBody = await stack.orm.em.fork().execute('SELECT 1 FROM messages WHERE ticket_id = ? AND body = ?', [reply.ticketId, reply.body]);
      expect(byBody).toHaveLength(1);
    }
    for (const ticketId of ticketIds) {
      const [{ count }] = await stack.orm.em.fork().execute<{ count: string }[]>(`SELECT count(*) AS count FROM messages WHERE ticket_id = ? AND direction = 'inbound'`, [ticketId]);
      expect(Number(count)).toBe(1 + MESSAGES_PER_TICKET);
    }
    const all = [...statuses.values()].flat();
    const first = replies.map((reply) => statuses.get(reply.key)![0]!);
    const tally = (list: number[]) => Object.fromEntries([...new Set(list)].sort().map((status) => [status, list.filter((s) => s === status).length]));
    process.stdout.write(
      `load: ${TICKETS} tickets x ${MESSAGES_PER_TICKET} queued messages, ${replies.length} replies; first answers ${JSON.stringify(tally(first))}, ` +
        `all ${all.length} answers ${JSON.stringify(tally(all))}\n`,
    );
    expect(first.filter((status) => status === 503).length).toBeGreaterThanOrEqual(half);
  });
});
