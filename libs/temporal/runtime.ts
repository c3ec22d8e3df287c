import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import type { LogLevel } from '../config/config.js';
import { createLogger } from '../logger/logger.js';

const log = createLogger('temporal');

const LEVEL_MAP = { TRACE: 'debug', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * Routes the Temporal SDK's logs through the product's logger and leaves signal handling to the
 * process lifecycle, which stops the worker before the connections and servers it depends on.
 * The SDK's own chatter (bundling, state changes) stays below `info` unless LOG_LEVEL=debug.
 */
export function installTemporalRuntime(level: LogLevel): void {
  try {
    Runtime.install({
      shutdownSignals: [],
      logger: new DefaultLogger(level === 'debug' ? 'DEBUG' : 'WARN', (entry: LogEntry) =>
        log[LEVEL_MAP[entry.level]](entry.message, entry.meta as Record<string, unknown> | undefined),
      ),
    });
  } catch {
    // Already installed in this process (tests create several workers): the first installation stands.
  }
}
