import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { callApi } from '../support/http.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/** A PATCH of a settings section either sets a valid value or is refused with a 400 naming the field. */
describe('settings that cannot be broken (dev server + PostgreSQL)', () => {
  let stack: TestStack;
  let brand: TestAccount;

  beforeAll(async () => {
    stack = await startTestStack({ CHAT_TOKEN_SECRET: 'test-chat-token-secret-0123456789' });
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner'] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const call = (method: string, path: string, body?: unknown) => callApi(stack.baseUrl, method, path, { token: brand.tokens.owner, body });
  const refused = (field: string) => ({ status: 400, body: { statusCode: 400, error: 'validation_failed', field } });

  it('refuses visitorTokenTtlHours null, so visitor tokens stay valid', async () => {
    expect(await call('PATCH', '/settings/web-chat', { visitorTokenTtlHours: null })).toMatchObject(refused('visitorTokenTtlHours'));
    expect((await call('GET', '/settings/web-chat')).body.visitorTokenTtlHours).toBe(7 * 24);
    const started = await callApi(stack.baseUrl, 'POST', '/chat/conversations', { body: { accountId: brand.accountId, visitorId: 'visitor-ttl' } });
    expect(started.status).toBe(201);
    const { conversationId, visitorToken } = started.body as { conversationId: string; visitorToken: string };
    expect((await callApi(stack.baseUrl, 'GET', `/chat/conversations/${conversationId}`, { token: visitorToken })).status).toBe(200);
  });

  it('refuses unreadNotificationEnabled null, so GET /settings keeps its schema', async () => {
    expect(await call('PATCH', '/settings', { unreadNotificationEnabled: null })).toMatchObject(refused('unreadNotificationEnabled'));
    expect(await call('GET', '/settings')).toMatchObject({ status: 200, body: { unreadNotificationEnabled: true } });
    expect(await call('PATCH', '/settings', { unreadNotificationEnabled: 'false' })).toMatchObject(refused('unreadNotificationEnabled'));
    expect(await call('PATCH', '/settings', { unreadNotificationEnabled: false })).toMatchObject({ status: 200, body: { unreadNotificationEnabled: false } });
  });

  it('refuses forwardingAddresses null (no 500)', async () => {
    expect(await call('PATCH', '/settings/email', { forwardingAddresses: null })).toMatchObject(refused('forwardingAddresses'));
    expect(await call('PATCH', '/settings/email', { supportAddresses: null })).toMatchObject(refused('supportAddresses'));
    expect(await call('PATCH', '/settings/email', { forwardingAddresses: 'help@brand.test' })).toMatchObject(refused('forwardingAddresses'));
    expect(await call('PATCH', '/settings/email', { forwardingAddresses: [''] })).toMatchObject(refused('forwardingAddresses'));
    expect((await call('GET', '/settings/email')).body).toMatchObject({ supportAddresses: [], forwardingAddresses: [] });
  });

  it('refuses wrong types, out-of-range numbers and meaningless empty strings in web chat settings', async () => {
    for (const visitorTokenTtlHours of [-1, 0, 1.5, '24', 24 * 90 + 1, true]) {
      expect(await call('PATCH', '/settings/web-chat', { visitorTokenTtlHours })).toMatchObject(refused('visitorTokenTtlHours'));
    }
    expect(await call('PATCH', '/settings/web-chat', { followUpFromAddress: '' })).toMatchObject(refused('followUpFromAddress'));
    expect(await call('PATCH', '/settings/web-chat', { onlineAutoResponse: 42 })).toMatchObject(refused('onlineAutoResponse'));
    expect(await call('PATCH', '/settings/web-chat', { officeHours: 'always' })).toMatchObject(refused('officeHours'));
    expect(await call('PATCH', '/settings/web-chat', { officeHours: { timeZone: 'Europe/Berlin' } })).toMatchObject(refused('officeHours.weekly'));
    expect(await call('PATCH', '/settings/web-chat', { officeHours: { timeZone: 'Europe/Berlin', weekly: [{ day: 1, opens: '09:00' }] } })).toMatchObject(
      refused('officeHours.weekly.0.closes'),
    );
    expect(await call('PATCH', '/settings/web-chat', { officeHours: { timeZone: 'Europe/Berlin', weekly: [], extra: 1 } })).toMatchObject(refused('officeHours.extra'));
    expect(await call('PATCH', '/settings/web-chat', { visitorTokenTtlHours: 48, officeHours: null, onlineAutoResponse: null })).toMatchObject({
      status: 200,
      body: { visitorTokenTtlHours: 48, officeHours: null, onlineAutoResponse: null },
    });
    const hours = { timeZone: 'Europe/Berlin', weekly: [{ day: 1, opens: '09:00', closes: '17:00' }], exceptions: [{ date: '2026-12-25', closed: true }] };
    expect(await call('PATCH', '/settings/web-chat', { officeHours: hours })).toMatchObject({ status: 200, body: { officeHours: hours } });
  });

  it('refuses null where it means nothing in SMS settings, and empty or blank texts', async () => {
    for (const field of ['optOutKeywords', 'helpText', 'autoResponder', 'teamNotificationsEnabled', 'teamNotificationRecipients', 'linkShorteningEnabled', 'attributionWindowHours']) {
      expect(await call('PATCH', '/settings/sms', { [field]: null })).toMatchObject(refused(field));
    }
    expect(await call('PATCH', '/settings/sms', { autoResponder: { enabled: null } })).toMatchObject(refused('autoResponder.enabled'));
    expect(await call('PATCH', '/settings/sms', { autoResponder: { template: '   ' } })).toMatchObject(refused('autoResponder.template'));
    expect(await call('PATCH', '/settings/sms', { helpText: '   ' })).toMatchObject(refused('helpText'));
    expect(await call('PATCH', '/settings/sms', { optOutKeywords: [] })).toMatchObject(refused('optOutKeywords'));
    expect(await call('PATCH', '/settings/sms', { attributionWindowHours: -5 })).toMatchObject(refused('attributionWindowHours'));
    expect(await call('PATCH', '/settings/sms', { organizationPrefix: null, contactEmail: null })).toMatchObject({ status: 200, body: { organizationPrefix: null, contactEmail: null } });
    const sms = (await call('GET', '/settings/sms')).body;
    expect(sms).toMatchObject({ helpText: expect.stringContaining('STOP'), attributionWindowHours: 24, teamNotificationsEnabled: false });
    expect(sms.optOutKeywords.length).toBeGreaterThan(0);
  });

  it('takes the default for a stored value that is not valid', async () => {
    await stack.orm.em
      .fork()
      .execute(`UPDATE accounts SET settings = '{"unreadNotificationEnabled":null,"webChat":{"visitorTokenTtlHours":null},"email":{"forwardingAddresses":null}}'::jsonb WHERE id = ?`, [
        brand.accountId,
      ]);
    expect((await call('GET', '/settings')).body).toEqual({ unreadNotificationEnabled: true });
    expect((await call('GET', '/settings/web-chat')).body.visitorTokenTtlHours).toBe(7 * 24);
    expect((await call('GET', '/settings/email')).body.forwardingAddresses).toEqual([]);
    expect(await call('PATCH', '/settings/email', { forwardingAddresses: ['help@brand.test'] })).toMatchObject({ status: 200, body: { forwardingAddresses: ['help@brand.test'] } });
  });
});
