import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { AccountsError, AccountsService } from '../../libs/accounts/accounts.service.js';
import { ConfigError, loadConfig } from '../../libs/config/config.js';
import { isRole, ROLES } from '../../libs/domain/access.js';
import { setLogLevel } from '../../libs/logger/logger.js';
import { applyMigrations, openOrm, type Orm } from '../../libs/persistence/orm.js';
import { workflowsEntryPath } from '../worker/worker.js';

const USAGE = `Usage: npm run cli -- <command> [options]   (after npm run build; or node dist/apps/cli/main.js)

Commands:
  migrate                                   apply pending database migrations
  create-account --name <name> --owner-email <email> [--owner-name <name>]
                                            create an account with its owner; prints the owner's
                                            token and an integration token
  create-user --account <account id> --email <email> --name <name> --role <role>
                                            add a user to an account; prints their token
                                            (roles: ${ROLES.join(', ')})
  replay-ticket --file <history.json>       replay a ticket history exported by GET /tickets/:id/history
                                            against the current workflow code (no database needed)

Options:
  --json                                    print the result as JSON
  --help                                    show this help

Needs DATABASE_URL (postgres://…), except replay-ticket. Every command applies pending migrations first.
Tokens are stored hashed: they are printed once and cannot be shown again.`;

/** A mistake of the person at the keyboard: printed as one line, exit code 2. */
class UsageError extends Error {}

type Options = Record<string, string | boolean | undefined>;

function required(options: Options, name: string): string {
  const value = options[name];
  if (typeof value !== 'string' || !value.trim()) throw new UsageError(`--${name} is required`);
  return value.trim();
}

function optional(options: Options, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function print(json: boolean, data: Record<string, unknown>, lines: string[]): void {
  process.stdout.write(json ? JSON.stringify(data, null, 2) + '\n' : lines.join('\n') + '\n');
}

async function openDatabase(json: boolean): Promise<Orm> {
  const config = loadConfig();
  // Migration logs go to stdout; keep it clean for JSON output.
  setLogLevel(json ? 'warn' : config.logLevel);
  if (!config.database.url) {
    throw new UsageError(
      'DATABASE_URL is not set: the CLI works on an existing PostgreSQL, e.g. DATABASE_URL=postgres://user:password@host:5432/inbox ' +
        `(while npm start runs, its embedded database is postgres://inbox:inbox@127.0.0.1:${config.database.embeddedPort}/inbox)`,
    );
  }
  const orm = await openOrm(config.database.url, { poolMax: 2 });
  try {
    await applyMigrations(orm);
  } catch (error) {
    await orm.close();
    throw error;
  }
  return orm;
}

async function run(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      name: { type: 'string' },
      'owner-email': { type: 'string' },
      'owner-name': { type: 'string' },
      account: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string' },
      file: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...extra] = positionals;
  if (values.help || !command || command === 'help') {
    process.stdout.write(USAGE + '\n');
    return;
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const json = values.json === true;

  switch (command) {
    case 'migrate': {
      const orm = await openDatabase(json);
      await orm.close();
      print(json, { migrated: true }, ['Database is up to date.']);
      return;
    }
    case 'create-account': {
      const input = { name: required(values, 'name'), ownerEmail: required(values, 'owner-email'), ownerName: optional(values, 'owner-name') };
      const orm = await openDatabase(json);
      try {
        const created = await new AccountsService(orm).createAccount(input);
        print(
          json,
          {
            accountId: created.account.id,
            accountName: created.account.name,
            owner: { id: created.owner.id, email: created.owner.email, name: created.owner.name, role: created.owner.role },
            ownerToken: created.ownerToken,
            integrationToken: created.integrationToken,
          },
          [
            `Created account "${created.account.name}" (${created.account.id}).`,
            `Owner: ${created.owner.name} <${created.owner.email}> (${created.owner.id})`,
            '',
            `Owner token:       ${created.ownerToken}`,
            `Integration token: ${created.integrationToken}`,
            '',
            'Use them as "Authorization: Bearer <token>". They are stored hashed and are shown only now.',
          ],
        );
      } finally {
        await orm.close();
      }
      return;
    }
    case 'create-user': {
      const accountId = required(values, 'account');
      const email = required(values, 'email');
      const name = required(values, 'name');
      const role = required(values, 'role');
      if (!isRole(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')} (got "${role}")`);
      const orm = await openDatabase(json);
      try {
        const { user, rawToken } = await new AccountsService(orm).createUserWithToken(accountId, { email, name, role });
        print(json, { accountId, user: { id: user.id, email: user.email, name: user.name, role: user.role }, token: rawToken }, [
          `Created ${user.role} ${user.name} <${user.email}> (${user.id}) in account ${accountId}.`,
          '',
          `Token: ${rawToken}`,
          '',
          'Use it as "Authorization: Bearer <token>". It is stored hashed and is shown only now.',
        ]);
      } finally {
        await orm.close();
      }
      return;
    }
    case 'replay-ticket': {
      const file = required(values, 'file');
      const exported = JSON.parse(await readFile(file, 'utf8')) as { workflowId?: string; runId?: string; history?: unknown };
      if (!exported.workflowId || !exported.history) throw new UsageError(`${file} is not a history exported by GET /tickets/:id/history`);
      setLogLevel('warn');
      const { code } = await bundleWorkflowCode({ workflowsPath: workflowsEntryPath(), logger: new DefaultLogger('WARN') });
      const history = historyFromJSON(exported.history);
      await Worker.runReplayHistory({ workflowBundle: { code } }, history, exported.workflowId);
      print(json, { workflowId: exported.workflowId, runId: exported.runId, events: history.events?.length ?? 0, deterministic: true }, [
        `Replayed ${history.events?.length ?? 0} events of ${exported.workflowId} (run ${exported.runId ?? 'unknown'}) against the current code: deterministic.`,
      ]);
      return;
    }
    default:
      throw new UsageError(`unknown command "${command}" (try --help)`);
  }
}

try {
  await run(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError || error instanceof ConfigError || error instanceof AccountsError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  } else if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`${error.message} (try --help)\n`);
    process.exitCode = 2;
  } else {
    const detail = error instanceof Error ? (process.env.LOG_LEVEL === 'debug' ? (error.stack ?? error.message) : error.message) : String(error);
    process.stderr.write(`Failed: ${detail}\n`);
    process.exitCode = 1;
  }
}
