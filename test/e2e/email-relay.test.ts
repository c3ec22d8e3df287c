import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { EmailReceiver } from '../../libs/email/email-receiver.js';
import { SmtpIngress } from '../../libs/email/smtp-ingress.js';
import { InboundIngestion } from '../../libs/ingestion/inbound-ingestion.js';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/ports.js';
import { startTestStack, type TestStack } from '../support/stack.js';

interface RelayedMail {
  to: string[];
  parsed: ParsedMail;
}

/**
 * Outbound replies through a real SMTP relay (SMTP_URL): a local SMTP server that refuses one
 * recipient for good (550) and fails the first attempt at another for a while (451).
 */
describe('email replies through an SMTP relay', () => {
  let stack: TestStack;
  let relay: SMTPServer;
  let brand: TestAccount;
  const relayed: RelayedMail[] = [];
  const attempts = new Map<string, number>();

  beforeAll(async () => {
    const relayPort = await freePort();
    relay = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo: (address, _session, callback) =>
        callback(address.address.startsWith('gone@') ? Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 }) : null),
      onData: (stream, session, callback) => {
        simpleParser(stream).then((parsed) => {
          const to = session.envelope.rcptTo.map((recipient) => recipient.address);
          const key = to.join(',');
          attempts.set(key, (attempts.get(key) ?? 0) + 1);
          if (to.some((address) => address.startsWith('flaky@')) && attempts.get(key) === 1) {
            callback(Object.assign(new Error('4.3.0 try again later'), { responseCode: 451 }));
            return;
          }
          relayed.push({ to, parsed });
          callback(null);
        }, callback);
      },
    });
    await new Promise<void>((resolve) => relay.listen(relayPort, '127.0.0.1', resolve));
    stack = await startTestStack({ SMTP_URL: `smtp://127.0.0.1:${relayPort}` });
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
    await stack.orm.em.fork().execute(`UPDATE accounts SET settings = '{"email": {"supportAddresses": ["support@relay.test"]}}' WHERE id = ?`, [brand.accountId]);
  });
  afterAll(async () => {
    await stack?.stop();
    await new Promise<void>((resolve) => (relay ? relay.close(() => resolve()) : resolve()));
  });

  const inbound = async (from: string, messageId: string) => {
    const raw = [`From: ${from}`, 'To: support@relay.test', 'Subject: Help', `Message-ID: <${messageId}>`, '', 'Please help.', ''].join('\r\n');
    const response = await fetch(`${stack.baseUrl}/webhooks/email/raw`, {
      method: 'POST',
      headers: { authorization: `Bearer ${brand.integrationToken}`, 'content-type': 'message/rfc822' },
      body: raw,
    });
    expect(response.status).toBe(202);
    return (await response.json()) as { ticketId: string; messageId: string };
  };
  const reply = async (ticketId: string, body: string) => {
    const response = await fetch(`${stack.baseUrl}/tickets/${ticketId}/replies`, {
      method: 'POST',
      headers: { ...brand.headers('support'), 'content-type': 'application/json' },
      body: JSON.stringify({ body }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { messageId: string }).messageId;
  };
  const delivery = (ticketId: string, messageId: string) =>
    eventually(async () => {
      const response = await fetch(`${stack.baseUrl}/tickets/${ticketId}`, { headers: brand.headers('support') });
      const { messages } = (await response.json()) as { messages: { id: string; deliveryStatus: string; deliveryError: string | null }[] };
      const message = messages.find((candidate) => candidate.id === messageId);
      return message && message.deliveryStatus !== 'pending' ? message : undefined;
    }, `delivery of ${messageId}`);

  it('sends a reply exactly once although the relay failed the first attempt', async () => {
    const { ticketId } = await inbound('flaky@customer.test', 'flaky-1@customer.test');
    const messageId = await reply(ticketId, 'Here is your answer.');
    expect(await delivery(ticketId, messageId)).toMatchObject({ deliveryStatus: 'sent', deliveryError: null });

    expect(attempts.get('flaky@customer.test')).toBe(2);
    const sent = relayed.filter((mail) => mail.to.includes('flaky@customer.test'));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.parsed).toMatchObject({ inReplyTo: '<flaky-1@customer.test>', references: '<flaky-1@customer.test>', subject: 'Re: Help' });
    expect(sent[0]!.parsed.messageId).toBe(`<${messageId}@relay.test>`);
    expect(sent[0]!.parsed.from?.value[0]?.address).toBe('support@relay.test');
  });

  it('shows a refused delivery on the message, and answers a ticket the integration API opened at its customer address', async () => {
    const gone = await inbound('gone@customer.test', 'gone-1@customer.test');
    const refused = await reply(gone.ticketId, 'Hello?');
    expect(await delivery(gone.ticketId, refused)).toMatchObject({ deliveryStatus: 'failed', deliveryError: expect.stringContaining('550') });

    const integration = await fetch(`${stack.baseUrl}/integration/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${brand.integrationToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'email', externalId: 'api-1', body: 'no mail behind me', sender: { email: 'api@customer.test' } }),
    });
    const { ticketId } = (await integration.json()) as { ticketId: string };
    const answer = await reply(ticketId, 'Hello?');
    expect(await delivery(ticketId, answer)).toMatchObject({ deliveryStatus: 'sent', deliveryError: null });
    const sent = relayed.filter((mail) => mail.to.includes('api@customer.test'));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.parsed.inReplyTo).toBeUndefined();
  });

  it('offers STARTTLS on the ingress when a certificate is configured', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'smtp-tls-'));
    const certPath = path.join(folder, 'cert.pem');
    const keyPath = path.join(folder, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    const port = await freePort();
    const config = { ...stack.config, smtpIngress: { ...stack.config.smtpIngress, port, host: '127.0.0.1', tls: { certPath, keyPath } } };
    const receiver = new EmailReceiver({ config, orm: stack.orm, ingestion: new InboundIngestion({ config, orm: stack.orm, temporal: stack.temporal }) });
    const ingress = new SmtpIngress({ config, orm: stack.orm, receiver });
    await ingress.start();
    try {
      const client = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, requireTLS: true, tls: { rejectUnauthorized: false } });
      const info = await client.sendMail({ from: 'tls@customer.test', to: 'support@relay.test', subject: 'over TLS', text: 'secret' });
      client.close();
      expect(String(info.response)).toMatch(/^250 /);
    } finally {
      await ingress.stop();
    }
  });
});
