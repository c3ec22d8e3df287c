import { loadConfig } from '../../libs/config/config.js';
import { createLogger, setLogLevel } from '../../libs/logger/logger.js';
import { applyMigrations, openOrm } from '../../libs/persistence/orm.js';
import { Lifecycle } from '../../libs/process/lifecycle.js';
import { connectClient } from '../../libs/temporal/connection.js';
import { createApiApp, OPENAPI_PATH } from './bootstrap.js';

const log = createLogger('api');

/** The API alone, against an existing Temporal cluster and PostgreSQL (DATABASE_URL and TEMPORAL_ADDRESS required). */
await new Lifecycle().run(async (lifecycle) => {
  const config = loadConfig();
  setLogLevel(config.logLevel);
  if (!config.database.url) throw new Error('DATABASE_URL is required to run the API on its own (npm start runs everything embedded)');
  if (!config.temporal.address) throw new Error('TEMPORAL_ADDRESS is required to run the API on its own (npm start runs everything embedded)');
  const orm = await openOrm(config.database.url);
  lifecycle.onStop('database pool', () => orm.close());
  if (config.migrateOnStart) await applyMigrations(orm);
  const temporal = await connectClient(config.temporal);
  lifecycle.onStop('temporal client', () => temporal.connection.close());
  const app = await createApiApp({ config, orm, temporal });
  await app.listen(config.port, '0.0.0.0');
  lifecycle.onStop('http server', () => app.close());
  log.info(`API listening on ${config.publicUrl}, OpenAPI docs at ${config.publicUrl}/${OPENAPI_PATH}`);
});
