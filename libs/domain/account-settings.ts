import { DEFAULT_ATTRIBUTION_WINDOW_MS } from './attribution.js';
import { DEFAULT_SMS_AUTO_RESPONDER_SETTINGS, type SmsAutoResponderSettings } from './auto-responder.js';
import type { OfficeHours } from './office-hours.js';
import { DEFAULT_SMS_KEYWORDS } from './sms-keywords.js';

/**
 * Per-account settings (SPEC §7), stored as one JSON document per account. Each channel owns a
 * section; a section missing from storage (or a key missing from a section) takes its default.
 */
export interface AccountSettings {
  /** General: the unread badge for agents. */
  unreadNotificationEnabled: boolean;
  email: EmailSettings;
  sms: SmsSettings;
  webChat: WebChatSettings;
}

/** Web chat (SPEC §7): office hours, the auto-responses they choose between, the offline follow-up. */
export interface WebChatSettings {
  /** From of the offline follow-up email; the first email support address (then MAIL_FROM) when null. */
  followUpFromAddress: string | null;
  /** Weekly schedule in an IANA time zone with exceptions; null: the team always counts as online. */
  officeHours: OfficeHours | null;
  /** Posted in a new conversation within office hours; null or empty: nothing. */
  onlineAutoResponse: string | null;
  /** Posted in a new conversation outside office hours; null or empty: nothing. */
  offlineAutoResponse: string | null;
  /** How long a visitor token (the widget's key to its conversation) stays valid. */
  visitorTokenTtlHours: number;
}

export const DEFAULT_WEB_CHAT_SETTINGS: WebChatSettings = {
  followUpFromAddress: null,
  officeHours: null,
  onlineAutoResponse: null,
  offlineAutoResponse: null,
  visitorTokenTtlHours: 7 * 24,
};

/** Email channel (SPEC §7): where the brand's support mail arrives and how replies are signed. */
export interface EmailSettings {
  /** The brand's support addresses customers write to (lower-cased); replies go out from one of them. */
  supportAddresses: string[];
  /** Further addresses the ingress accepts for this account, e.g. the target of a forwarding rule or a group. */
  forwardingAddresses: string[];
  /** Display name of replies, e.g. "Acme Support". */
  senderName: string | null;
  /** Plain text appended to every agent reply. */
  signature: string | null;
}

/** SMS channel (SPEC §2, §7, §9). Twilio credentials and the inbox number live in `sms_channels`, not here. */
export interface SmsSettings {
  /** Consent keywords (SPEC §2), matched case- and whitespace-insensitively against the whole text. */
  optOutKeywords: string[];
  optInKeywords: string[];
  helpKeywords: string[];
  /** Answer to HELP/INFO. */
  helpText: string;
  autoResponder: SmsAutoResponderSettings;
  /** {{organization_prefix}} of the auto-responder; the account name when null. */
  organizationPrefix: string | null;
  /** {{email}} of the auto-responder; the first email support address when null. */
  contactEmail: string | null;
  /** Email the team about every new SMS message. */
  teamNotificationsEnabled: boolean;
  teamNotificationRecipients: string[];
  /** URLs in outbound SMS become short links served by the API (click counting). */
  linkShorteningEnabled: boolean;
  /** An inbound SMS is attributed to a campaign/flow send at most this long before it (SPEC §9). */
  attributionWindowHours: number;
}

export const DEFAULT_SMS_SETTINGS: SmsSettings = {
  optOutKeywords: [...DEFAULT_SMS_KEYWORDS.optOut],
  optInKeywords: [...DEFAULT_SMS_KEYWORDS.optIn],
  helpKeywords: [...DEFAULT_SMS_KEYWORDS.help],
  helpText: 'Reply STOP to unsubscribe, START to subscribe again. Msg & data rates may apply.',
  autoResponder: { ...DEFAULT_SMS_AUTO_RESPONDER_SETTINGS },
  organizationPrefix: null,
  contactEmail: null,
  teamNotificationsEnabled: false,
  teamNotificationRecipients: [],
  linkShorteningEnabled: false,
  attributionWindowHours: DEFAULT_ATTRIBUTION_WINDOW_MS / 3_600_000,
};

export const DEFAULT_ACCOUNT_SETTINGS: AccountSettings = {
  unreadNotificationEnabled: true,
  email: { supportAddresses: [], forwardingAddresses: [], senderName: null, signature: null },
  sms: DEFAULT_SMS_SETTINGS,
  webChat: DEFAULT_WEB_CHAT_SETTINGS,
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
