// Jest loads its global set-up outside its module system, so this file is plain JavaScript and
// uses the compiled output that `npm test` builds (dist/) before it runs the suite.
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startEmbeddedPostgres } from '../../dist/libs/embedded/embedded-postgres.js';
import { findExecutable } from '../../dist/libs/embedded/temporal-dev-server.js';
import { workflowsEntryPath } from '../../dist/apps/worker/worker.js';
import { freePort } from '../../dist/test/support/ports.js';

const silent = () => undefined;
const quietLogger = { log: silent, trace: silent, debug: silent, info: silent, warn: console.warn, error: console.error };

/**
 * Starts, once per test run, a real PostgreSQL (embedded, in a temporary folder) and a real
 * Temporal dev server (the CLI installed by the set-up), and bundles the workflow code once.
 * Test files reach them through environment variables; each file makes its own database.
 */
export default async function globalSetup() {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'inbox-test-'));
  const postgres = await startEmbeddedPostgres({ dataDir: workDir, port: await freePort(), database: 'inbox_test' });

  const temporalCli = findExecutable('temporal', process.env.TEMPORAL_CLI_PATH);
  if (!temporalCli) throw new Error('Temporal CLI not found: run the tests with `npm test`, whose set-up installs it');
  const temporal = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCli },
      ip: '127.0.0.1',
      extraArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=200'],
    },
  });

  const { code } = await bundleWorkflowCode({ workflowsPath: workflowsEntryPath(), logger: quietLogger });
  const bundlePath = path.join(workDir, 'workflow-bundle.js');
  await writeFile(bundlePath, code);

  process.env.TEST_POSTGRES_URL_TEMPLATE = postgres.urlFor('{database}');
  process.env.TEST_TEMPORAL_ADDRESS = temporal.address;
  process.env.TEST_WORKFLOW_BUNDLE = bundlePath;
  globalThis.__INBOX_TEST_SERVERS__ = { postgres, temporal };
}
