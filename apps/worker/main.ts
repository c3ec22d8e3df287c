import { loadConfig } from '../../libs/config/config.js';
import { createLogger, setLogLevel } from '../../libs/logger/logger.js';
import { openOrm } from '../../libs/persistence/orm.js';
import { Lifecycle } from '../../libs/process/lifecycle.js';
import { connectClient, connectWorkerConnection } from '../../libs/temporal/connection.js';
import { installTemporalRuntime } from '../../libs/temporal/runtime.js';
import { ensureHousekeepingSchedule } from './housekeeping-schedule.js';
import { ensurePredictionSchedule } from './prediction-schedule.js';
import { createInboxWorker } from './worker.js';

const log = createLogger('worker');

/** The worker alone, against an existing Temporal cluster and PostgreSQL; scale by running more of these. */
await new Lifecycle().run(async (lifecycle) => {
  const config = loadConfig();
  setLogLevel(config.logLevel);
  installTemporalRuntime(config.logLevel);
  if (!config.database.url) throw new Error('DATABASE_URL is required to run the worker on its own');
  if (!config.temporal.address) throw new Error('TEMPORAL_ADDRESS is required to run the worker on its own');
  const orm = await openOrm(config.database.url);
  lifecycle.onStop('database pool', () => orm.close());
  const temporal = await connectClient(config.temporal);
  lifecycle.onStop('temporal client', () => temporal.connection.close());
  const connection = await connectWorkerConnection(config.temporal);
  lifecycle.onStop('temporal connection', () => connection.close());
  const worker = await createInboxWorker({ config, orm, connection, temporal });
  await ensureHousekeepingSchedule(temporal, config);
  await ensurePredictionSchedule(temporal, config);
  const running = worker.run();
  lifecycle.onStop('worker', async () => {
    worker.shutdown();
    await running;
  });
  log.info(`worker polling task queue "${config.temporal.taskQueue}" in namespace "${config.temporal.namespace}"`);
});
