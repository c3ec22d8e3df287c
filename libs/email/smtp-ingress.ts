import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { AppConfig } from '../config/config.js';
import { createLogger } from '../logger/logger.js';
import type { Orm } from '../persistence/orm.js';
import { EmailRejected, type EmailReceiver, type ReceivedEmail } from './email-receiver.js';
import { accountForRecipient } from './email-settings.js';
import { parseInboundEmail, UnreadableEmail } from './inbound-email.js';

const log = createLogger('smtp-ingress');

/** An SMTP reply: the code the client sees, with an enhanced status code in the text. */
function smtpError(responseCode: number, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(text), { responseCode });
}

/**
 * The SMTP listener that support mail is forwarded to. A recipient must be one of an account's
 * support or forwarding addresses (else 550). A message is answered 250 only after every account's
 * copy has been stored and handed to its ticket workflow, so an accepted mail is never lost; a
 * passing failure (database, Temporal) is answered 451 and the sending server tries again later.
 */
export class SmtpIngress {
  private server: SMTPServer | undefined;

  constructor(private readonly deps: { config: AppConfig; orm: Orm; receiver: EmailReceiver }) {}

  async start(): Promise<AddressInfo> {
    const { port, host, maxMessageBytes, tls } = this.deps.config.smtpIngress;
    if (port === undefined) throw new Error('SMTP_INGRESS_PORT is not set');
    const certificate = tls ? { cert: await readFile(tls.certPath), key: await readFile(tls.keyPath) } : {};
    const server = new SMTPServer({
      ...certificate,
      banner: 'support inbox ingress',
      size: maxMessageBytes,
      rejectOversized: true,
      disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
      disableReverseLookup: true,
      maxRecipients: 100,
      logger: false,
      onRcptTo: (address, _session, callback) => {
        accountForRecipient(this.deps.orm, address.address).then(
          (accountId) => callback(accountId ? null : smtpError(550, `5.1.1 <${address.address}>: no support inbox receives mail at this address`)),
          (error: unknown) => {
            log.warn('recipient look-up failed', { error: String(error) });
            callback(smtpError(451, '4.3.0 temporary failure, try again later'));
          },
        );
      },
      onData: (stream, session, callback) => {
        this.accept(stream, session).then(
          (received) => callback(null, `2.0.0 accepted as ${received.map((copy) => copy.messageId).join(', ')}`),
          (error: Error) => callback(error),
        );
      },
    });
    server.on('error', (error) => log.warn('SMTP connection error', { error: error.message }));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(port, host, () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    const address = server.server.address() as AddressInfo;
    log.info(`SMTP ingress listening on ${address.address}:${address.port}${tls ? ' (STARTTLS available)' : ''}`);
    return address;
  }

  address(): AddressInfo | null {
    return (this.server?.server.address() as AddressInfo | null) ?? null;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Reads the message (discarding what goes past the limit), parses it once and files a copy per account. */
  private async accept(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<ReceivedEmail[]> {
    const limit = this.deps.config.smtpIngress.maxMessageBytes;
    const chunks: Buffer[] = [];
    let size = 0;
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= limit) chunks.push(chunk);
      });
      stream.once('end', resolve);
      stream.once('error', reject);
    });
    if (stream.sizeExceeded || size > limit) throw smtpError(552, `5.3.4 the message exceeds the ${limit}-byte limit`);

    try {
      const email = await parseInboundEmail(Buffer.concat(chunks));
      // A bounce's null sender '<>' arrives as '', which the loop guard reads as a null return path.
      const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      const recipients = session.envelope.rcptTo.map((recipient) => recipient.address.toLowerCase());
      const accounts = new Map<string, string[]>();
      for (const recipient of recipients) {
        const accountId = await accountForRecipient(this.deps.orm, recipient);
        if (accountId) accounts.set(accountId, [...(accounts.get(accountId) ?? []), recipient]);
      }
      if (accounts.size === 0) throw smtpError(550, '5.1.1 no recipient of this message is a support address here');
      const received: ReceivedEmail[] = [];
      for (const [accountId, accountRecipients] of accounts) {
        received.push(await this.deps.receiver.receive(email, { accountId, envelopeFrom, recipients: accountRecipients }));
      }
      return received;
    } catch (error) {
      if ((error as { responseCode?: number }).responseCode) throw error;
      if (error instanceof UnreadableEmail) throw smtpError(554, `5.6.0 ${error.message}`);
      if (error instanceof EmailRejected) throw smtpError(error.smtpCode, `5.6.0 ${error.message}`);
      log.warn('an incoming message could not be filed; the sender will retry', { error: String(error) });
      throw smtpError(451, '4.3.0 temporary failure, try again later');
    }
  }
}
