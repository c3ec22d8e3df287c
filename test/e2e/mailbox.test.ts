import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLocalCatcherTransport } from '../../libs/mail/mail-transport.js';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { startTestStack, type TestStack } from '../support/stack.js';

describe('the local mailbox of the embedded default', () => {
  let stack: TestStack;
  let brand: TestAccount;
  let other: TestAccount;

  beforeAll(async () => {
    stack = await startTestStack();
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
    other = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('catches a rendered mail with its threading headers and shows it to that account only', async () => {
    const transport = createLocalCatcherTransport(stack.orm);
    const sent = await transport.send({
      accountId: brand.accountId,
      from: 'Brand support <support@brand.example>',
      to: ['customer@example.com'],
      subject: 'Re: Broken zipper',
      text: 'A new zipper is on its way.',
      inReplyTo: '<customer-2@example.com>',
      references: ['<customer-1@example.com>', '<customer-2@example.com>'],
    });
    transport.close();

    const response = await fetch(`${stack.baseUrl}/mailbox`, { headers: brand.headers('support') });
    expect(response.status).toBe(200);
    const { mail } = (await response.json()) as { mail: { messageId: string; to: string[]; subject: string; headers: Record<string, string>; raw: string }[] };
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ messageId: sent.messageId, to: ['customer@example.com'], subject: 'Re: Broken zipper' });
    expect(mail[0]!.headers['in-reply-to']).toBe('<customer-2@example.com>');
    expect(mail[0]!.headers.references).toBe('<customer-1@example.com> <customer-2@example.com>');
    expect(mail[0]!.raw).toContain('A new zipper is on its way.');

    const foreign = await fetch(`${stack.baseUrl}/mailbox`, { headers: other.headers('support') });
    expect(((await foreign.json()) as { mail: unknown[] }).mail).toEqual([]);
  });
});
