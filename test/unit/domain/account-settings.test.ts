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
    const defaults = DEFAULT_ACCOUNT_SETTINGS as unknown as Record<string, unknown>;
    defaults.example = { a: 1, b: 2 };
    try {
      expect((resolveAccountSettings({ example: { b: 3 } }) as unknown as Record<string, unknown>).example).toEqual({ a: 1, b: 3 });
    } finally {
      delete defaults.example;
    }
  });
});
