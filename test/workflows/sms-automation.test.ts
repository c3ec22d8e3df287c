import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_SMS_SETTINGS } from '../../libs/domain/account-settings.js';
import { createAccountWithUsers } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { startTimeSkippingStack, type TimeSkippingStack } from '../support/time-skipping.js';

const HOUR = 3600_000;

describe('SMS automation in the ticket workflow (time-skipping test server)', () => {
  let stack: TimeSkippingStack;
  let accountId: string;
  let sequence = 0;

  beforeAll(async () => {
    stack = await startTimeSkippingStack();
    ({ accountId } = await createAccountWithUsers(stack.orm, { roles: ['owner'] }));
    const sms = { ...DEFAULT_SMS_SETTINGS, autoResponder: { ...DEFAULT_SMS_SETTINGS.autoResponder, enabled: true }, organizationPrefix: 'Acme', contactEmail: 'help@acme.test' };
    await stack.orm.em.fork().execute('UPDATE accounts SET settings = ?::jsonb WHERE id = ?', [JSON.stringify({ sms }), accountId]);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const text = (phone: string) => stack.ingestion.ingest({ accountId, channel: 'sms', externalId: `SM-${++sequence}`, body: `text ${sequence}`, sender: { phone } });
  const decisions = (ticketId: string, count: number) =>
    eventually(async () => {
      const rows = await stack.orm.em.fork().execute<{ detail: { sent: boolean; reason: string } }[]>(
        `SELECT detail FROM ticket_events WHERE ticket_id = ? AND type = 'auto_response' ORDER BY occurred_at, id`,
        [ticketId],
      );
      return rows.length === count ? rows.map((row) => [row.detail.sent, row.detail.reason]) : undefined;
    }, `${count} auto-responder decisions`);

  it('answers a sender at most once per 24 hours, however many texts they send, by the workflow\'s clock', async () => {
    const phone = '+14155550177';
    const { ticketId } = await text(phone);
    await decisions(ticketId, 1);
    await text(phone);
    expect(await decisions(ticketId, 2)).toEqual([[true, 'sent'], [false, 'rate_limited']]);

    await stack.env.sleep(23 * HOUR);
    await text(phone);
    expect((await decisions(ticketId, 3))[2]).toEqual([false, 'rate_limited']);

    await stack.env.sleep(2 * HOUR);
    await text(phone);
    expect((await decisions(ticketId, 4))[3]).toEqual([true, 'sent']);

    const responses = await stack.orm.em.fork().execute<{ body: string }[]>(
      `SELECT m.body FROM messages m JOIN sms_auto_responses a ON a.message_id = m.id WHERE m.ticket_id = ?`,
      [ticketId],
    );
    expect(responses).toHaveLength(2);
    expect(responses[0]!.body).toBe("Acme: We can't respond because you have not consented to receive SMS. For help, reach us at help@acme.test.");
  });
});
