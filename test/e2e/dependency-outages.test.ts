import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { DriverException } from '@mikro-orm/core';
import type { ArgumentsHost } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ServiceError } from '@temporalio/client';
import { createApiApp } from '../../apps/api/bootstrap.js';
import { ErrorShapeFilter } from '../../apps/api/common/error.filter.js';
import { openOrm } from '../../libs/persistence/orm.js';
import { lazyClient, temporalConnectFailureMessage, TemporalConnectError } from '../../libs/temporal/connection.js';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/**
 * Upper bound for an answer while a dependency is down. The product's bounds are a few seconds
 * (HEALTH_PROBE_TIMEOUT_MS 2 s, TEMPORAL_UNAVAILABLE_RETRY_BUDGET_MS 3 s); the SDK's default retries
 * took over 20 s. Generous, so that a loaded 2-core machine does not flake.
 */
const BOUND_MS = 8000;

async function timed(url: string, init?: RequestInit): Promise<{ response: Response; elapsedMs: number }> {
  const started = Date.now();
  const response = await fetch(url, init);
  await response.clone().text();
  return { response, elapsedMs: Date.now() - started };
}

/** What the one error filter answers for an error thrown by a handler. */
function filtered(error: unknown): { status: number; headers: Record<string, string>; body: { statusCode: number; error: string; message: string } } {
  const answer = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown as { statusCode: number; error: string; message: string } };
  const response = {
    setHeader: (name: string, value: string) => void (answer.headers[name.toLowerCase()] = value),
    status: (status: number) => ((answer.status = status), response),
    json: (body: typeof answer.body) => void (answer.body = body),
  };
  new ErrorShapeFilter().catch(error, { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost);
  return answer;
}

function grpcError(code: GrpcStatus): Error {
  return Object.assign(new Error(`${code} no connection established`), { code, details: 'no connection established', metadata: new Metadata() });
}

describe('the error filter on dependency errors', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['an admin shutdown (PostgreSQL restart), wrapped by MikroORM', new DriverException(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))],
    ['a reset connection as a cause', new Error('query failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) })],
  ])('maps %s to 503 with Retry-After', (_name, error) => {
    const answer = filtered(error);
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('5');
    expect(answer.body).toMatchObject({ statusCode: 503, error: 'service_unavailable', message: expect.stringMatching(/database.*safe to retry/) });
  });

  it('maps Temporal UNAVAILABLE and DEADLINE_EXCEEDED (bare or wrapped by the SDK) to 503, other gRPC errors to 500', () => {
    for (const error of [grpcError(GrpcStatus.UNAVAILABLE), new ServiceError('query failed', { cause: grpcError(GrpcStatus.DEADLINE_EXCEEDED) })]) {
      const answer = filtered(error);
      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toBe('5');
      expect(answer.body.message).toContain('Temporal');
    }
    expect(filtered(grpcError(GrpcStatus.INVALID_ARGUMENT)).status).toBe(500);
    expect(filtered(Object.assign(new Error('duplicate key'), { code: '23505' })).status).toBe(500);
  });
});

describe('dependency outages: fast and truthful 503s', () => {
  let stack: TestStack;
  let brand: TestAccount;
  let ticketId: string;

  beforeAll(async () => {
    stack = await startTestStack();
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
    const accepted = await fetch(`${stack.baseUrl}/integration/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${brand.integrationToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'email', externalId: '<outage-1@example.com>', body: 'hello?', sender: { email: 'outage@example.com' } }),
    });
    expect(accepted.status).toBe(202);
    ({ ticketId } = (await accepted.json()) as { ticketId: string });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  describe('while Temporal is unreachable (TEMPORAL_ADDRESS at a closed port)', () => {
    let app: NestExpressApplication;
    let baseUrl: string;

    beforeAll(async () => {
      const unreachable = await lazyClient({ ...stack.config.temporal, address: '127.0.0.1:1' });
      app = await createApiApp({ config: stack.config, orm: stack.orm, temporal: unreachable });
      await app.listen(0, '127.0.0.1');
      baseUrl = await app.getUrl();
    });
    afterAll(async () => {
      await app?.close();
    });

    it('answers GET /health with 503 within the bound', async () => {
      const { response, elapsedMs } = await timed(`${baseUrl}/health`);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(await response.json()).toEqual({ status: 'unavailable', temporal: 'down', postgres: 'up' });
      expect(elapsedMs).toBeLessThan(BOUND_MS);
    });

    it('answers an agent action with 503 within the bound', async () => {
      const { response, elapsedMs } = await timed(`${baseUrl}/tickets/${ticketId}/close`, { method: 'POST', headers: brand.headers('support') });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(await response.json()).toMatchObject({ statusCode: 503, error: 'service_unavailable' });
      expect(elapsedMs).toBeLessThan(BOUND_MS);
    });

    it('answers a read that queries the workflow with 503 within the bound', async () => {
      const live = await timed(`${baseUrl}/tickets/${ticketId}/live`, { headers: brand.headers('support') });
      expect(live.response.status).toBe(503);
      expect(live.response.headers.get('retry-after')).toBe('5');
      expect(await live.response.json()).toMatchObject({ statusCode: 503, error: 'service_unavailable', message: expect.stringContaining('Temporal') });
      expect(live.elapsedMs).toBeLessThan(BOUND_MS);

      const outcome = await timed(`${baseUrl}/tickets/${ticketId}/actions/act-unknown`, { headers: brand.headers('support') });
      expect(outcome.response.status).toBe(503);
      expect(outcome.response.headers.get('retry-after')).toBe('5');
      expect(outcome.elapsedMs).toBeLessThan(BOUND_MS);
    });
  });

  it('answers 503 with Retry-After when the database connection is refused', async () => {
    const unreachableDatabase = await openOrm('postgres://inbox:inbox@127.0.0.1:1/inbox');
    const app = await createApiApp({ config: stack.config, orm: unreachableDatabase, temporal: stack.temporal });
    await app.listen(0, '127.0.0.1');
    try {
      const { response, elapsedMs } = await timed(`${await app.getUrl()}/tickets/${ticketId}`, { headers: brand.headers('support') });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      const body = (await response.json()) as { statusCode: number; error: string; message: string };
      expect(body).toMatchObject({ statusCode: 503, error: 'service_unavailable' });
      expect(body.message).toMatch(/database.*safe to retry/);
      expect(elapsedMs).toBeLessThan(BOUND_MS);
    } finally {
      await app.close();
      await unreachableDatabase.close();
    }
  });

  it('says at start which Temporal address failed and what to check, in one line', () => {
    const cause = new Error('Failed to connect before the deadline');
    const message = temporalConnectFailureMessage({ address: 'temporal.internal:7233', tls: undefined, apiKey: undefined }, cause);
    expect(message).toContain('temporal.internal:7233');
    expect(message).toContain('Failed to connect before the deadline');
    expect(message).toMatch(/TEMPORAL_ADDRESS/);
    expect(message).toMatch(/TLS\/API key/);
    expect(message).toMatch(/running/);
    expect(message).not.toContain('\n');
    expect(temporalConnectFailureMessage({ address: 'x:1', tls: undefined, apiKey: 'secret-key' }, cause)).not.toContain('secret-key');

    const error = new TemporalConnectError({ address: 'temporal.internal:7233', tls: { certPath: '/c.pem', keyPath: '/k.pem' }, apiKey: undefined }, cause);
    expect(error.message).toContain('TEMPORAL_TLS_CERT_PATH');
    expect(error.stack).toBe(error.message);
    expect(error.cause).toBe(cause);
  });
});
