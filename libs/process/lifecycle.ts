import { ConfigError } from '../config/config.js';
import { createLogger } from '../logger/logger.js';

const log = createLogger('lifecycle');

type Cleanup = () => Promise<void>;

/**
 * Collects what a process started so that Ctrl-C (SIGINT) or SIGTERM stops all of it,
 * newest first, and nothing is left running.
 */
export class Lifecycle {
  private readonly cleanups: { name: string; run: Cleanup }[] = [];
  private stopping: Promise<void> | undefined;

  constructor() {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        log.info(`received ${signal}, stopping`);
        // Fire-and-forget from a signal handler: stop() never rejects (it logs each failed clean-up).
        void this.stop().then(() => process.exit(0));
      });
    }
  }

  onStop(name: string, run: Cleanup): void {
    this.cleanups.push({ name, run });
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const { name, run } of this.cleanups.reverse()) {
        try {
          await run();
        } catch (error) {
          log.warn(`stopping ${name} failed`, { error: String(error) });
        }
      }
    })();
    return this.stopping;
  }

  /** Runs a start-up function; a failure stops what was started and exits with one clear line. */
  async run(main: (lifecycle: Lifecycle) => Promise<void>): Promise<void> {
    try {
      await main(this);
    } catch (error) {
      if (error instanceof ConfigError) {
        process.stderr.write(`${error.message}\n`);
      } else {
        log.error('start-up failed', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      }
      await this.stop();
      process.exit(1);
    }
  }
}
