/**
 * Per-account settings (SPEC §7), stored as one JSON document per account. Each channel owns a
 * section; a section missing from storage (or a key missing from a section) takes its default.
 */
export interface AccountSettings {
  /** General: the unread badge for agents. */
  unreadNotificationEnabled: boolean;
}

export const DEFAULT_ACCOUNT_SETTINGS: AccountSettings = {
  unreadNotificationEnabled: true,
};

type Stored = { [key: string]: unknown };

const isSection = (value: unknown): value is Stored => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Defaults overlaid with what is stored, section by section (one level deep). */
export function resolveAccountSettings(stored: Stored | null | undefined): AccountSettings {
  const resolved: Stored = { ...DEFAULT_ACCOUNT_SETTINGS };
  for (const [key, value] of Object.entries(stored ?? {})) {
    const fallback = resolved[key];
    resolved[key] = isSection(fallback) && isSection(value) ? { ...fallback, ...value } : value;
  }
  return resolved as unknown as AccountSettings;
}
