import { DEFAULT_ATTRIBUTION_WINDOW_MS } from './attribution.js';
import { DEFAULT_SMS_AUTO_RESPONDER_SETTINGS, validateAutoResponderTemplate, type SmsAutoResponderAudience, type SmsAutoResponderSettings } from './auto-responder.js';
import { isChannel } from './channel-policy.js';
import { DEFAULT_CSAT_SETTINGS, MAX_CSAT_QUESTION_LENGTH, MAX_CSAT_RESEND_AFTER_DAYS, type CsatSettings } from './csat.js';
import { validateOfficeHours, type OfficeHours } from './office-hours.js';
import { DEFAULT_SMS_KEYWORDS } from './sms-keywords.js';

/**
 * Per-account settings (SPEC §7), stored as one JSON document per account. Each channel owns a
 * section; a section missing from storage (or a key missing from a section, or a stored value that is
 * not valid) takes its default (`resolveAccountSettings`).
 */
export interface AccountSettings {
  /** General: the unread badge for agents. */
  unreadNotificationEnabled: boolean;
  email: EmailSettings;
  sms: SmsSettings;
  webChat: WebChatSettings;
  csat: CsatSettings;
}

/** Web chat (SPEC §7): office hours, the auto-responses they choose between, the offline follow-up. */
export interface WebChatSettings {
  /** From of the offline follow-up email; the first email support address (then MAIL_FROM) when null. */
  followUpFromAddress: string | null;
  /** Weekly schedule in an IANA time zone with exceptions; null: the team always counts as online. */
  officeHours: OfficeHours | null;
  /** A business-hours calendar of the account (docs/service-levels.md) that gives the office hours instead; it wins over officeHours. */
  officeHoursCalendarId: string | null;
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
  officeHoursCalendarId: null,
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
  csat: DEFAULT_CSAT_SETTINGS,
};

export const SMS_AUTO_RESPONDER_AUDIENCES: readonly SmsAutoResponderAudience[] = ['everyone', 'non_consented'];

type Stored = { [key: string]: unknown };

const isSection = (value: unknown): value is Stored => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether a stored value is one the code can use; a value that is not takes the key's default. */
type Check = (value: unknown) => boolean;

const isBoolean: Check = (value) => typeof value === 'boolean';
const isText: Check = (value) => typeof value === 'string' && value.trim() !== '';
const isNullableText: Check = (value) => value === null || typeof value === 'string';
const isTextList: Check = (value) => Array.isArray(value) && value.every((item) => typeof item === 'string' && item.trim() !== '');
const isIntegerIn =
  (min: number, max: number): Check =>
  (value) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
const isOfficeHours: Check = (value) => {
  if (value === null) return true;
  if (!isSection(value)) return false;
  try {
    return validateOfficeHours(value as unknown as OfficeHours).length === 0;
  } catch {
    return false;
  }
};

/** Limits shared with the PATCH bodies that write them. */
export const MAX_VISITOR_TOKEN_TTL_HOURS = 24 * 90;
export const MAX_ATTRIBUTION_WINDOW_HOURS = 720;

type Schema<T> = { [K in keyof T]: Check };

const AUTO_RESPONDER_SCHEMA: Schema<SmsAutoResponderSettings> = {
  enabled: isBoolean,
  audience: (value) => SMS_AUTO_RESPONDER_AUDIENCES.includes(value as SmsAutoResponderAudience),
  template: (value) => typeof value === 'string' && validateAutoResponderTemplate(value).length === 0,
};

const WEB_CHAT_SCHEMA: Schema<WebChatSettings> = {
  followUpFromAddress: isNullableText,
  officeHours: isOfficeHours,
  officeHoursCalendarId: (value) => value === null || isText(value),
  onlineAutoResponse: isNullableText,
  offlineAutoResponse: isNullableText,
  visitorTokenTtlHours: isIntegerIn(1, MAX_VISITOR_TOKEN_TTL_HOURS),
};

const CSAT_SCHEMA: Schema<CsatSettings> = {
  enabledChannels: (value) => Array.isArray(value) && value.every(isChannel) && new Set(value).size === value.length,
  resendAfterDays: isIntegerIn(0, MAX_CSAT_RESEND_AFTER_DAYS),
  question: (value) => isText(value) && (value as string).length <= MAX_CSAT_QUESTION_LENGTH,
};

const EMAIL_SCHEMA: Schema<EmailSettings> = {
  supportAddresses: isTextList,
  forwardingAddresses: isTextList,
  senderName: isNullableText,
  signature: isNullableText,
};

const SMS_SCHEMA: Schema<SmsSettings> = {
  optOutKeywords: (value) => isTextList(value) && (value as string[]).length > 0,
  optInKeywords: isTextList,
  helpKeywords: isTextList,
  helpText: isText,
  autoResponder: isSection, // then key by key: AUTO_RESPONDER_SCHEMA
  organizationPrefix: isNullableText,
  contactEmail: isNullableText,
  teamNotificationsEnabled: isBoolean,
  teamNotificationRecipients: isTextList,
  linkShorteningEnabled: isBoolean,
  attributionWindowHours: isIntegerIn(1, MAX_ATTRIBUTION_WINDOW_HOURS),
};

function resolveSection<T extends object>(schema: Schema<T>, defaults: T, stored: unknown): T {
  const source: Stored = isSection(stored) ? stored : {};
  const resolved: Stored = {};
  for (const [key, check] of Object.entries(schema) as [string, Check][]) {
    const value = source[key];
    resolved[key] = value !== undefined && check(value) ? value : structuredClone((defaults as Stored)[key]);
  }
  return resolved as T;
}

function resolveSmsSection(stored: unknown): SmsSettings {
  const sms = resolveSection(SMS_SCHEMA, DEFAULT_ACCOUNT_SETTINGS.sms, stored);
  return { ...sms, autoResponder: resolveSection(AUTO_RESPONDER_SCHEMA, DEFAULT_ACCOUNT_SETTINGS.sms.autoResponder, sms.autoResponder) };
}

/**
 * Defaults overlaid with what is stored, key by key (one level deep into each section). Only known keys
 * are read, and a stored value of the wrong type or out of range (written before the PATCH bodies refused
 * it, or by hand) takes that key's default, so the result always matches the documented schema.
 */
export function resolveAccountSettings(stored: Stored | null | undefined): AccountSettings {
  const source: Stored = stored ?? {};
  return {
    unreadNotificationEnabled: isBoolean(source.unreadNotificationEnabled) ? (source.unreadNotificationEnabled as boolean) : DEFAULT_ACCOUNT_SETTINGS.unreadNotificationEnabled,
    email: resolveSection(EMAIL_SCHEMA, DEFAULT_ACCOUNT_SETTINGS.email, source.email),
    sms: resolveSmsSection(source.sms),
    webChat: resolveSection(WEB_CHAT_SCHEMA, DEFAULT_ACCOUNT_SETTINGS.webChat, source.webChat),
    csat: resolveSection(CSAT_SCHEMA, DEFAULT_ACCOUNT_SETTINGS.csat, source.csat),
  };
}
