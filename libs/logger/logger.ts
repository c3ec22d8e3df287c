import type { LogLevel } from '../config/config.js';

/** The product's one logger: one line per event, JSON when LOG_FORMAT=json, readable otherwise. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

let minimumLevel: LogLevel = (process.env.LOG_LEVEL as LogLevel) in SEVERITY ? (process.env.LOG_LEVEL as LogLevel) : 'info';
const asJson = process.env.LOG_FORMAT === 'json';

export function setLogLevel(level: LogLevel): void {
  minimumLevel = level;
}

function write(level: LogLevel, scope: string, message: string, fields?: Record<string, unknown>): void {
  if (SEVERITY[level] < SEVERITY[minimumLevel]) return;
  const time = new Date().toISOString();
  const line = asJson
    ? JSON.stringify({ time, level, scope, message, ...fields })
    : `${time} ${level.toUpperCase().padEnd(5)} [${scope}] ${message}${fields && Object.keys(fields).length ? ' ' + JSON.stringify(fields) : ''}`;
  (SEVERITY[level] >= SEVERITY.warn ? process.stderr : process.stdout).write(line + '\n');
}

export function createLogger(scope: string): Logger {
  return {
    debug: (message, fields) => write('debug', scope, message, fields),
    info: (message, fields) => write('info', scope, message, fields),
    warn: (message, fields) => write('warn', scope, message, fields),
    error: (message, fields) => write('error', scope, message, fields),
    child: (childScope) => createLogger(`${scope}:${childScope}`),
  };
}
