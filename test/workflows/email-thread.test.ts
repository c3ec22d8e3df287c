import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { EmailReceiver } from '../../libs/email/email-receiver.js';
import { SmtpIngress } from '../../libs/email/smtp-ingress.js';
import { agentActionUpdate, ticketStateQuery } from '../../libs/temporal/contracts/ticket.js';
import { createAccountWithUsers } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/ports.js';
import { startTimeSkippingStack, type TimeSkippingStack } from '../support/time-skipping.js';

const DAY = 24 * 3600_000;

describe('an email thread on the time-skipping test server', () => {
  let stack: TimeSkippingStack;
  let ingress: SmtpIngress;
  let smtp: Transporter;
  let accountId: string;

  beforeAll(async () => {
    const port = await freePort();
    stack = await startTimeSkippingStack({ SMTP_INGRESS_PORT: String(port), SMTP_INGRESS_HOST: '127.0.0.1' });
    accountId = (await createAccountWithUsers(stack.orm, { roles: ['owner'] })).accountId;
    await stack.orm.em.fork().execute(`UPDATE accounts SET settings = '{"email": {"supportAddresses": ["support@brand.test"]}}' WHERE id = ?`, [accountId]);
    ingress = new SmtpIngress({ config: stack.config, orm: stack.orm, receiver: new EmailReceiver({ config: stack.config, orm: stack.orm, ingestion: stack.ingestion }) });
    await ingress.start();
    smtp = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  });
  afterAll(async () => {
    smtp?.close();
    await ingress?.stop();
    await stack?.stop();
  });

  const ticketOf = async (messageId: string) => {
    const [row] = await stack.orm.em.fork().execute<{ ticket_id: string }[]>('SELECT ticket_id FROM email_messages WHERE message_id = ?', [messageId]);
    return row!.ticket_id;
  };
  const send = async (mail: SendMailOptions) => {
    const info = await smtp.sendMail({ from: 'Grace <grace@customer.test>', to: 'support@brand.test', ...mail });
    const messageId = /accepted as (msg-[\w-]+)/.exec(String(info.response))![1]!;
    return { messageId, ticketId: await ticketOf(messageId) };
  };
  const state = (ticketId: string) => stack.env.client.workflow.getHandle(ticketId).query(ticketStateQuery);
  const stored = (messageId: string) =>
    eventually(async () => {
      const rows = await stack.orm.em.fork().execute('SELECT 1 FROM messages WHERE id = ?', [messageId]);
      return rows.length > 0 ? true : undefined;
    }, `message ${messageId} stored`);

  it('reopens a closed ticket when the customer replies in its thread 400 days later', async () => {
    const first = await send({ subject: 'Warranty', text: 'My kettle stopped working.', messageId: '<kettle-1@customer.test>' });
    await stored(first.messageId);
    const closed = await stack.env.client.workflow
      .getHandle(first.ticketId)
      .executeUpdate(agentActionUpdate, { args: [{ action: { type: 'close' }, actorUserId: 'agent-1' }] });
    expect(closed.status).toBe('closed');

    const before = await stack.env.currentTimeMs();
    await stack.env.sleep(400 * DAY);
    expect((await stack.env.currentTimeMs()) - before).toBeGreaterThanOrEqual(400 * DAY);

    const late = await send({ subject: 'Re: Warranty', text: 'It broke again.', inReplyTo: '<kettle-1@customer.test>', references: '<kettle-1@customer.test>' });
    expect(late.ticketId).toBe(first.ticketId);
    await stored(late.messageId);
    const reopened = await eventually(async () => {
      const current = await state(first.ticketId);
      return current.status === 'open' ? current : undefined;
    }, 'the ticket to reopen');
    expect(reopened.messageCount).toBe(2);
    const [event] = await stack.orm.em.fork().execute<{ detail: Record<string, unknown> }[]>(
      "SELECT detail FROM ticket_events WHERE ticket_id = ? AND type = 'reopened'",
      [first.ticketId],
    );
    expect(event?.detail).toEqual({ reason: 'inbound_message', channel: 'email' });

    const unrelated = await send({ subject: 'A new kettle', text: 'Do you sell the new model?' });
    expect(unrelated.ticketId).not.toBe(first.ticketId);
  });
});
