import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/ports.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { callApi } from '../support/http.js';

interface MessageView {
  id: string;
  direction: string;
  body: string;
  deliveryStatus: string | null;
  deliveryError: string | null;
}
interface CaughtMail {
  messageId: string;
  to: string[];
  from: string | null;
  subject: string;
  headers: Record<string, string>;
  text: string;
}

describe('email channel: SMTP ingress, threading, replies (dev server + PostgreSQL)', () => {
  let stack: TestStack;
  let brand: TestAccount;
  let other: TestAccount;
  let smtp: Transporter;
  let sequence = 0;

  beforeAll(async () => {
    const port = await freePort();
    stack = await startTestStack({ SMTP_INGRESS_PORT: String(port), SMTP_INGRESS_HOST: '127.0.0.1' });
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support', 'analyst'] });
    other = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
    expect((await patch('/settings/email', { supportAddresses: ['Support@Brand.test'], senderName: 'Brand Support', signature: 'The Brand team' }, brand.tokens.owner)).status).toBe(200);
    expect((await patch('/settings/email', { supportAddresses: ['help@other.test'] }, other.tokens.owner)).status).toBe(200);
    smtp = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  });
  afterAll(async () => {
    smtp?.close();
    await stack?.stop();
  });

  const call = (method: string, path: string, token: string, body?: unknown) => callApi(stack.baseUrl, method, path, { token, body });
  const get = (path: string, token = brand.tokens.support) => call('GET', path, token);
  const post = (path: string, body?: unknown, token = brand.tokens.support) => call('POST', path, token, body);
  const patch = (path: string, body: unknown, token: string) => call('PATCH', path, token, body);

  /** Sends through the SMTP ingress; the 250 answer names the stored message id. */
  const send = async (mail: SendMailOptions) => {
    const info = await smtp.sendMail({ to: 'support@brand.test', ...mail });
    const response = String(info.response);
    const messageId = /accepted as (msg-[\w-]+)/.exec(response)?.[1];
    expect(messageId).toBeDefined();
    const { body } = await get(`/email/messages/${messageId}`);
    return { messageId: messageId!, ticketId: body.ticketId as string, response };
  };
  const messagesOf = async (ticketId: string): Promise<MessageView[]> => (await get(`/tickets/${ticketId}`)).body?.messages ?? [];
  const messageShown = (ticketId: string, messageId: string) =>
    eventually(async () => (await messagesOf(ticketId)).find((message) => message.id === messageId), `message ${messageId} in ${ticketId}`);
  const ticket = async (ticketId: string) => (await get(`/tickets/${ticketId}`)).body.ticket;
  const mailbox = async (): Promise<CaughtMail[]> => (await get('/mailbox')).body.mail;
  const customerAddress = () => `customer-${++sequence}@customer.test`;

  it('makes a ticket of forwarded mail, answers in the thread, and files the customer\'s reply in the same ticket', async () => {
    const ada = customerAddress();
    const first = await send({ from: `Ada Lovelace <${ada}>`, subject: 'Broken zipper', text: 'My zipper broke.', messageId: `<first-${sequence}@customer.test>` });
    expect(first.response).toMatch(/^250 /);
    expect(await messageShown(first.ticketId, first.messageId)).toMatchObject({ direction: 'inbound', body: 'My zipper broke.' });
    expect(await ticket(first.ticketId)).toMatchObject({ channel: 'email', status: 'open', subject: 'Broken zipper', customer: { email: ada, name: 'Ada Lovelace' } });

    const reply = await post(`/tickets/${first.ticketId}/replies`, { body: 'A new zipper is on its way.' });
    expect(reply.status).toBe(201);
    const delivered = await eventually(async () => {
      const message = (await messagesOf(first.ticketId)).find((candidate) => candidate.id === reply.body.messageId);
      return message?.deliveryStatus === 'sent' ? message : undefined;
    }, 'the reply to be sent');
    expect(delivered.deliveryError).toBeNull();

    const caught = (await mailbox()).find((mail) => mail.to.includes(ada))!;
    expect(caught.headers.from).toBe('Brand Support <support@brand.test>');
    expect(caught.headers['in-reply-to']).toBe(`<first-${sequence}@customer.test>`);
    expect(caught.headers.references).toBe(`<first-${sequence}@customer.test>`);
    expect(caught.subject).toBe('Re: Broken zipper');
    expect(caught.text).toContain('A new zipper is on its way.\n\n-- \nThe Brand team');

    // The customer answers our reply: In-Reply-To is our Message-ID, and the quote is left out of the thread view.
    const answer = await send({
      from: ada,
      subject: 'Re: Broken zipper',
      text: 'Thank you!\n\nOn Tue, Brand Support wrote:\n> A new zipper is on its way.',
      inReplyTo: caught.headers['message-id'],
      references: [`<first-${sequence}@customer.test>`, caught.headers['message-id']!],
    });
    expect(answer.ticketId).toBe(first.ticketId);
    expect(await messageShown(first.ticketId, answer.messageId)).toMatchObject({ body: 'Thank you!' });
    expect((await get(`/email/messages/${answer.messageId}`)).body.text).toContain('> A new zipper is on its way.');

    // The agent's next reply points at the customer's last message and carries the whole chain.
    expect((await post(`/tickets/${first.ticketId}/replies`, { body: 'You are welcome.' })).status).toBe(201);
    const caughtSecond = await eventually(async () => (await mailbox()).find((mail) => mail.text.startsWith('You are welcome.')), 'the second reply');
    const answerId = `<${(await get(`/email/messages/${answer.messageId}`)).body.rfcMessageId}>`;
    expect(caughtSecond.headers['in-reply-to']).toBe(answerId);
    expect(caughtSecond.headers.references).toBe(`<first-${sequence}@customer.test> ${caught.headers['message-id']} ${answerId}`);
  });

  it('replies once to an email ticket created through POST /integration/messages, to its customer_email, without In-Reply-To', async () => {
    const grace = customerAddress();
    const inbound = await call('POST', '/integration/messages', brand.integrationToken, {
      channel: 'email', externalId: `api-${sequence}`, body: 'Where is my parcel?', subject: 'Parcel', sender: { email: grace, name: 'Grace' },
    });
    expect(inbound.status).toBe(202);
    const { ticketId } = inbound.body as { ticketId: string };
    await eventually(async () => ((await ticket(ticketId))?.status === 'open' ? true : undefined), 'the ticket');

    const reply = await post(`/tickets/${ticketId}/replies`, { body: 'It left the warehouse today.' });
    expect(reply.status).toBe(201);
    const delivered = await eventually(async () => {
      const message = (await messagesOf(ticketId)).find((candidate) => candidate.id === reply.body.messageId);
      return message?.deliveryStatus === 'sent' || message?.deliveryStatus === 'failed' ? message : undefined;
    }, 'the reply to be delivered');
    expect(delivered).toMatchObject({ deliveryStatus: 'sent', deliveryError: null });

    const caught = (await mailbox()).filter((mail) => mail.to.includes(grace));
    expect(caught).toHaveLength(1);
    expect(caught[0]!.headers.from).toBe('Brand Support <support@brand.test>');
    expect(caught[0]!.subject).toBe('Re: Parcel');
    expect(caught[0]!.headers['in-reply-to']).toBeUndefined();
    expect(caught[0]!.headers.references).toBeUndefined();
    expect(caught[0]!.text).toContain('It left the warehouse today.');
    // A sent reply is not sent again.
    expect((await post(`/tickets/${ticketId}/messages/${reply.body.messageId}/retry`)).status).toBe(409);
    expect((await mailbox()).filter((mail) => mail.to.includes(grace))).toHaveLength(1);
  });

  it('starts a new ticket for a new subject without references, and keeps one message for a duplicate delivery', async () => {
    const bob = customerAddress();
    const first = await send({ from: bob, subject: 'Order 1001', text: 'Where is it?', messageId: `<order-${sequence}@customer.test>` });
    const again = await send({ from: bob, subject: 'Order 1001', text: 'Where is it?', messageId: `<order-${sequence}@customer.test>` });
    expect(again).toMatchObject({ ticketId: first.ticketId, messageId: first.messageId });
    const unrelated = await send({ from: bob, subject: 'Gift cards', text: 'Do you sell gift cards?' });
    expect(unrelated.ticketId).not.toBe(first.ticketId);
    await messageShown(unrelated.ticketId, unrelated.messageId);
    await messageShown(first.ticketId, first.messageId);
    expect((await messagesOf(first.ticketId)).filter((message) => message.direction === 'inbound')).toHaveLength(1);
  });

  it('finds the real customer of mail that reached the support address through a forwarder', async () => {
    const carol = customerAddress();
    const forwarded = await send({
      from: '"Carol via Support" <support@brand.test>',
      replyTo: `Carol Customer <${carol}>`,
      subject: 'Fwd: refund',
      text: 'I would like a refund.',
    });
    await messageShown(forwarded.ticketId, forwarded.messageId);
    expect(await ticket(forwarded.ticketId)).toMatchObject({ customer: { email: carol, name: 'Carol Customer' } });
    expect((await get(`/email/messages/${forwarded.messageId}`)).body).toMatchObject({ fromAddress: carol, senderSource: 'reply_to' });
  });

  it('stores an auto-reply in its thread without reopening the closed ticket or answering it', async () => {
    const dave = customerAddress();
    const first = await send({ from: dave, subject: 'Password', text: 'I cannot log in.', messageId: `<pw-${sequence}@customer.test>` });
    await messageShown(first.ticketId, first.messageId);
    expect((await post(`/tickets/${first.ticketId}/close`)).body.status).toBe('closed');
    const mailBefore = (await mailbox()).length;

    const autoReply = await send({
      from: dave,
      subject: 'Out of office: Password',
      text: 'I am away until Monday.',
      inReplyTo: `<pw-${sequence}@customer.test>`,
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    expect(autoReply.ticketId).toBe(first.ticketId);
    expect(await messageShown(first.ticketId, autoReply.messageId)).toMatchObject({ body: 'I am away until Monday.' });
    expect(await ticket(first.ticketId)).toMatchObject({ status: 'closed' });
    const events = (await get(`/tickets/${first.ticketId}/events`)).body.events as { type: string; detail: Record<string, unknown> }[];
    expect(events.find((event) => event.detail.messageId === autoReply.messageId)?.detail).toMatchObject({
      automated: true,
      automatedReasons: ['auto_submitted'],
      suppressed: 'reopen',
    });
    expect(events.some((event) => event.type === 'reopened')).toBe(false);
    expect((await get(`/email/messages/${autoReply.messageId}`)).body.automatedReasons).toEqual(['auto_submitted']);
    expect(await mailbox()).toHaveLength(mailBefore);

    // A person's reply in the same thread still reopens it.
    await send({ from: dave, subject: 'Re: Password', text: 'Still locked out.', inReplyTo: `<pw-${sequence}@customer.test>` });
    await eventually(async () => ((await ticket(first.ticketId)).status === 'open' ? true : undefined), 'the ticket to reopen');
  });

  it('shows sanitised HTML and attachments to the account\'s agents only', async () => {
    const erin = customerAddress();
    const invoice = Buffer.from('%PDF-1.4 fake invoice');
    const mail = await send({
      from: erin,
      subject: 'Invoice',
      text: 'See the invoice.',
      html: '<p onclick="steal()">See the <b>invoice</b>.<script>steal()</script><img src="https://tracker.test/p.gif"><a href="javascript:steal()">x</a></p>',
      attachments: [{ filename: 'invoice.pdf', content: invoice, contentType: 'application/pdf' }],
    });
    const { body } = await get(`/email/messages/${mail.messageId}`);
    expect(body.html).toBe('<p>See the <b>invoice</b>.<a target="_blank" rel="noopener noreferrer nofollow">x</a></p>');
    expect(body.attachments).toEqual([
      { id: expect.any(String), filename: 'invoice.pdf', contentType: 'application/pdf', size: invoice.length, inline: false, downloadPath: expect.any(String) },
    ]);

    const download = await fetch(`${stack.baseUrl}${body.attachments[0].downloadPath}`, { headers: brand.headers('support') });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-disposition')).toContain('attachment; filename="invoice.pdf"');
    expect(Buffer.from(await download.arrayBuffer())).toEqual(invoice);

    expect((await fetch(`${stack.baseUrl}${body.attachments[0].downloadPath}`, { headers: other.headers('support') })).status).toBe(404);
    expect((await get(`/email/messages/${mail.messageId}`, other.tokens.support)).status).toBe(404);
    expect((await get(`/email/messages/${mail.messageId}`, brand.tokens.analyst)).status).toBe(403);
  });

  it('refuses unknown recipients with 550 and messages over 25 MB with 552', async () => {
    const unknown = await smtp.sendMail({ from: customerAddress(), to: 'nobody@brand.test', subject: 'x', text: 'x' }).catch((error: unknown) => error);
    expect(unknown).toMatchObject({ code: 'EENVELOPE' });
    expect((unknown as { rejectedErrors: { responseCode: number }[] }).rejectedErrors[0]!.responseCode).toBe(550);

    const huge = await smtp
      .sendMail({ from: customerAddress(), to: 'support@brand.test', subject: 'huge', text: 'x', attachments: [{ filename: 'big.bin', content: Buffer.alloc(26 * 1024 * 1024, 7) }] })
      .catch((error: unknown) => error);
    expect(huge).toMatchObject({ responseCode: 552 });

    // The listener is still there.
    expect((await send({ from: customerAddress(), subject: 'after', text: 'still here' })).response).toMatch(/^250 /);
  });

  it('takes raw RFC 822 mail at POST /webhooks/email/raw with an integration token, through the same pipeline', async () => {
    const frank = customerAddress();
    const raw = [
      `From: Frank <${frank}>`,
      'To: support@brand.test',
      'Subject: Webhook mail',
      `Message-ID: <webhook-${sequence}@customer.test>`,
      'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Gr=FC=DFe aus M=FCnchen',
      '',
    ].join('\r\n');
    const post = (token: string) =>
      fetch(`${stack.baseUrl}/webhooks/email/raw`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'message/rfc822' }, body: raw });
    const accepted = await post(brand.integrationToken);
    expect(accepted.status).toBe(202);
    const received = (await accepted.json()) as { ticketId: string; messageId: string; automatedReasons: string[] };
    expect(received.automatedReasons).toEqual([]);
    expect(await messageShown(received.ticketId, received.messageId)).toMatchObject({ body: 'Grüße aus München' });

    const again = await post(brand.integrationToken);
    expect(await again.json()).toEqual(received);
    expect((await post(brand.tokens.support)).status).toBe(403);

    const garbage = await fetch(`${stack.baseUrl}/webhooks/email/raw`, {
      method: 'POST',
      headers: { authorization: `Bearer ${brand.integrationToken}`, 'content-type': 'message/rfc822' },
      body: 'no headers at all',
    });
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toMatchObject({ field: expect.any(String) });
  });

  it('keeps an address to one account and lets only owners and admins change email settings', async () => {
    expect((await patch('/settings/email', { forwardingAddresses: ['support@brand.test'] }, other.tokens.owner)).body).toMatchObject({
      statusCode: 409,
      error: 'email_address_taken',
    });
    expect((await patch('/settings/email', { signature: 'x' }, brand.tokens.support)).status).toBe(403);
    expect((await patch('/settings/email', { supportAddresses: ['not an address'] }, brand.tokens.owner)).body).toMatchObject({ statusCode: 400, field: 'supportAddresses' });
    expect((await get('/settings/email')).body).toMatchObject({ supportAddresses: ['support@brand.test'], senderName: 'Brand Support' });
  });
});
