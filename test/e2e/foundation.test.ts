import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client, Connection } from '@temporalio/client';
import { createApiApp } from '../../apps/api/bootstrap.js';
import { RoundTrip } from '../../libs/persistence/entities/index.js';
import { openOrm } from '../../libs/persistence/orm.js';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { startTestStack, type TestStack } from '../support/stack.js';

describe('foundation wiring: API → Temporal → worker → PostgreSQL', () => {
  let stack: TestStack;
  let account: TestAccount;

  beforeAll(async () => {
    stack = await startTestStack();
    account = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('reports Temporal and PostgreSQL as up', async () => {
    const response = await fetch(`${stack.baseUrl}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', temporal: 'up', postgres: 'up' });
  });

  it('runs a workflow through the worker and reads back the row its activity wrote', async () => {
    const response = await fetch(`${stack.baseUrl}/diagnostics/round-trip`, { method: 'POST', headers: account.headers('owner') });
    expect(response.status).toBe(201);
    const report = (await response.json()) as { roundTripId: string; workflowId: string; readBackFromDatabase: boolean };
    expect(report.readBackFromDatabase).toBe(true);
    const row = await stack.orm.em.fork().findOneOrFail(RoundTrip, { id: report.roundTripId });
    expect(row.workflowId).toBe(report.workflowId);
    const execution = await stack.temporal.workflow.getHandle(report.workflowId).describe();
    expect(execution.status.name).toBe('COMPLETED');
  });

  it('runs diagnostics for owners and admins only: each call costs a workflow and a row', async () => {
    const anonymous = await fetch(`${stack.baseUrl}/diagnostics/round-trip`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    const agent = await fetch(`${stack.baseUrl}/diagnostics/round-trip`, { method: 'POST', headers: account.headers('support') });
    expect(agent.status).toBe(403);
    expect(await agent.json()).toMatchObject({ error: 'forbidden' });
  });

  it('serves the OpenAPI document', async () => {
    const response = await fetch(`${stack.baseUrl}/docs/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/health', '/diagnostics/round-trip']));
  });

  it('answers unknown routes with the one error shape', async () => {
    const response = await fetch(`${stack.baseUrl}/no-such-route`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ statusCode: 404, error: 'not_found' });
  });

  it('answers 503 naming Temporal when Temporal is unreachable', async () => {
    const unreachable = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    const app = await createApiApp({ config: stack.config, orm: stack.orm, temporal: unreachable });
    await app.listen(0, '127.0.0.1');
    try {
      const response = await fetch(`${await app.getUrl()}/health`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'unavailable', temporal: 'down', postgres: 'up' });
    } finally {
      await app.close();
    }
  });

  it('answers 503 naming PostgreSQL when the database is unreachable', async () => {
    const unreachableDatabase = await openOrm('postgres://inbox:inbox@127.0.0.1:1/inbox');
    const app = await createApiApp({ config: stack.config, orm: unreachableDatabase, temporal: stack.temporal });
    await app.listen(0, '127.0.0.1');
    try {
      const response = await fetch(`${await app.getUrl()}/health`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'unavailable', temporal: 'up', postgres: 'down' });
    } finally {
      await app.close();
      await unreachableDatabase.close();
    }
  });
});
