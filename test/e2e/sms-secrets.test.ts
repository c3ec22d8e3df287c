import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { createApiApp } from '../../apps/api/bootstrap.js';
import { createLogger } from '../../libs/logger/logger.js';
import { SecretBox } from '../../libs/secrets/secret-box.js';
import { sealSmsAuthTokens } from '../../libs/sms/sms-channels.js';
import { smsTicketId } from '../../libs/temporal/workflow-ids.js';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { callApi } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { incomingSmsParams, postTwilioWebhook, startTwilioStandIn, type TwilioStandIn } from '../support/twilio-stand-in.js';

const PUBLIC_URL = 'https://inbox.example.test';

interface SmsBrand {
  account: TestAccount;
  accountSid: string;
  authToken: string;
  inboxNumber: string;
}

/** Twilio auth tokens at rest: sealed in the database, still working for webhooks and sends. */
describe('Twilio auth tokens are stored sealed (SECRETS_KEYRING)', () => {
  let stack: TestStack;
  let standIn: TwilioStandIn;
  let numbers = 0;
  const log = createLogger('test');

  beforeAll(async () => {
    standIn = await startTwilioStandIn();
    stack = await startTestStack({ TWILIO_API_BASE_URL: standIn.apiBaseUrl, PUBLIC_URL });
  });
  afterAll(async () => {
    await stack?.stop();
    await standIn?.close();
  });

  const newNumber = () => `+1415556${String(1000 + ++numbers).padStart(4, '0')}`;
  const call = (method: string, path: string, token: string, body?: unknown) => callApi(stack.baseUrl, method, path, { token, body });
  const storedToken = async (accountId: string) => {
    const [row] = await stack.orm.em.fork().execute<Record<string, string>[]>('SELECT * FROM sms_channels WHERE account_id = ?', [accountId]);
    return row!;
  };
  const text = (brand: SmsBrand, from: string, body: string) =>
    postTwilioWebhook({
      publicUrl: `${PUBLIC_URL}/webhooks/twilio/sms/${brand.account.accountId}`,
      deliverTo: stack.baseUrl,
      authToken: brand.authToken,
      params: incomingSmsParams({ accountSid: brand.accountSid, from, to: brand.inboxNumber, body }),
    });

  async function connectedBrand(): Promise<SmsBrand> {
    const account = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
    const credentials = standIn.newAccount();
    const inboxNumber = newNumber();
    const connected = await call('PUT', '/settings/sms/twilio', account.tokens.owner, { ...credentials, inboxNumber });
    expect(connected.status).toBe(200);
    expect(JSON.stringify(connected.body)).not.toContain(credentials.authToken);
    return { account, ...credentials, inboxNumber };
  }

  /** A signed text reaches the ticket and an agent's reply reaches the Twilio stand-in (which checks the auth token). */
  async function smsWorks(brand: SmsBrand, body: string): Promise<void> {
    const customer = newNumber();
    const ticketId = smsTicketId(brand.account.accountId, customer, stack.config.ticketIdSecret!);
    expect((await text(brand, customer, body)).status).toBe(200);
    await eventually(async () => ((await call('GET', `/tickets/${ticketId}`, brand.account.tokens.support)).status === 200 ? true : undefined), 'the ticket');
    expect((await call('PUT', '/integration/sms/consent', brand.account.integrationToken, { phone: customer, consent: 'transactional' })).status).toBe(200);
    const reply = await call('POST', `/tickets/${ticketId}/replies`, brand.account.tokens.support, { body: `Re: ${body}` });
    expect(reply.status).toBe(201);
    await eventually(async () => (standIn.messages.some((message) => message.to === customer && message.body === `Re: ${body}`) ? true : undefined), 'the reply sent through Twilio');
  }

  it('keeps no plain token in the database after PUT /settings/sms/twilio, and SMS still works', async () => {
    const brand = await connectedBrand();
    const row = await storedToken(brand.account.accountId);
    expect(Object.keys(row)).not.toContain('twilio_auth_token');
    expect(JSON.stringify(row)).not.toContain(brand.authToken);
    expect(row.twilio_auth_token_sealed).toMatch(/^v1:test:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/);

    const settings = await call('GET', '/settings/sms/twilio', brand.account.tokens.owner);
    expect(settings.body).toMatchObject({ connected: true, accountSid: brand.accountSid, inboxNumber: brand.inboxNumber });
    expect(JSON.stringify(settings.body)).not.toContain(brand.authToken);
    expect(JSON.stringify(settings.body)).not.toContain('v1:');

    await smsWorks(brand, 'Sealed and working?');
  });

  it('never logs the auth token, not even in the HTTP client error of a dropped Twilio request', async () => {
    const brand = await connectedBrand();
    const basic = Buffer.from(`${brand.accountSid}:${brand.authToken}`).toString('base64');
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    const stdout = process.stdout.write.bind(process.stdout);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      written.push(String(chunk));
      return write(chunk, ...rest);
    }) as typeof process.stderr.write;
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      written.push(String(chunk));
      return stdout(chunk, ...rest);
    }) as typeof process.stdout.write;
    try {
      let dropped = false;
      standIn.dropNextAnswer(() => (dropped = true));
      await smsWorks(brand, 'Dropped once?');
      expect(dropped).toBe(true);
      await eventually(async () => (written.some((line) => line.includes('Activity failed')) ? true : undefined), 'the failed attempt logged');
    } finally {
      process.stderr.write = write;
      process.stdout.write = stdout;
    }
    const logged = written.join('');
    expect(logged).not.toContain(brand.authToken);
    expect(logged).not.toContain(basic);
    expect(logged).toContain('Twilio request failed');
  });

  it('seals a plain-text token left from before migration 0010 at start, once, and refuses it unsealed until then', async () => {
    const brand = await connectedBrand();
    await stack.orm.em.fork().execute('UPDATE sms_channels SET twilio_auth_token_sealed = ? WHERE account_id = ?', [brand.authToken, brand.account.accountId]);
    const customer = newNumber();
    expect((await text(brand, customer, 'Before sealing')).status).toBe(503);

    // An API start runs the step (the app is only built, not listening); running the step again changes nothing.
    await (await createApiApp({ config: stack.config, orm: stack.orm, temporal: stack.temporal })).close();
    const row = await storedToken(brand.account.accountId);
    expect(row.twilio_auth_token_sealed).toMatch(/^v1:test:/);
    expect(row.twilio_auth_token_sealed).not.toContain(brand.authToken);
    expect(await sealSmsAuthTokens(stack.orm, new SecretBox(stack.config.secretsKeyring!), log)).toEqual({ sealed: 0, resealed: 0 });
    expect((await storedToken(brand.account.accountId)).twilio_auth_token_sealed).toBe(row.twilio_auth_token_sealed);
    await smsWorks(brand, 'Sealed at start?');
  });

  it('rotates: a token sealed with a newer key the API does not hold is refused naming the key id; re-sealing with the current key restores it', async () => {
    const brand = await connectedBrand();
    const current = stack.config.secretsKeyring!;
    const next = { id: 'next', key: randomBytes(32) };
    const rotated = await sealSmsAuthTokens(stack.orm, new SecretBox([next, ...current]), log);
    expect(rotated.resealed).toBeGreaterThanOrEqual(1);
    expect((await storedToken(brand.account.accountId)).twilio_auth_token_sealed).toMatch(/^v1:next:/);

    const refused = await text(brand, newNumber(), 'Unknown key');
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.text).message).toContain('key id "next"');
    expect(refused.text).not.toContain(brand.authToken);

    // Back on a keyring whose first key is the API's: the old key ("next") still opens, everything is re-sealed.
    const back = await sealSmsAuthTokens(stack.orm, new SecretBox([...current, next]), log);
    expect(back.resealed).toBe(rotated.resealed);
    expect((await storedToken(brand.account.accountId)).twilio_auth_token_sealed).toMatch(/^v1:test:/);
    await smsWorks(brand, 'Rotated back?');
  });
});
