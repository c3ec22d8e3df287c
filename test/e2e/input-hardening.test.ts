import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { smsTicketId } from '../../libs/temporal/workflow-ids.js';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { incomingSmsParams, postTwilioWebhook, startTwilioStandIn, type TwilioStandIn } from '../support/twilio-stand-in.js';
import { callApi } from '../support/http.js';

/** Twilio signs over the public URL; the API sits behind a proxy that forwards to it. */
const PUBLIC_URL = 'https://inbox.example.test';
const NUL = '\u0000';
const LONE_SURROGATE = '\uD800';

describe('input hardening: characters PostgreSQL cannot store, clear validation messages (dev server + PostgreSQL)', () => {
  let stack: TestStack;
  let standIn: TwilioStandIn;
  let brand: TestAccount;
  let sequence = 0;

  beforeAll(async () => {
    standIn = await startTwilioStandIn();
    stack = await startTestStack({ TWILIO_API_BASE_URL: standIn.apiBaseUrl, PUBLIC_URL, CHAT_TOKEN_SECRET: 'test-chat-token-secret-0123456789' });
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
  });
  afterAll(async () => {
    await stack?.stop();
    await standIn?.close();
  });

  const call = (method: string, path: string, options: Parameters<typeof callApi>[3] = {}) => callApi(stack.baseUrl, method, path, options);
  const get = (path: string) => call('GET', path, { token: brand.tokens.support });
  const integration = (body: unknown) => call('POST', '/integration/messages', { token: brand.integrationToken, body });
  const smsMessage = (extra: Record<string, unknown> = {}) => ({
    channel: 'sms',
    externalId: `ext-${++sequence}`,
    body: `hello ${sequence}`,
    sender: { phone: `+1415555${String(2000 + sequence)}` },
    ...extra,
  });

  it('refuses NUL and unpaired surrogates on the integration API with a 400 naming the field', async () => {
    expect(await integration(smsMessage({ body: `hi${NUL}there` }))).toMatchObject({ status: 400, body: { error: 'validation_failed', field: 'body' } });
    expect(await integration(smsMessage({ sender: { phone: '+14155550199', name: `Ada${NUL}` } }))).toMatchObject({ status: 400, body: { field: 'sender.name' } });
    expect(await integration(smsMessage({ externalId: `x${LONE_SURROGATE}` }))).toMatchObject({ status: 400, body: { field: 'externalId' } });
    expect(await integration({ ...smsMessage(), channel: 'email', sender: { email: 'ada@example.test' }, subject: `Hi ${LONE_SURROGATE}` })).toMatchObject({
      status: 400,
      body: { field: 'subject' },
    });
    expect(await integration(smsMessage())).toMatchObject({ status: 202 });
  });

  it('refuses NUL in a web chat message with a 400 naming the field', async () => {
    const started = await call('POST', '/chat/conversations', { body: { accountId: brand.accountId, visitorId: 'visitor-nul' } });
    expect(started.status).toBe(201);
    const { conversationId, visitorToken } = started.body as { conversationId: string; visitorToken: string };
    const posted = await call('POST', `/chat/conversations/${conversationId}/messages`, { token: visitorToken, body: { body: `hello${NUL}`, clientMessageId: 'm1' } });
    expect(posted).toMatchObject({ status: 400, body: { error: 'validation_failed', field: 'body' } });
    expect(await call('POST', '/chat/conversations', { body: { accountId: brand.accountId, visitorId: 'visitor-2', name: `Bo${NUL}b` } })).toMatchObject({
      status: 400,
      body: { field: 'name' },
    });
  });

  it('keeps a signed Twilio text with a NUL, the character replaced', async () => {
    const credentials = standIn.newAccount();
    const inboxNumber = '+14155553000';
    expect((await call('PUT', '/settings/sms/twilio', { token: brand.tokens.owner, body: { ...credentials, inboxNumber } })).status).toBe(200);
    const from = '+14155553001';
    const answer = await postTwilioWebhook({
      publicUrl: `${PUBLIC_URL}/webhooks/twilio/sms/${brand.accountId}`,
      deliverTo: stack.baseUrl,
      authToken: credentials.authToken,
      params: incomingSmsParams({ accountSid: credentials.accountSid, from, to: inboxNumber, body: `late${NUL}parcel` }),
    });
    expect(answer.status).toBe(200);
    const ticketId = smsTicketId(brand.accountId, from, stack.config.ticketIdSecret!);
    const message = await eventually(async () => {
      const detail = await get(`/tickets/${ticketId}`);
      return detail.status === 200 ? (detail.body.messages as { body: string; rejectedReason: string | null }[])[0] : undefined;
    }, 'the text in its ticket');
    expect(message).toMatchObject({ body: 'late\uFFFDparcel', rejectedReason: null });
  });

  it('answers 400 naming the query parameter for NUL in q, tag and assigneeId', async () => {
    for (const parameter of ['q', 'tag', 'assigneeId']) {
      expect(await get(`/tickets?${parameter}=%00`)).toMatchObject({ status: 400, body: { error: 'validation_failed', field: parameter } });
    }
  });

  it('answers 400 naming the path or query parameter for NUL and unpaired surrogates in ids', async () => {
    expect(await get('/tickets/ticket%00x')).toMatchObject({ status: 400, body: { error: 'validation_failed', field: 'ticketId' } });
    expect(await get('/tickets/ticket%ED%A0%80x/events')).toMatchObject({ status: 400 });
    expect(await get('/views/view%00x/tickets')).toMatchObject({ status: 400, body: { field: 'viewId' } });
    expect(await get('/tickets/ticket-x/history?runId=%00')).toMatchObject({ status: 400, body: { field: 'runId' } });
    expect(await call('GET', '/chat/conversations/c%00x?token=abc')).toMatchObject({ status: 400, body: { field: 'conversationId' } });
  });

  it('says a missing field is required and a wrong type is the wrong type', async () => {
    expect(await integration({ channel: 'sms' })).toMatchObject({ status: 400, body: { field: 'externalId', message: 'externalId is required' } });
    const { body: _body, ...withoutBody } = smsMessage();
    expect(await integration(withoutBody)).toMatchObject({ status: 400, body: { field: 'body', message: 'body is required' } });
    expect(await integration(smsMessage({ body: 42 }))).toMatchObject({ status: 400, body: { field: 'body', message: 'body must be a string' } });
    const { sender: _sender, ...withoutSender } = smsMessage();
    expect(await integration(withoutSender)).toMatchObject({ status: 400, body: { field: 'sender', message: 'sender is required' } });
  });

  it('answers 415 for a body that is not JSON on a JSON endpoint, and keeps the raw email webhook', async () => {
    const response = await fetch(`${stack.baseUrl}/integration/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${brand.integrationToken}`, 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ statusCode: 415, error: 'unsupported_media_type' });
    const form = await fetch(`${stack.baseUrl}/integration/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${brand.integrationToken}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'channel=sms&externalId=f1&body=hi',
    });
    expect(form.status).toBe(415);

    const raw = ['From: Ada <ada@example.test>', 'To: support@example.test', 'Subject: Raw', `Message-ID: <raw-${Date.now()}@example.test>`, '', 'Hello by webhook', ''].join('\r\n');
    const email = await fetch(`${stack.baseUrl}/webhooks/email/raw`, {
      method: 'POST',
      headers: { authorization: `Bearer ${brand.integrationToken}`, 'content-type': 'message/rfc822' },
      body: raw,
    });
    expect(email.status).toBe(202);
  });

  it('names until when a snooze is in the past (409 action_refused, as docs/api.md shows)', async () => {
    const { ticketId } = (await integration(smsMessage())).body as { ticketId: string };
    await eventually(async () => ((await get(`/tickets/${ticketId}`)).status === 200 ? true : undefined), 'the ticket listed');
    const past = await call('POST', `/tickets/${ticketId}/snooze`, { token: brand.tokens.support, body: { until: new Date(Date.now() - 60_000).toISOString() } });
    expect(past).toMatchObject({ status: 409, body: { error: 'action_refused', message: 'until must be in the future', field: 'until' } });
  });

  it('answers 400 for a date with an offset PostgreSQL cannot take', async () => {
    expect(await get('/tickets?createdTo=2026-01-01T00:00:00-22:44')).toMatchObject({ status: 400, body: { field: 'createdTo' } });
    expect(await get('/tickets?createdFrom=2026-02-30T00:00:00Z')).toMatchObject({ status: 400, body: { field: 'createdFrom' } });
    expect(await get('/tickets?createdTo=2026-01-01T00:00:00-05:00')).toMatchObject({ status: 200 });
  });

  it('refuses a marketing send whose sentAt is in the future (beyond 5 minutes of clock skew) with a 400 naming sentAt', async () => {
    const send = (sentAt: Date) =>
      call('POST', '/integration/sms/sends', { token: brand.integrationToken, body: { phone: '+14155550123', campaignId: 'spring', sentAt: sentAt.toISOString() } });
    expect(await send(new Date(Date.now() + 3600 * 1000))).toMatchObject({ status: 400, body: { error: 'validation_failed', field: 'sentAt' } });
    expect(await send(new Date(Date.now() + 6 * 60 * 1000))).toMatchObject({ status: 400, body: { field: 'sentAt' } });
    expect((await send(new Date(Date.now() + 60 * 1000))).status).toBe(201);
    expect((await send(new Date(Date.now() - 3600 * 1000))).status).toBe(201);
  });

  it('answers 400 for JSON nested 5,000 deep', async () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const response = await fetch(`${stack.baseUrl}/integration/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${brand.integrationToken}`, 'content-type': 'application/json' },
      body: `{"channel":"sms","externalId":"deep","body":"hi","sender":{"phone":"+14155550100"},"extra":${deep}}`,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ statusCode: 400, error: 'validation_failed' });
  });
});
