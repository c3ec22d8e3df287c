import { MikroORM } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { ENTITIES } from './entities/index.js';
import { MIGRATIONS } from './migrations/index.js';
import { createLogger } from '../logger/logger.js';

const log = createLogger('persistence');

export type Orm = MikroORM;

export async function openOrm(databaseUrl: string, options: { poolMax?: number } = {}): Promise<Orm> {
  return MikroORM.init({
    clientUrl: databaseUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    migrations: { migrationsList: MIGRATIONS, transactional: true, allOrNothing: true, snapshot: false },
    pool: { max: options.poolMax ?? 10 },
    debug: false,
    logger: (message: string) => log.debug(message),
  });
}

export async function applyMigrations(orm: Orm): Promise<void> {
  const applied = await orm.migrator.up();
  if (applied.length > 0) log.info('applied database migrations', { migrations: applied.map((m) => m.name) });
}

export async function isDatabaseReachable(orm: Orm): Promise<boolean> {
  try {
    await orm.em.getConnection().execute('SELECT 1');
    return true;
  } catch {
    return false;
  }
}
