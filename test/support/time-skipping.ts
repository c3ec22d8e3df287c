import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createApiApp } from '../../apps/api/bootstrap.js';
import { defaultOutboundTransports } from '../../activities/delivery/outbound-transport.js';
import { createEmailOutboundTransport } from '../../activities/email/email-outbound-transport.js';
import { createTwilioSmsTransport } from '../../activities/sms/twilio-sms-transport.js';
import { createActivities } from '../../activities/index.js';
import { findExecutable } from '../../libs/embedded/temporal-dev-server.js';
import { loadConfig, type AppConfig } from '../../libs/config/config.js';
import { InboundIngestion } from '../../libs/ingestion/inbound-ingestion.js';
import { createMailTransport } from '../../libs/mail/mail-transport.js';
import type { Orm } from '../../libs/persistence/orm.js';
import { installTemporalRuntime } from '../../libs/temporal/runtime.js';
import { testServers } from './servers.js';
import { createTestDatabase } from './stack.js';

export interface TimeSkippingStack {
  env: TestWorkflowEnvironment;
  config: AppConfig;
  orm: Orm;
  ingestion: InboundIngestion;
  worker: Worker;
  stop(): Promise<void>;
}

/**
 * The real worker (workflows + activities against a real PostgreSQL) on Temporal's
 * time-skipping test server, so days of snooze pass in milliseconds.
 */
export async function startTimeSkippingStack(env: Record<string, string> = {}, options: { smsOverTwilio?: boolean; emailToMailbox?: boolean } = {}): Promise<TimeSkippingStack> {
  installTemporalRuntime('warn');
  const testServer = findExecutable('temporal-test-server', process.env.TEMPORAL_TEST_SERVER_PATH);
  if (!testServer) throw new Error('temporal-test-server not found: run the tests with `npm test`, whose set-up installs it');
  const temporalEnv = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testServer } },
  });
  const { url, orm } = await createTestDatabase();
  const config = loadConfig({
    LOG_LEVEL: 'warn',
    TICKET_ID_SECRET: 'test-ticket-id-secret-0123456789',
    SECRETS_KEYRING: 'test:dGVzdC1zZWNyZXRzLWtleS0wMTIzNDU2Nzg5YWJjZGU=',
    ...env,
    DATABASE_URL: url,
    TEMPORAL_ADDRESS: temporalEnv.address,
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
  });
  const ingestion = new InboundIngestion({ config, orm, temporal: temporalEnv.client });
  const mail = createMailTransport({ smtpUrl: undefined, orm });
  const worker = await Worker.create({
    connection: temporalEnv.nativeConnection,
    namespace: temporalEnv.namespace ?? 'default',
    taskQueue: config.temporal.taskQueue,
    workflowBundle: { codePath: testServers().workflowBundlePath },
    activities: createActivities({
      config,
      orm,
      ingestion,
      temporal: temporalEnv.client,
      // SMS replies reach Twilio (at TWILIO_API_BASE_URL, a stand-in) and email replies the local mailbox (caught_mail) only
      // when asked; otherwise they fail as unconfigured.
      transports: {
        ...defaultOutboundTransports(),
        ...(options.smsOverTwilio ? { sms: createTwilioSmsTransport({ config, orm }) } : {}),
        ...(options.emailToMailbox ? { email: createEmailOutboundTransport({ orm, mail }) } : {}),
      },
      mail,
    }),
  });
  const running = worker.run();
  return {
    env: temporalEnv,
    config,
    orm,
    ingestion,
    worker,
    stop: async () => {
      worker.shutdown();
      await running;
      await temporalEnv.teardown();
      await orm.close();
    },
  };
}

/**
 * The API in front of a time-skipping stack, listening on a free local port (or `port`, to restart it where it was):
 * browser tests drive the console while the test skips hours of snooze with `stack.env.sleep`.
 */
export async function serveApi(stack: TimeSkippingStack, options: { port?: number } = {}): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const app = await createApiApp({ config: stack.config, orm: stack.orm, temporal: stack.env.client });
  await app.listen(options.port ?? 0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
}
