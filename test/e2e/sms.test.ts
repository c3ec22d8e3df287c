import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WorkflowNotFoundError } from '@temporalio/client';
import twilio from 'twilio';
import { smsTicketId } from '../../libs/temporal/workflow-ids.js';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { incomingSmsParams, postTwilioWebhook, startTwilioStandIn, statusCallbackParams, type TwilioStandIn } from '../support/twilio-stand-in.js';
import { callApi } from '../support/http.js';

/** Twilio is configured with the public URL; the API sits behind a proxy that forwards to it. */
const PUBLIC_URL = 'https://inbox.example.test';
const HOUR = 3_600_000;

interface SmsBrand {
  account: TestAccount;
  accountSid: string;
  authToken: string;
  inboxNumber: string;
}

interface Message {
  id: string;
  direction: string;
  body: string;
  deliveryStatus: string | null;
  deliveryError: string | null;
  attribution: { kind: string; sourceId: string; sentAt: string } | null;
}

describe('SMS on Twilio (webhooks from a local Twilio stand-in, dev server + PostgreSQL)', () => {
  let stack: TestStack;
  let standIn: TwilioStandIn;
  let numbers = 0;

  beforeAll(async () => {
    standIn = await startTwilioStandIn();
    stack = await startTestStack({ TWILIO_API_BASE_URL: standIn.apiBaseUrl, PUBLIC_URL });
  });
  afterAll(async () => {
    await stack?.stop();
    await standIn?.close();
    const sorted = [...webhookMs].sort((a, b) => a - b);
    if (sorted.length > 0) {
      process.stdout.write(`Twilio inbound webhook: ${sorted.length} requests, median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted.at(-1)} ms\n`);
    }
  });

  const newNumber = () => `+1415555${String(1000 + ++numbers).padStart(4, '0')}`;

  const call = (method: string, path: string, token: string, body?: unknown) => callApi(stack.baseUrl, method, path, { token, body });

  async function connectedBrand(): Promise<SmsBrand> {
    const account = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
    const credentials = standIn.newAccount();
    const inboxNumber = newNumber();
    const connected = await call('PUT', '/settings/sms/twilio', account.tokens.owner, { ...credentials, inboxNumber });
    expect(connected.status).toBe(200);
    return { account, ...credentials, inboxNumber };
  }

  /** How long each signed inbound webhook took to answer (reported, not asserted). */
  const webhookMs: number[] = [];
  const text = async (brand: SmsBrand, from: string, body: string, messageSid?: string) => {
    const started = performance.now();
    const answer = await postTwilioWebhook({
      publicUrl: `${PUBLIC_URL}/webhooks/twilio/sms/${brand.account.accountId}`,
      deliverTo: stack.baseUrl,
      authToken: brand.authToken,
      params: incomingSmsParams({ accountSid: brand.accountSid, from, to: brand.inboxNumber, body, messageSid }),
    });
    webhookMs.push(Math.round(performance.now() - started));
    return answer;
  };

  const ticketIdOf = (brand: SmsBrand, phone: string) => smsTicketId(brand.account.accountId, phone, stack.config.ticketIdSecret!);
  const agent = (brand: SmsBrand) => brand.account.tokens.support;
  const messagesOf = async (brand: SmsBrand, ticketId: string): Promise<Message[]> => {
    const detail = await call('GET', `/tickets/${ticketId}`, agent(brand));
    return detail.status === 200 ? detail.body.messages : [];
  };
  const eventsOf = async (brand: SmsBrand, ticketId: string): Promise<{ type: string; detail: Record<string, unknown> }[]> => {
    const response = await call('GET', `/tickets/${ticketId}/events`, agent(brand));
    return response.status === 200 ? response.body.events : [];
  };
  const messageCount = (brand: SmsBrand, ticketId: string, count: number) =>
    eventually(async () => {
      const messages = await messagesOf(brand, ticketId);
      return messages.length === count ? messages : undefined;
    }, `${count} messages in ${ticketId}`);
  const sentTo = (phone: string) => standIn.messages.filter((message) => message.to === phone);
  const setConsent = async (brand: SmsBrand, phone: string, consent: string) =>
    expect((await call('PUT', '/integration/sms/consent', brand.account.integrationToken, { phone, consent })).status).toBe(200);
  const reply = (brand: SmsBrand, ticketId: string, body: string) => call('POST', `/tickets/${ticketId}/replies`, agent(brand), { body });
  const recordSend = async (brand: SmsBrand, send: Record<string, unknown>) =>
    expect((await call('POST', '/integration/sms/sends', brand.account.integrationToken, send)).status).toBe(201);

  it('turns a signed text into a ticket, takes a retried MessageSid as one message and refuses unsigned requests with 403', async () => {
    const brand = await connectedBrand();
    const customer = '(415) 555-0199';
    const first = await text(brand, customer, 'Where is my order?', 'SM00000000000000000000000000000001');
    expect(first).toMatchObject({ status: 200, contentType: expect.stringContaining('text/xml') });
    expect(first.text).toContain('<Response/>');

    const ticketId = ticketIdOf(brand, '+14155550199');
    const [message] = await messageCount(brand, ticketId, 1);
    expect(message).toMatchObject({ direction: 'inbound', body: 'Where is my order?', attribution: null });
    const ticket = (await call('GET', `/tickets/${ticketId}`, agent(brand))).body.ticket;
    expect(ticket).toMatchObject({ channel: 'sms', status: 'open', customer: { phone: '+14155550199' } });

    expect((await text(brand, customer, 'Where is my order?', 'SM00000000000000000000000000000001')).status).toBe(200);
    expect((await text(brand, customer, 'Hello?', 'SM00000000000000000000000000000002')).status).toBe(200);
    const messages = await messageCount(brand, ticketId, 2);
    expect(messages.map((m) => m.body)).toEqual(['Where is my order?', 'Hello?']);

    const stranger = newNumber();
    const params = incomingSmsParams({ accountSid: brand.accountSid, from: stranger, to: brand.inboxNumber, body: 'Unsigned' });
    const webhook = { publicUrl: `${PUBLIC_URL}/webhooks/twilio/sms/${brand.account.accountId}`, deliverTo: stack.baseUrl, authToken: brand.authToken, params };
    const unsigned = await postTwilioWebhook({ ...webhook, signature: null });
    expect(unsigned.status).toBe(403);
    expect(JSON.parse(unsigned.text)).toMatchObject({ statusCode: 403, error: 'forbidden' });
    expect((await postTwilioWebhook({ ...webhook, authToken: 'not-the-auth-token' })).status).toBe(403);
    const tampered = await postTwilioWebhook({ ...webhook, signature: twilio.getExpectedTwilioSignature(brand.authToken, webhook.publicUrl, params), params: { ...params, Body: 'Tampered' } });
    expect(tampered.status).toBe(403);

    // Refused before anything happened: no profile, no message, no ticket workflow.
    const em = stack.orm.em.fork();
    expect(await em.execute('SELECT 1 FROM messages WHERE body IN (?, ?)', ['Unsigned', 'Tampered'])).toHaveLength(0);
    expect(await em.execute('SELECT 1 FROM sms_profiles WHERE phone = ?', [stranger])).toHaveLength(0);
    await expect(stack.temporal.workflow.getHandle(ticketIdOf(brand, stranger)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });
  it('changes consent on STOP and START without tickets, keeps both questions in one ticket and sends a reply only with consent', async () => {
    const brand = await connectedBrand();
    const customer = newNumber();
    const ticketId = ticketIdOf(brand, customer);
    await setConsent(brand, customer, 'transactional');

    expect((await text(brand, customer, ' stop ')).text).toContain('<Response/>');
    await expect(stack.temporal.workflow.getHandle(ticketId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);

    expect((await text(brand, customer, 'Can I still return my shoes?')).status).toBe(200);
    await messageCount(brand, ticketId, 1);
    const refused = await reply(brand, ticketId, 'Yes, within 30 days.');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'sms_consent_missing', message: expect.stringContaining('not consented to receive SMS') });
    expect((await call('POST', `/tickets/${ticketId}/close`, agent(brand))).body.status).toBe('closed');

    const help = await text(brand, customer, 'HELP');
    expect(help.text).toContain('Reply STOP to unsubscribe');
    expect((await text(brand, customer, 'Start')).status).toBe(200);
    expect((await call('GET', `/tickets/${ticketId}`, agent(brand))).body.ticket).toMatchObject({ status: 'closed', messageCount: 1 });

    expect((await text(brand, customer, 'And exchanges?')).status).toBe(200);
    const messages = await messageCount(brand, ticketId, 2);
    expect(messages.map((message) => message.body)).toEqual(['Can I still return my shoes?', 'And exchanges?']);
    expect((await call('GET', `/tickets/${ticketId}`, agent(brand))).body.ticket.status).toBe('open');
    expect(sentTo(customer)).toHaveLength(0);

    const accepted = await reply(brand, ticketId, 'Exchanges too, within 30 days.');
    expect(accepted.status).toBe(201);
    const delivered = await eventually(async () => {
      const found = (await messagesOf(brand, ticketId)).find((message) => message.id === accepted.body.messageId);
      return found?.deliveryStatus === 'queued' ? found : undefined;
    }, 'the reply handed to Twilio');
    expect(delivered.body).toBe('Exchanges too, within 30 days.');
    expect(sentTo(customer)).toEqual([expect.objectContaining({ from: brand.inboxNumber, body: 'Exchanges too, within 30 days.', accountSid: brand.accountSid })]);

    const profile = await call('GET', `/sms/profiles/${encodeURIComponent(customer)}`, agent(brand));
    expect(profile.body).toMatchObject({ phone: customer, consent: 'transactional' });
    expect(profile.body.history.map((change: any) => [change.source, change.keyword, change.previousConsent, change.consent])).toEqual([
      ['integration', null, 'none', 'transactional'],
      ['keyword', 'stop', 'transactional', 'none'],
      ['keyword', 'Start', 'none', 'transactional'],
    ]);
  });

  it('shows Twilio\'s delivery status callbacks on the message, with the error code of a failure', async () => {
    const brand = await connectedBrand();
    const customer = newNumber();
    const ticketId = ticketIdOf(brand, customer);
    await setConsent(brand, customer, 'marketing');
    await text(brand, customer, 'Hi');
    await messageCount(brand, ticketId, 1);
    const first = await reply(brand, ticketId, 'First reply');
    const second = await reply(brand, ticketId, 'Second reply');
    await eventually(async () => (sentTo(customer).length === 2 ? true : undefined), 'two sends');
    const [sendOne, sendTwo] = sentTo(customer);
    expect(sendOne!.statusCallback).toBe(`${PUBLIC_URL}/webhooks/twilio/sms/${brand.account.accountId}/status?messageId=${first.body.messageId}`);

    const callback = (send: typeof sendOne, status: string, errorCode?: string) =>
      postTwilioWebhook({ publicUrl: send!.statusCallback!, deliverTo: stack.baseUrl, authToken: brand.authToken, params: statusCallbackParams(send!, status, errorCode) });
    expect((await callback(sendOne, 'sent')).status).toBe(200);
    expect((await callback(sendOne, 'delivered')).status).toBe(200);
    expect((await callback(sendOne, 'sent')).status).toBe(200); // late and out of order: ignored
    expect((await callback(sendTwo, 'undelivered', '30003')).status).toBe(200);
    expect((await postTwilioWebhook({ publicUrl: sendTwo!.statusCallback!, deliverTo: stack.baseUrl, authToken: 'wrong', params: statusCallbackParams(sendTwo!, 'delivered') })).status).toBe(403);

    const byId = new Map((await messagesOf(brand, ticketId)).map((message) => [message.id, message]));
    expect(byId.get(first.body.messageId)).toMatchObject({ deliveryStatus: 'delivered', deliveryError: null });
    expect(byId.get(second.body.messageId)).toMatchObject({ deliveryStatus: 'undelivered', deliveryError: 'Twilio error 30003' });
  });
  it('sends a reply exactly once when the worker dies after Twilio accepted it and before the send was recorded', async () => {
    const brand = await connectedBrand();
    const customer = newNumber();
    const ticketId = ticketIdOf(brand, customer);
    await setConsent(brand, customer, 'transactional');
    await text(brand, customer, 'Is anyone there?');
    await messageCount(brand, ticketId, 1);

    let workerStopped: Promise<void> = Promise.resolve();
    const dropped = new Promise<void>((resolve) =>
      standIn.dropNextAnswer(() => {
        workerStopped = stack.stopWorker();
        resolve();
      }),
    );
    const accepted = await reply(brand, ticketId, 'Yes, we are here.');
    expect(accepted.status).toBe(201);
    await dropped;
    await workerStopped;
    expect(sentTo(customer)).toHaveLength(1);
    const pending = await stack.orm.em.fork().execute<{ delivery_status: string }[]>('SELECT delivery_status FROM messages WHERE id = ?', [accepted.body.messageId]);
    expect(pending[0]!.delivery_status).toBe('pending');

    await stack.startWorker();
    const recorded = await eventually(async () => {
      const [row] = await stack.orm.em.fork().execute<{ delivery_status: string; external_id: string | null }[]>(
        'SELECT delivery_status, external_id FROM messages WHERE id = ?',
        [accepted.body.messageId],
      );
      return row?.delivery_status === 'queued' ? row : undefined;
    }, 'the reply recorded as sent after the restart', 60000);
    expect(sentTo(customer)).toHaveLength(1);
    expect(recorded.external_id).toBe(sentTo(customer)[0]!.sid);
  });

  it('does not send a reply to a customer who opted out after the reply was accepted', async () => {
    const brand = await connectedBrand();
    const customer = newNumber();
    const ticketId = ticketIdOf(brand, customer);
    await setConsent(brand, customer, 'transactional');
    await text(brand, customer, 'Question');
    await messageCount(brand, ticketId, 1);

    const refusalsBefore = standIn.refusals;
    standIn.setUnavailable(true);
    try {
      const accepted = await reply(brand, ticketId, 'Answer');
      expect(accepted.status).toBe(201);
      await eventually(async () => (standIn.refusals > refusalsBefore ? true : undefined), 'a first attempt refused by Twilio');
      await text(brand, customer, 'STOP');
    } finally {
      standIn.setUnavailable(false);
    }
    const failed = await eventually(async () => (await messagesOf(brand, ticketId)).find((message) => message.deliveryStatus === 'failed'), 'the reply given up', 60000);
    expect(failed.deliveryError).toContain('not consented to receive SMS');
    expect(sentTo(customer)).toHaveLength(0);
  });

  it('attributes a text to the last campaign or flow send within the window, and only the first text after it', async () => {
    const brand = await connectedBrand();
    const now = Date.now();
    const ago = (hours: number) => new Date(now - hours * HOUR).toISOString();
    const [at23h, at25h, burst, campaignThenFlow, fromCallback] = [newNumber(), newNumber(), newNumber(), newNumber(), newNumber()];
    await recordSend(brand, { phone: at23h, campaignId: 'spring-sale', sentAt: ago(23) });
    await recordSend(brand, { phone: at25h, campaignId: 'spring-sale', sentAt: ago(25) });
    await recordSend(brand, { phone: burst, flowId: 'welcome', sentAt: ago(1), messageSid: 'SM10000000000000000000000000000001' });
    await recordSend(brand, { phone: campaignThenFlow, campaignId: 'spring-sale', sentAt: ago(2) });
    await recordSend(brand, { phone: campaignThenFlow, flowId: 'abandoned-cart', sentAt: ago(1) });
    // A campaign send known from Twilio's status callback only (the marketing side set the callback URL).
    const callbackSend = { sid: 'SM10000000000000000000000000000002', accountSid: brand.accountSid, from: brand.inboxNumber, to: fromCallback };
    const statusUrl = `${PUBLIC_URL}/webhooks/twilio/sms/${brand.account.accountId}/status?campaignId=back-in-stock`;
    for (const status of ['sent', 'delivered']) {
      const posted = await postTwilioWebhook({ publicUrl: statusUrl, deliverTo: stack.baseUrl, authToken: brand.authToken, params: statusCallbackParams(callbackSend, status) });
      expect(posted.status).toBe(200);
    }

    for (const phone of [at23h, at25h, campaignThenFlow, fromCallback]) await text(brand, phone, 'Tell me more');
    for (const body of ['Hi!', 'Is this the welcome offer?', 'Hello?']) await text(brand, burst, body);

    const attributions = async (phone: string, count: number) => {
      const ticketId = ticketIdOf(brand, phone);
      await eventually(async () => ((await eventsOf(brand, ticketId)).filter((event) => event.type === 'sms_attributed').length === count ? true : undefined), 'the attribution decisions');
      return (await messagesOf(brand, ticketId)).map((message) => message.attribution);
    };
    expect(await attributions(at23h, 1)).toEqual([{ kind: 'campaign', sourceId: 'spring-sale', sentAt: ago(23) }]);
    expect(await attributions(at25h, 1)).toEqual([null]);
    expect(await attributions(campaignThenFlow, 1)).toEqual([{ kind: 'flow', sourceId: 'abandoned-cart', sentAt: ago(1) }]);
    expect(await attributions(fromCallback, 1)).toEqual([{ kind: 'campaign', sourceId: 'back-in-stock', sentAt: expect.any(String) }]);
    expect(await attributions(burst, 3)).toEqual([{ kind: 'flow', sourceId: 'welcome', sentAt: ago(1) }, null, null]);

    const reasons = async (phone: string) => (await eventsOf(brand, ticketIdOf(brand, phone))).filter((event) => event.type === 'sms_attributed').map((event) => event.detail.reason);
    expect(await reasons(at25h)).toEqual(['outside_window']);
    expect(await reasons(burst)).toEqual(['within_window', 'not_first_inbound_after_send', 'not_first_inbound_after_send']);
  });

  it('auto-responds once to a non-consented texter under the rate limit, and the ticket history says why', async () => {
    const brand = await connectedBrand();
    const configured = await call('PATCH', '/settings/sms', brand.account.tokens.owner, { autoResponder: { enabled: true }, organizationPrefix: 'Acme', contactEmail: 'help@acme.test' });
    expect(configured.status).toBe(200);
    expect(configured.body.autoResponder).toMatchObject({ enabled: true, audience: 'non_consented' });

    const texter = newNumber();
    const consented = newNumber();
    await setConsent(brand, consented, 'transactional');
    await text(brand, texter, 'Hello?');
    await text(brand, texter, 'Anyone?');
    await text(brand, consented, 'Hello from a subscriber');
    await text(brand, brand.inboxNumber, 'A text from our own number');

    const decisions = (phone: string, count: number) =>
      eventually(async () => {
        const events = (await eventsOf(brand, ticketIdOf(brand, phone))).filter((event) => event.type === 'auto_response');
        return events.length === count ? events.map((event) => [event.detail.sent, event.detail.reason]) : undefined;
      }, `${count} auto-responder decisions`);
    expect(await decisions(texter, 2)).toEqual([[true, 'sent'], [false, 'rate_limited']]);
    expect(await decisions(consented, 1)).toEqual([[false, 'audience_excludes_consented']]);
    expect(await decisions(brand.inboxNumber, 1)).toEqual([[false, 'own_number']]);

    const autoResponse = await eventually(async () => (await messagesOf(brand, ticketIdOf(brand, texter))).find((message) => message.direction === 'outbound' && message.deliveryStatus === 'queued'), 'the auto-response sent');
    const expected = "Acme: We can't respond because you have not consented to receive SMS. For help, reach us at help@acme.test.";
    expect(autoResponse.body).toBe(expected);
    expect(sentTo(texter)).toEqual([expect.objectContaining({ body: expected, from: brand.inboxNumber })]);
    expect(sentTo(consented)).toHaveLength(0);
  });

  it('emails the team about each new text and turns links in outbound texts into counted short links', async () => {
    const brand = await connectedBrand();
    const owner = brand.account.tokens.owner;
    const configured = await call('PATCH', '/settings/sms', owner, { teamNotificationsEnabled: true, teamNotificationRecipients: ['Team@Acme.test'], linkShorteningEnabled: true });
    expect(configured.body).toMatchObject({ teamNotificationsEnabled: true, teamNotificationRecipients: ['team@acme.test'], linkShorteningEnabled: true });

    const customer = newNumber();
    const ticketId = ticketIdOf(brand, customer);
    await setConsent(brand, customer, 'transactional');
    const params = incomingSmsParams({ accountSid: brand.accountSid, from: customer, to: brand.inboxNumber, body: 'My parcel is late', mediaUrls: ['https://api.twilio.com/media/ME1'] });
    await postTwilioWebhook({ publicUrl: `${PUBLIC_URL}/webhooks/twilio/sms/${brand.account.accountId}`, deliverTo: stack.baseUrl, authToken: brand.authToken, params });
    const mail = await eventually(async () => {
      const { body } = await call('GET', '/mailbox', owner);
      return body.mail.find((caught: any) => caught.subject === `New SMS from ${customer}`);
    }, 'the team notification');
    expect(mail.to).toEqual(['team@acme.test']);
    expect(mail.text).toContain('My parcel is late\n[media] https://api.twilio.com/media/ME1');
    expect(mail.text).toContain(`${PUBLIC_URL}/tickets/${ticketId}`);

    const accepted = await reply(brand, ticketId, 'Track it here: https://shop.example/track?order=42.');
    expect(accepted.status).toBe(201);
    const [sent] = await eventually(async () => (sentTo(customer).length === 1 ? sentTo(customer) : undefined), 'the reply sent');
    const match = /^Track it here: https:\/\/inbox\.example\.test\/l\/([\w-]{10})\.$/.exec(sent!.body);
    expect(match).not.toBeNull();
    const followed = await fetch(`${stack.baseUrl}/l/${match![1]}`, { redirect: 'manual' });
    expect(followed.status).toBe(302);
    expect(followed.headers.get('location')).toBe('https://shop.example/track?order=42');
    const [link] = await stack.orm.em.fork().execute<{ clicks: number }[]>('SELECT clicks FROM sms_short_links WHERE code = ?', [match![1]]);
    expect(link!.clicks).toBe(1);
    expect((await fetch(`${stack.baseUrl}/l/unknown0000`, { redirect: 'manual' })).status).toBe(404);
    const thread = await messagesOf(brand, ticketId);
    expect(thread.find((message) => message.id === accepted.body.messageId)?.body).toBe('Track it here: https://shop.example/track?order=42.');
  });

  it('refuses an alphanumeric sender ID as the inbox number, never shows the auth token and honours custom keywords', async () => {
    const brand = await connectedBrand();
    const owner = brand.account.tokens.owner;
    const refused = await call('PUT', '/settings/sms/twilio', owner, { accountSid: brand.accountSid, authToken: brand.authToken, inboxNumber: 'ACME Shop' });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'validation_failed', field: 'inboxNumber', message: expect.stringContaining('alphanumeric sender ID') });
    expect((await call('PUT', '/settings/sms/twilio', agent(brand), { accountSid: brand.accountSid, authToken: 'x', inboxNumber: '+14155550000' })).status).toBe(403);

    const connection = await call('GET', '/settings/sms/twilio', agent(brand));
    expect(connection.body).toEqual({
      connected: true,
      accountSid: brand.accountSid,
      inboxNumber: brand.inboxNumber,
      inboundWebhookUrl: `${PUBLIC_URL}/webhooks/twilio/sms/${brand.account.accountId}`,
      statusCallbackUrl: `${PUBLIC_URL}/webhooks/twilio/sms/${brand.account.accountId}/status`,
    });
    expect(JSON.stringify(await call('GET', '/settings', owner))).not.toContain(brand.authToken);

    const badTemplate = await call('PATCH', '/settings/sms', owner, { autoResponder: { template: 'Hi {{name}}' } });
    expect(badTemplate.body).toMatchObject({ statusCode: 400, field: 'autoResponder.template' });
    const keywords = await call('PATCH', '/settings/sms', owner, { optOutKeywords: ['stop', 'Arrêt'] });
    expect(keywords.body.optOutKeywords).toEqual(['STOP', 'ARRÊT']);

    const customer = newNumber();
    await setConsent(brand, customer, 'marketing');
    await text(brand, customer, ' arrêt ');
    expect((await call('GET', `/sms/profiles/${encodeURIComponent(customer)}`, agent(brand))).body.consent).toBe('none');
    await text(brand, customer, 'end');
    await expect(stack.temporal.workflow.getHandle(ticketIdOf(brand, customer)).describe()).resolves.toBeDefined();
  });
});
