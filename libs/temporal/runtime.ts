import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import type { LogLevel } from '../config/config.js';
import { createLogger } from '../logger/logger.js';

const log = createLogger('temporal');

const LEVEL_MAP = { TRACE: 'debug', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * An error in a log entry is written as its name, message, stack and code only: HTTP clients' errors
 * carry their request (axios: `config.headers.Authorization`, e.g. Twilio's SID and auth token).
 */
function withoutRequestDetails(meta: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!meta || !(meta.error instanceof Error)) return meta;
  const { name, message, stack } = meta.error;
  const { code, status } = meta.error as { code?: unknown; status?: unknown };
  return { ...meta, error: { name, message, stack, ...(code !== undefined ? { code } : {}), ...(status !== undefined ? { status } : {}) } };
}

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
        log[LEVEL_MAP[entry.level]](entry.message, withoutRequestDetails(entry.meta as Record<string, unknown> | undefined)),
      ),
    });
  } catch {
    // Already installed in this process (tests create several workers): the first installation stands.
  }
}
