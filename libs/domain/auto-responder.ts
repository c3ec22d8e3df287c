/** The SMS auto-responder: what is sent when someone texts without a keyword (SPEC §7). */

import { normalisePhoneNumber } from './phone.js';
import { type SmsConsent } from './sms-consent.js';

export type SmsAutoResponderAudience = 'everyone' | 'non_consented';

export interface SmsAutoResponderSettings {
  enabled: boolean;
  audience: SmsAutoResponderAudience;
  template: string;
}

export interface AutoResponderTemplateValues {
  organizationPrefix: string;
  email: string;
}

export const DEFAULT_SMS_AUTO_RESPONDER_TEMPLATE =
  "{{organization_prefix}}: We can't respond because you have not consented to receive SMS. For help, reach us at {{email}}.";

/** Off until an admin turns it on; the recommended audience is preselected. */
export const DEFAULT_SMS_AUTO_RESPONDER_SETTINGS: Readonly<SmsAutoResponderSettings> = Object.freeze({
  enabled: false,
  audience: 'non_consented',
  template: DEFAULT_SMS_AUTO_RESPONDER_TEMPLATE,
});

/**
 * Product rule: a sender gets at most one auto-response per 24 hours, however
 * many texts they send, so a chatty customer or a misbehaving bot is not
 * flooded (and we do not pay for a flood).
 */
export const DEFAULT_AUTO_RESPONSE_MIN_INTERVAL_MS = 24 * 60 * 60 * 1000;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** "organization prefix" (as the spec writes it), "Organization_Prefix" and "organization_prefix" are one name. */
function canonicalPlaceholderName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_]+/g, '_');
}

function placeholderValue(name: string, values: AutoResponderTemplateValues): string | undefined {
  switch (canonicalPlaceholderName(name)) {
    case 'organization_prefix':
      return values.organizationPrefix;
    case 'email':
      return values.email;
    default:
      return undefined;
  }
}

/**
 * Replaces `{{organization_prefix}}` and `{{email}}` in one pass (a value that
 * itself contains "{{email}}" is not expanded again). Unknown placeholders are
 * left as written so that a preview shows the mistake; saving such a template
 * is refused by `validateAutoResponderTemplate`.
 */
export function renderAutoResponderTemplate(template: string, values: AutoResponderTemplateValues): string {
  return template.replace(PLACEHOLDER, (whole: string, name: string) => placeholderValue(name, values) ?? whole);
}

export function validateAutoResponderTemplate(template: string): string[] {
  if (template.trim() === '') return ['The auto-responder text is empty.'];
  const sample: AutoResponderTemplateValues = { organizationPrefix: '', email: '' };
  const unknown = [...template.matchAll(PLACEHOLDER)]
    .filter((match) => placeholderValue(match[1] ?? '', sample) === undefined)
    .map((match) => match[0]);
  return [...new Set(unknown)].map(
    (placeholder) =>
      `Unknown placeholder ${placeholder}; use {{organization_prefix}} or {{email}}.`,
  );
}

export type SmsAutoResponseReason = 'disabled' | 'own_number' | 'audience_excludes_consented' | 'rate_limited' | 'sent';

export type SmsAutoResponseDecision =
  | { send: true; text: string; reason: 'sent' }
  | { send: false; reason: Exclude<SmsAutoResponseReason, 'sent'> };

export interface SmsAutoResponseInput {
  settings: Readonly<SmsAutoResponderSettings>;
  consent: SmsConsent;
  senderNumber: string;
  /** The account's own SMS numbers. */
  ownNumbers: readonly string[];
  /** ISO 8601 instant of the last auto-response to this sender, if any. */
  lastAutoResponseAt: string | null;
  /** ISO 8601 instant from the workflow's deterministic clock. */
  now: string;
  minIntervalMs?: number;
  templateValues: AutoResponderTemplateValues;
}

function comparableNumber(value: string): string {
  const normalised = normalisePhoneNumber(value);
  return normalised.ok ? normalised.e164 : value.trim().toLowerCase();
}

function parseInstant(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`${field} is not a valid ISO 8601 instant: "${iso}"`);
  return ms;
}

/**
 * Decides whether a non-keyword inbound text gets an auto-response; the caller
 * has already ruled out keywords. The checks run in a fixed order so that the
 * audit shows the first rule that stopped the response.
 */
export function decideSmsAutoResponse(input: SmsAutoResponseInput): SmsAutoResponseDecision {
  const minIntervalMs = input.minIntervalMs ?? DEFAULT_AUTO_RESPONSE_MIN_INTERVAL_MS;
  if (!Number.isFinite(minIntervalMs) || minIntervalMs < 0) {
    throw new RangeError(`minIntervalMs must be a non-negative number of milliseconds, got ${minIntervalMs}`);
  }
  const now = parseInstant(input.now, 'now');

  if (!input.settings.enabled) return { send: false, reason: 'disabled' };

  // Loop guard: replying to one of our own numbers could bounce texts back and forth for ever.
  const sender = comparableNumber(input.senderNumber);
  if (input.ownNumbers.some((own) => comparableNumber(own) === sender)) {
    return { send: false, reason: 'own_number' };
  }

  if (input.settings.audience === 'non_consented' && input.consent !== 'none') {
    return { send: false, reason: 'audience_excludes_consented' };
  }

  if (input.lastAutoResponseAt !== null) {
    const last = parseInstant(input.lastAutoResponseAt, 'lastAutoResponseAt');
    if (now - last < minIntervalMs) return { send: false, reason: 'rate_limited' };
  }

  const text = renderAutoResponderTemplate(input.settings.template, input.templateValues);
  // An empty text is a template with nothing to say, i.e. effectively switched off.
  if (text.trim() === '') return { send: false, reason: 'disabled' };
  return { send: true, text, reason: 'sent' };
}
