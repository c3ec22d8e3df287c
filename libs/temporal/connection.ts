import { readFile } from 'node:fs/promises';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { AppConfig } from '../config/config.js';

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

export async function connectClient(config: AppConfig['temporal']): Promise<Client> {
  const connection = await Connection.connect(await connectionOptions(config, requireAddress(config)));
  return new Client({ connection, namespace: config.namespace });
}

export async function connectWorkerConnection(config: AppConfig['temporal']): Promise<NativeConnection> {
  return NativeConnection.connect(await connectionOptions(config, requireAddress(config)));
}
