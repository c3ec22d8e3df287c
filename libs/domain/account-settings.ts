/** Per-account settings (SPEC §7). Stored as JSON; anything missing takes its default. */
export interface AccountSettings {
  /** General: the unread badge for agents. */
  unreadNotificationEnabled: boolean;
}

export const DEFAULT_ACCOUNT_SETTINGS: AccountSettings = {
  unreadNotificationEnabled: true,
};

export function resolveAccountSettings(stored: Partial<AccountSettings> | null | undefined): AccountSettings {
  return { ...DEFAULT_ACCOUNT_SETTINGS, ...(stored ?? {}) };
}
