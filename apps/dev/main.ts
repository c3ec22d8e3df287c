import { ensureDemoAccount, type DemoAccountOutcome } from '../../libs/accounts/demo-account.js';
import { loadConfig } from '../../libs/config/config.js';
import { readOrCreateLocalSecret } from '../../libs/embedded/local-secret.js';
import { startEmbeddedPostgres } from '../../libs/embedded/embedded-postgres.js';
import { startTemporalDevServer } from '../../libs/embedded/temporal-dev-server.js';
import { createLogger, setLogLevel } from '../../libs/logger/logger.js';
import { applyMigrations, openOrm } from '../../libs/persistence/orm.js';
import { Lifecycle } from '../../libs/process/lifecycle.js';
import { parseSecretsKeyring } from '../../libs/secrets/secret-box.js';
import { installTemporalRuntime } from '../../libs/temporal/runtime.js';
import { connectClient, connectWorkerConnection } from '../../libs/temporal/connection.js';
import { createApiApp, OPENAPI_PATH } from '../api/bootstrap.js';
import { ensureHousekeepingSchedule } from '../worker/housekeeping-schedule.js';
import { ensurePredictionSchedule } from '../worker/prediction-schedule.js';
import { createInboxWorker } from '../worker/worker.js';

const log = createLogger('inbox');

/**
 * `npm start`: the whole product in one process tree. PostgreSQL and a Temporal dev server are
 * started under DATA_DIR unless DATABASE_URL / TEMPORAL_ADDRESS point to existing ones.
 */
await new Lifecycle().run(async (lifecycle) => {
  const config = loadConfig();
  setLogLevel(config.logLevel);
  installTemporalRuntime(config.logLevel);
  let temporalUiUrl = 'your Temporal cluster\'s UI';
  config.ticketIdSecret ??= await readOrCreateLocalSecret(config.dataDir, 'ticket-id-secret');
  config.chatTokenSecret ??= await readOrCreateLocalSecret(config.dataDir, 'chat-token-secret');
  config.secretsKeyring ??= parseSecretsKeyring(`local:${Buffer.from(await readOrCreateLocalSecret(config.dataDir, 'secrets-key'), 'hex').toString('base64')}`);
  config.smtpIngress.port ??= 2525; // the API process runs the SMTP ingress for forwarded support mail

  if (!config.database.url) {
    const postgres = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.database.embeddedPort });
    lifecycle.onStop('embedded PostgreSQL', () => postgres.stop());
    config.database.url = postgres.url;
    log.info(`embedded PostgreSQL on 127.0.0.1:${config.database.embeddedPort}, data in ${postgres.databaseDir}`);
  }
  if (!config.temporal.address) {
    const temporalServer = await startTemporalDevServer({
      dataDir: config.dataDir,
      port: config.temporal.embeddedPort,
      uiPort: config.temporal.embeddedUiPort,
      namespace: config.temporal.namespace,
      cliPath: config.temporal.cliPath,
    });
    lifecycle.onStop('embedded Temporal dev server', () => temporalServer.stop());
    config.temporal.address = temporalServer.address;
    temporalUiUrl = temporalServer.uiUrl;
    log.info(`embedded Temporal dev server on ${temporalServer.address}, state in ${config.dataDir}/temporal.sqlite`);
  }

  const orm = await openOrm(config.database.url);
  lifecycle.onStop('database pool', () => orm.close());
  if (config.migrateOnStart) await applyMigrations(orm);
  const demo = await ensureDemoAccount(orm, { dataDir: config.dataDir });

  const temporal = await connectClient(config.temporal);
  lifecycle.onStop('temporal client', () => temporal.connection.close());

  const workerConnection = await connectWorkerConnection(config.temporal);
  lifecycle.onStop('worker connection', () => workerConnection.close());
  const worker = await createInboxWorker({ config, orm, connection: workerConnection, temporal });
  await ensureHousekeepingSchedule(temporal, config);
  await ensurePredictionSchedule(temporal, config);
  const workerRun = worker.run();
  lifecycle.onStop('worker', async () => {
    worker.shutdown();
    await workerRun;
  });

  const app = await createApiApp({ config, orm, temporal });
  await app.listen(config.port, '0.0.0.0');
  lifecycle.onStop('http server', () => app.close());

  process.stdout.write(
    [
      '',
      'Durable support inbox is running. Ctrl-C stops everything.',
      `  Console:      ${config.publicUrl}/ (sign in as the demo owner)`,
      `  API:          ${config.publicUrl}`,
      `  OpenAPI docs: ${config.publicUrl}/${OPENAPI_PATH}`,
      `  Temporal UI:  ${temporalUiUrl}`,
      `  SMTP ingress: ${config.smtpIngress.host}:${config.smtpIngress.port} (forward support mail here; see docs/email.md)`,
      ...demoBannerLines(demo),
      '',
    ].join('\n') + '\n',
  );
});

/** What the start banner says about signing in: the new demo tokens, or where they were kept. */
function demoBannerLines(demo: DemoAccountOutcome): string[] {
  if (demo.created) {
    return [
      '',
      `  Demo account "${demo.account.name}" created (owner ${demo.owner.email}). Its password and tokens are shown only now:`,
      `    owner password (console, POST /auth/sign-in): ${demo.ownerPassword}`,
      `    owner token (Authorization: Bearer …):        ${demo.ownerToken}`,
      `    integration token:                            ${demo.integrationToken}`,
      demo.credentialsFile ? `    saved to ${demo.credentialsFile}` : '    (they could not be saved to a file: copy them now)',
    ];
  }
  if (demo.credentialsFile) return ['', `  Demo account password and tokens: ${demo.credentialsFile}`];
  return ['', '  API tokens: create accounts and users with npm run cli -- create-account / create-user (see README)'];
}
