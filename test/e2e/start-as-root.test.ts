import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { postgresDataFolder, ROOT_RUNTIME_DIR } from '../../libs/embedded/postgres-as-root.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/ports.js';

const runningAsRoot = process.getuid?.() === 0;
if (!runningAsRoot) process.stdout.write('start-as-root.test: not root here, so the root-only start is not tried\n');

const passwordFiles = async () => (await readdir(os.tmpdir())).filter((name) => name.startsWith('pg-password-'));

/** A copy of a folder, hard-linked where the file system allows (a symlink would let the postgres user in by its target). */
async function copyFolder(from: string, to: string): Promise<void> {
  const linked = await new Promise<boolean>((done) => spawn('cp', ['-al', from, to], { stdio: 'ignore' }).on('exit', (code) => done(code === 0)));
  if (!linked) {
    await rm(to, { recursive: true, force: true });
    await cp(from, to, { recursive: true, verbatimSymlinks: true });
  }
}

/**
 * `npm start` as root from a folder that no one else may enter (a fresh `mktemp -d`): the embedded
 * PostgreSQL runs as the `postgres` user, who cannot reach the checkout's node_modules nor its data
 * folder. The product must start anyway, answer, and stop cleanly, leaving no password file behind.
 */
(runningAsRoot ? describe : describe.skip)('npm start as root from a private folder', () => {
  let privateFolder: string | undefined;
  let product: ChildProcess | undefined;

  afterAll(async () => {
    product?.kill('SIGKILL');
    if (privateFolder) {
      await rm(path.dirname(await postgresDataFolder(path.join(privateFolder, 'project', '.data'))), { recursive: true, force: true });
      await rm(privateFolder, { recursive: true, force: true });
    }
  });

  it('starts the embedded default, answers /health and stops on Ctrl-C', async () => {
    privateFolder = await mkdtemp(path.join(path.resolve('.'), '.private-start-'));
    expect((await stat(privateFolder)).mode & 0o077).toBe(0);
    const project = path.join(privateFolder, 'project');
    await copyFolder(path.resolve('node_modules'), path.join(project, 'node_modules'));
    await copyFolder(path.resolve('dist'), path.join(project, 'dist'));
    await cp('package.json', path.join(project, 'package.json'));
    const before = await passwordFiles();

    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      DATA_DIR: path.join(project, '.data'),
      EMBEDDED_POSTGRES_PORT: String(await freePort()),
      EMBEDDED_TEMPORAL_PORT: String(await freePort()),
      EMBEDDED_TEMPORAL_UI_PORT: String(await freePort()),
      SMTP_INGRESS_PORT: String(await freePort()),
      LOG_LEVEL: 'info',
    };
    delete env.DATABASE_URL;
    delete env.TEMPORAL_ADDRESS;
    product = spawn(process.execPath, ['dist/apps/dev/main.js'], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    product.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    product.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => product!.on('exit', (code) => done(code)));

    let exitCode: number | null | undefined;
    void exited.then((code) => (exitCode = code));
    await eventually(async () => {
      if (exitCode !== undefined) throw new Error(`npm start exited with ${exitCode}:\n${output}`);
      return output.includes('is running') ? true : undefined;
    }, 'the start banner', 120_000);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    expect(output).toContain(ROOT_RUNTIME_DIR);
    expect(await passwordFiles()).toEqual(before);

    product.kill('SIGINT');
    expect(await exited).toBe(0);
    product = undefined;
  }, 180_000);
});
