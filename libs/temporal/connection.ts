import { readFile } from 'node:fs/promises';
import type { Interceptor } from '@grpc/grpc-js';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { AppConfig } from '../config/config.js';

/**
 * How long one client call keeps retrying while Temporal is unreachable (UNAVAILABLE, RESOURCE_EXHAUSTED…)
 * before its caller hears the error (the API then answers 503). The SDK's default retries ten times, 20 s
 * and more in all; a call's own deadline (`connection.withDeadline`) still applies when it is shorter.
 */
export const TEMPORAL_UNAVAILABLE_RETRY_BUDGET_MS = 3000;

/**
 * The SDK's retry interceptor (same codes, same backoff), stopped once a call has retried for
 * TEMPORAL_UNAVAILABLE_RETRY_BUDGET_MS since its first failure (so a long poll that fails late still gets
 * its retries), or when the next attempt would start after the call's deadline.
 */
export function boundedRetryInterceptor(budgetMs = TEMPORAL_UNAVAILABLE_RETRY_BUDGET_MS): Interceptor {
  const defaults = defaultGrpcRetryOptions();
  return (options, nextCall) => {
    const deadline = options.deadline instanceof Date ? options.deadline.getTime() : typeof options.deadline === 'number' ? options.deadline : Infinity;
    let giveUpAt: number | undefined;
    let nextDelayMs = 0;
    return makeGrpcRetryInterceptor({
      retryableDecider(attempt, status) {
        if (!defaults.retryableDecider(attempt, status)) return false;
        const now = Date.now();
        giveUpAt ??= Math.min(now + budgetMs, deadline);
        nextDelayMs = defaults.delayFunction(attempt, status);
        return now + nextDelayMs < giveUpAt;
      },
      delayFunction: () => nextDelayMs,
    })(options, nextCall);
  };
}

async function connectionOptions(config: AppConfig['temporal'], address: string): Promise<ConnectionOptions & NativeConnectionOptions> {
  const tls = config.tls
    ? { clientCertPair: { crt: await readFile(config.tls.certPath), key: await readFile(config.tls.keyPath) } }
    : config.apiKey
      ? true
      : undefined;
  return { address, tls, apiKey: config.apiKey };
}

function requireAddress(config: AppConfig['temporal']): string {
  if (!config.address) throw new Error('Temporal address is not known yet: start the embedded server or set TEMPORAL_ADDRESS');
  return config.address;
}

/** The one line said when Temporal cannot be reached at start: which address, and what to check. */
export function temporalConnectFailureMessage(config: Pick<AppConfig['temporal'], 'address' | 'tls' | 'apiKey'>, error: unknown): string {
  const security = config.tls ? 'mTLS (TEMPORAL_TLS_CERT_PATH/TEMPORAL_TLS_KEY_PATH)' : config.apiKey ? 'TLS with TEMPORAL_API_KEY' : 'plaintext (no TEMPORAL_TLS_CERT_PATH/TEMPORAL_API_KEY set)';
  const reason = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ');
  return (
    `could not connect to Temporal at ${config.address ?? '(no address)'} using ${security}: ${reason}; ` +
    'check TEMPORAL_ADDRESS (host:port of the frontend), the TLS/API key settings, and that the Temporal server is running and reachable from here'
  );
}

/** Temporal was not reachable at start; its message is the one line to show (no stack: the cause is in the message). */
export class TemporalConnectError extends Error {
  constructor(config: Pick<AppConfig['temporal'], 'address' | 'tls' | 'apiKey'>, cause: unknown) {
    super(temporalConnectFailureMessage(config, cause), { cause });
    this.name = 'TemporalConnectError';
    this.stack = this.message;
  }
}

/** A client whose connection connects on its first call; its calls' retries are bounded (boundedRetryInterceptor). */
export async function lazyClient(config: AppConfig['temporal']): Promise<Client> {
  const connection = Connection.lazy({ ...(await connectionOptions(config, requireAddress(config))), interceptors: [boundedRetryInterceptor()] });
  return new Client({ connection, namespace: config.namespace });
}

export async function connectClient(config: AppConfig['temporal']): Promise<Client> {
  const client = await lazyClient(config);
  try {
    await client.connection.ensureConnected();
  } catch (error) {
    await client.connection.close().catch(() => undefined);
    throw new TemporalConnectError(config, error);
  }
  return client;
}

export async function connectWorkerConnection(config: AppConfig['temporal']): Promise<NativeConnection> {
  const options = await connectionOptions(config, requireAddress(config));
  try {
    return await NativeConnection.connect(options);
  } catch (error) {
    throw new TemporalConnectError(config, error);
  }
}
