import { describe, expect, it } from '@jest/globals';
import { DEFAULT_ACCOUNT_SETTINGS, resolveAccountSettings } from '../../../libs/domain/account-settings.js';

describe('resolveAccountSettings', () => {
  it('gives the defaults for an account that stored nothing', () => {
    expect(resolveAccountSettings(null)).toEqual(DEFAULT_ACCOUNT_SETTINGS);
    expect(resolveAccountSettings({})).toEqual(DEFAULT_ACCOUNT_SETTINGS);
  });

  it('lets stored values win over defaults', () => {
    expect(resolveAccountSettings({ unreadNotificationEnabled: false }).unreadNotificationEnabled).toBe(false);
  });

  it('merges a stored section key by key over its default section', () => {
    const resolved = resolveAccountSettings({ webChat: { visitorTokenTtlHours: 12 }, email: { senderName: 'Acme Support' } });
    expect(resolved.webChat).toEqual({ ...DEFAULT_ACCOUNT_SETTINGS.webChat, visitorTokenTtlHours: 12 });
    expect(resolved.email).toEqual({ ...DEFAULT_ACCOUNT_SETTINGS.email, senderName: 'Acme Support' });
  });

  it('takes the default for a stored value of the wrong type, null where it means nothing, or out of range', () => {
    const resolved = resolveAccountSettings({
      unreadNotificationEnabled: null,
      webChat: { visitorTokenTtlHours: null, onlineAutoResponse: 42, officeHours: { timeZone: 'Nowhere/Else', weekly: [], exceptions: [] } },
      email: { forwardingAddresses: null, supportAddresses: 'a@b.test', signature: null },
      sms: { attributionWindowHours: -1, helpText: '  ', optOutKeywords: [], autoResponder: { enabled: 'yes' }, linkShorteningEnabled: 'true' },
    });
    expect(resolved).toEqual(DEFAULT_ACCOUNT_SETTINGS);
    for (const visitorTokenTtlHours of [0, 1.5, 24 * 90 + 1, '24']) {
      expect(resolveAccountSettings({ webChat: { visitorTokenTtlHours } }).webChat.visitorTokenTtlHours).toBe(7 * 24);
    }
  });

  it('keeps the nullable values that mean "the default" and valid office hours', () => {
    const officeHours = { timeZone: 'Europe/Berlin', weekly: [{ day: 1, opens: '09:00', closes: '17:00' }], exceptions: [] };
    const resolved = resolveAccountSettings({ webChat: { officeHours, followUpFromAddress: null }, sms: { contactEmail: null, organizationPrefix: 'ACME' } });
    expect(resolved.webChat.officeHours).toEqual(officeHours);
    expect(resolved.sms).toMatchObject({ contactEmail: null, organizationPrefix: 'ACME' });
  });

  it('gives a section that is not an object its defaults, and only the documented keys', () => {
    const resolved = resolveAccountSettings({ sms: 'off', webChat: [1], email: { supportAddresses: ['s@b.test'], extra: true }, stray: 1 });
    expect(resolved.sms).toEqual(DEFAULT_ACCOUNT_SETTINGS.sms);
    expect(resolved.webChat).toEqual(DEFAULT_ACCOUNT_SETTINGS.webChat);
    expect(resolved.email).toEqual({ ...DEFAULT_ACCOUNT_SETTINGS.email, supportAddresses: ['s@b.test'] });
    expect(Object.keys(resolved).sort()).toEqual(['csat', 'email', 'sms', 'unreadNotificationEnabled', 'webChat']);
  });

  it('resolves the SMS auto-responder key by key', () => {
    const { autoResponder } = resolveAccountSettings({ sms: { autoResponder: { enabled: true, audience: 'nobody', template: 'Hi {{unknown}}' } } }).sms;
    expect(autoResponder).toEqual({ ...DEFAULT_ACCOUNT_SETTINGS.sms.autoResponder, enabled: true });
  });

  it('never hands out the defaults themselves, so a caller cannot change them', () => {
    const resolved = resolveAccountSettings({});
    resolved.sms.optOutKeywords.push('NOPE');
    resolved.sms.autoResponder.enabled = true;
    expect(DEFAULT_ACCOUNT_SETTINGS.sms.optOutKeywords).not.toContain('NOPE');
    expect(DEFAULT_ACCOUNT_SETTINGS.sms.autoResponder.enabled).toBe(false);
  });
});

describe('the CSAT section', () => {
  it('is off by default and takes its default for a stored value it cannot use, key by key', () => {
    expect(resolveAccountSettings({}).csat).toEqual({ enabledChannels: [], resendAfterDays: 7, question: 'How would you rate the help you received?' });
    const resolved = resolveAccountSettings({ csat: { enabledChannels: ['email', 'fax'], resendAfterDays: 30, question: '  ' } }).csat;
    expect(resolved).toEqual({ enabledChannels: [], resendAfterDays: 30, question: 'How would you rate the help you received?' });
    expect(resolveAccountSettings({ csat: { enabledChannels: ['sms', 'email'] } }).csat.enabledChannels).toEqual(['sms', 'email']);
  });
});
