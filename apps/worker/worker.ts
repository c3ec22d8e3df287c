import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { defaultOutboundTransports, type OutboundTransports } from '../../activities/delivery/outbound-transport.js';
import { createEmailOutboundTransport } from '../../activities/email/email-outbound-transport.js';
import { createActivities } from '../../activities/index.js';
import { createTwilioSmsTransport } from '../../activities/sms/twilio-sms-transport.js';
import { InboundIngestion } from '../../libs/ingestion/inbound-ingestion.js';
import { createMailTransport, type MailTransport } from '../../libs/mail/mail-transport.js';
import type { AppConfig } from '../../libs/config/config.js';
import type { Orm } from '../../libs/persistence/orm.js';

/** Source (.ts) when run by the test runner, compiled (.js) in production. */
export function workflowsEntryPath(): string {
  const compiled = fileURLToPath(new URL('../../workflows/index.js', import.meta.url));
  return existsSync(compiled) ? compiled : fileURLToPath(new URL('../../workflows/index.ts', import.meta.url));
}

export interface InboxWorkerOptions {
  config: AppConfig;
  orm: Orm;
  connection: NativeConnection;
  /** Activities that start or signal workflows (forwarding a message to a new chat ticket) use it. */
  temporal: Client;
  transports?: OutboundTransports;
  mail?: MailTransport;
  /** A pre-built workflow bundle (tests build it once); otherwise the worker bundles the workflows itself. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  taskQueue?: string;
}

export async function createInboxWorker(options: InboxWorkerOptions): Promise<Worker> {
  const { config, orm, connection, temporal } = options;
  const ingestion = new InboundIngestion({ config, orm, temporal });
  const mail = options.mail ?? createMailTransport({ smtpUrl: config.mail.smtpUrl, orm });
  const transports = options.transports ?? {
    ...defaultOutboundTransports(),
    email: createEmailOutboundTransport({ orm, mail }),
    sms: createTwilioSmsTransport({ config, orm }),
  };
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: options.taskQueue ?? config.temporal.taskQueue,
    activities: createActivities({ config, orm, ingestion, temporal, transports, mail }),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: workflowsEntryPath() }),
  });
}
