import type { Client } from '@temporalio/client';
import type { AppConfig } from '../libs/config/config.js';
import type { InboundIngestion } from '../libs/ingestion/inbound-ingestion.js';
import type { MailTransport } from '../libs/mail/mail-transport.js';
import type { Orm } from '../libs/persistence/orm.js';
import type { OutboundTransports } from './delivery/outbound-transport.js';

/** What activities may touch: every piece of I/O the worker is allowed to do comes through here. */
export interface ActivityDependencies {
  config: AppConfig;
  orm: Orm;
  ingestion: InboundIngestion;
  /** For activities that signal or update other workflows (the team assigner, tickets). */
  temporal: Client;
  transports: OutboundTransports;
  /** The product's one mail transport (SMTP relay, or the local mailbox in the embedded default). */
  mail: MailTransport;
}
