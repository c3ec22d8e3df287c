import { describe, expect, it } from '@jest/globals';
import { threadBody } from '../../libs/email/email-receiver.js';
import { parseInboundEmail, UnreadableEmail } from '../../libs/email/inbound-email.js';

const message = (...lines: string[]) => Buffer.from(lines.join('\r\n'), 'latin1');

describe('parseInboundEmail', () => {
  it('reads threading headers in order and decodes encoded sender names', async () => {
    const email = await parseInboundEmail(
      message(
        'From: =?UTF-8?B?SsO2cmc=?= <Jorg@Customer.test>',
        'To: Support <support@brand.test>, "Sales, EU" <sales@brand.test>',
        'Subject: Re: order',
        'Message-ID: <c3@Customer.TEST>',
        'In-Reply-To: <c2@customer.test>',
        'References: <c1@customer.test> <c2@customer.test>',
        '',
        'Yes.',
      ),
    );
    expect(email).toMatchObject({
      messageIdKey: 'c3@customer.test',
      inReplyTo: 'c2@customer.test',
      references: ['c1@customer.test', 'c2@customer.test'],
      threadCandidates: ['c2@customer.test', 'c1@customer.test'],
      headers: expect.objectContaining({ from: ['"Jörg" <Jorg@Customer.test>'] }),
      to: ['support@brand.test', 'sales@brand.test'],
      subject: 'Re: order',
      text: 'Yes.',
    });
  });

  it('synthesises a stable Message-ID from the raw bytes when there is none', async () => {
    const raw = message('From: a@customer.test', 'Subject: no id', '', 'hello');
    const first = await parseInboundEmail(raw);
    expect(first.messageIdKey).toMatch(/^[0-9a-f]{40}@synthesised\.invalid$/);
    expect((await parseInboundEmail(raw)).messageIdKey).toBe(first.messageIdKey);
    expect((await parseInboundEmail(message('From: a@customer.test', 'Subject: no id', '', 'hello!'))).messageIdKey).not.toBe(first.messageIdKey);
  });

  it('replaces NUL characters, which PostgreSQL text cannot hold, with U+FFFD, decodes legacy charsets and bounds giant ids', async () => {
    const email = await parseInboundEmail(
      message('From: a@customer.test', `Message-ID: <${'x'.repeat(2000)}@customer.test>`, 'Subject: nul\u0000here', 'Content-Type: text/plain; charset=iso-8859-1', '', 'M\xfcnchen\u0000'),
    );
    expect(email.subject).toBe('nul\uFFFDhere');
    expect(email.text).toBe('München\uFFFD');
    expect(email.messageIdKey).toMatch(/@long-id\.invalid$/);
  });

  it('sanitises HTML and keeps attachments with size and type', async () => {
    const email = await parseInboundEmail(
      message(
        'From: a@customer.test',
        'Content-Type: multipart/mixed; boundary=b',
        '',
        '--b',
        'Content-Type: text/html',
        '',
        '<p style="x" onmouseover="x()">Hi <a href="https://shop.test/o/1">order</a><iframe src="https://evil.test"></iframe><img src="https://t.test/p.gif"></p>',
        '--b',
        'Content-Type: text/csv; name="items.csv"',
        'Content-Disposition: attachment; filename="items.csv"',
        '',
        'a,b',
        '--b--',
      ),
    );
    expect(email.html).toBe('<p>Hi <a href="https://shop.test/o/1" target="_blank" rel="noopener noreferrer nofollow">order</a></p>');
    expect(email.attachments).toEqual([{ filename: 'items.csv', contentType: 'text/csv', size: 3, contentId: null, inline: false, content: Buffer.from('a,b') }]);
    expect(threadBody({ ...email, text: '' })).toBe('(no text; attachments: items.csv)');
  });

  it('refuses bytes that have no header section at all', async () => {
    await expect(parseInboundEmail(Buffer.from('just some words'))).rejects.toBeInstanceOf(UnreadableEmail);
  });

  it('shows the new text of a reply in the thread, without the quoted history', async () => {
    const email = await parseInboundEmail(message('From: a@customer.test', '', 'Thanks!', '', 'On Mon, 1 Jan 2030, Support wrote:', '> Your parcel left today.'));
    expect(threadBody(email)).toBe('Thanks!');
    expect(email.text).toContain('> Your parcel left today.');
  });
});
