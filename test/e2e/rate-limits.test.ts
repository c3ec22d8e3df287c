import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApiApp } from '../../apps/api/bootstrap.js';
import { RATE_LIMIT_DEFAULTS } from '../../libs/config/rate-limits.js';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { callApi, type ApiResponse } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/** Runs `count` calls with at most `inFlight` at a time, like one eager client would. */
async function burst(count: number, inFlight: number, call: (index: number) => Promise<ApiResponse>): Promise<ApiResponse[]> {
  const results: ApiResponse[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) results.push(await call(next++));
    }),
  );
  return results;
}

const statuses = (responses: ApiResponse[]) => responses.reduce<Record<number, number>>((counts, { status }) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }), {});

describe('rate limits on public and costly endpoints (429 with Retry-After, counted in PostgreSQL)', () => {
  let stack: TestStack;
  let brand: TestAccount;
  let otherBrand: TestAccount;
  /** A second API process on the same database: limits are shared, not per process. */
  let secondApi: NestExpressApplication;
  let secondBaseUrl: string;

  beforeAll(async () => {
    stack = await startTestStack({
      CHAT_TOKEN_SECRET: 'test-chat-token-secret-0123456789',
      TRUST_PROXY: 'loopback',
      RATE_LIMIT_INTEGRATION_PER_TOKEN: '5/60',
    });
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner'] });
    otherBrand = await createAccountWithUsers(stack.orm, { roles: ['owner'] });
    secondApi = await createApiApp({ config: stack.config, orm: stack.orm, temporal: stack.temporal });
    await secondApi.listen(0, '127.0.0.1');
    secondBaseUrl = `http://127.0.0.1:${(secondApi.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await secondApi?.close();
    await stack?.stop();
  });

  const startConversation = (baseUrl: string, forwardedFor: string, accountId = brand.accountId, visitorId = 'visitor-1') =>
    callApi(baseUrl, 'POST', '/chat/conversations', { body: { accountId, visitorId }, headers: { 'x-forwarded-for': forwardedFor } });

  it('lets one client start the documented number of conversations, then answers 429 with Retry-After; the server stays healthy', async () => {
    const { limit, windowSeconds } = RATE_LIMIT_DEFAULTS.chatStartsPerIp;
    const responses = await burst(1000, 20, (index) => startConversation(index % 2 === 0 ? stack.baseUrl : secondBaseUrl, '203.0.113.7'));

    expect(statuses(responses)).toEqual({ 201: limit, 429: 1000 - limit });
    const refused = responses.find(({ status }) => status === 429)!;
    expect(refused.body).toMatchObject({ statusCode: 429, error: 'rate_limited' });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(windowSeconds);

    expect((await callApi(stack.baseUrl, 'GET', '/health')).status).toBe(200);
    expect((await startConversation(stack.baseUrl, '203.0.113.8')).status).toBe(201); // another client is not held back
  });

  it('limits the messages of one conversation', async () => {
    const started = await startConversation(stack.baseUrl, '198.51.100.1');
    expect(started.status).toBe(201);
    const { conversationId, visitorToken } = started.body as { conversationId: string; visitorToken: string };
    const { limit } = RATE_LIMIT_DEFAULTS.chatMessagesPerConversation;
    const responses = await burst(limit + 10, 4, (index) =>
      callApi(stack.baseUrl, 'POST', `/chat/conversations/${conversationId}/messages`, {
        token: visitorToken,
        body: { body: `message ${index}`, clientMessageId: `m-${index}` },
        headers: { 'x-forwarded-for': '198.51.100.1' },
      }),
    );
    expect(statuses(responses)).toEqual({ 202: limit, 429: 10 });
  });

  it('limits each integration token on all the integration endpoints together, set by RATE_LIMIT_INTEGRATION_PER_TOKEN', async () => {
    const post = (account: TestAccount, index: number) =>
      callApi(stack.baseUrl, 'POST', '/integration/messages', {
        token: account.integrationToken,
        body: { channel: 'email', externalId: `rate-${index}`, body: 'hello', sender: { email: 'customer@example.com' } },
      });
    const first = await Promise.all([0, 1, 2, 3].map((index) => post(brand, index)));
    expect(statuses(first)).toEqual({ 202: 4 });
    // another integration endpoint counts against the same allowance
    const send = await callApi(stack.baseUrl, 'POST', '/integration/sms/sends', { token: brand.integrationToken, body: {} });
    expect(send.status).toBe(400);
    const over = await post(brand, 4);
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await post(otherBrand, 5)).status).toBe(202);
  });
});
