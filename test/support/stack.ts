import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Client } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import pg from 'pg';
import { createApiApp } from '../../apps/api/bootstrap.js';
import { createInboxWorker } from '../../apps/worker/worker.js';
import { loadConfig, type AppConfig } from '../../libs/config/config.js';
import { applyMigrations, openOrm, type Orm } from '../../libs/persistence/orm.js';
import { connectClient } from '../../libs/temporal/connection.js';
import { installTemporalRuntime } from '../../libs/temporal/runtime.js';
import { testServers } from './servers.js';

/**
 * A fresh, migrated database of its own on the shared test PostgreSQL server; `migrateTo` stops at that
 * migration (to test a later migration's data rewrite).
 */
export async function createTestDatabase(options: { migrateTo?: string } = {}): Promise<{ url: string; orm: Orm }> {
  const servers = testServers();
  const name = `test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: servers.databaseUrlFor('postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = servers.databaseUrlFor(name);
  const orm = await openOrm(url, { poolMax: 5 });
  if (options.migrateTo) await orm.migrator.up({ to: options.migrateTo });
  else await applyMigrations(orm);
  return { url, orm };
}

export interface TestStack {
  config: AppConfig;
  orm: Orm;
  temporal: Client;
  app: NestExpressApplication;
  baseUrl: string;
  /** Stops the worker only, e.g. to show that work survives a worker restart. */
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  /** Closes the API and starts a new one on the same database, port (so `baseUrl` stays) and worker; `app` is then the new one. */
  restartApi(options?: { whileDown?: () => Promise<void> }): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The product as `npm start` wires it (API + worker, in process) against the real test servers,
 * on a task queue and database of its own so test files do not see each other's work.
 */
export async function startTestStack(env: Record<string, string> = {}): Promise<TestStack> {
  const servers = testServers();
  const { url, orm } = await createTestDatabase();
  const config = loadConfig({
    LOG_LEVEL: 'warn',
    TICKET_ID_SECRET: 'test-ticket-id-secret-0123456789',
    SECRETS_KEYRING: 'test:dGVzdC1zZWNyZXRzLWtleS0wMTIzNDU2Nzg5YWJjZGU=',
    WORKFLOW_UPDATE_TIMEOUT_MS: '15000',
    ...env,
    DATABASE_URL: url,
    TEMPORAL_ADDRESS: servers.temporalAddress,
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
  });
  installTemporalRuntime('warn');

  const temporal = await connectClient(config.temporal);
  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  let connection: NativeConnection | undefined;
  const startWorker = async () => {
    connection = await NativeConnection.connect({ address: servers.temporalAddress });
    worker = await createInboxWorker({ config, orm, connection, temporal, workflowBundle: { codePath: servers.workflowBundlePath } });
    workerRun = worker.run();
  };
  const stopWorker = async () => {
    if (!worker) return;
    worker.shutdown();
    await workerRun;
    await connection?.close();
    worker = undefined;
  };
  await startWorker();

  const app = await createApiApp({ config, orm, temporal });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;

  const stack: TestStack = {
    config,
    orm,
    temporal,
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    stopWorker,
    startWorker,
    restartApi: async (options = {}) => {
      await stack.app.close();
      await options.whileDown?.();
      stack.app = await createApiApp({ config, orm, temporal });
      await stack.app.listen(port, '127.0.0.1');
    },
    stop: async () => {
      await stack.app.close();
      await stopWorker();
      await temporal.connection.close();
      await orm.close();
    },
  };
  return stack;
}
