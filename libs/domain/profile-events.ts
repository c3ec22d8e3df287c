import { normalisePhoneNumber } from './phone.js';

/**
 * A profile's events (SPEC §6): what an integration says a person did ("Placed Order", "Viewed
 * Product"), each with its own unique id so that a retry is one event. Each event of a batch is
 * accepted or refused on its own, by these rules; pure, so the reasons are the same everywhere.
 */
export const MAX_EVENTS_PER_REQUEST = 1000;
export const MAX_METRIC_LENGTH = 200;
export const MAX_UNIQUE_ID_LENGTH = 200;
export const MAX_EXTERNAL_ID_LENGTH = 200;
/** Serialized JSON of an event's properties. */
export const MAX_PROPERTIES_BYTES = 16 * 1024;
/** Clock skew tolerated for an event said to happen in the future. */
export const FUTURE_EVENT_TOLERANCE_MS = 5 * 60 * 1000;

export interface ProfileEventInput {
  uniqueId?: unknown;
  metric?: unknown;
  profile?: unknown;
  time?: unknown;
  value?: unknown;
  properties?: unknown;
}

/** How the event names its person; at least one, normalised (E.164 phone, lower-cased email). */
export interface EventProfileIdentifiers {
  externalId: string | null;
  email: string | null;
  phone: string | null;
}

export interface ValidProfileEvent {
  uniqueId: string;
  metric: string;
  profile: EventProfileIdentifiers;
  occurredAt: string;
  value: number | null;
  properties: Record<string, unknown>;
}

export type EventVerdict = { ok: true; event: ValidProfileEvent } | { ok: false; field: string; reason: string };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const refuse = (field: string, reason: string): EventVerdict => ({ ok: false, field, reason });
const nonEmptyString = (value: unknown, max: number): value is string => typeof value === 'string' && value.trim().length > 0 && value.length <= max;

/** Accepts an event, normalised, or says which field is wrong and why. `now` bounds events said to be in the future. */
export function validateProfileEvent(input: ProfileEventInput, now: string): EventVerdict {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return refuse('', 'each event must be an object');
  if (!nonEmptyString(input.uniqueId, MAX_UNIQUE_ID_LENGTH)) return refuse('uniqueId', `uniqueId is required: 1 to ${MAX_UNIQUE_ID_LENGTH} characters that make a retry the same event`);
  if (!nonEmptyString(input.metric, MAX_METRIC_LENGTH)) return refuse('metric', `metric is required: the name of what happened, 1 to ${MAX_METRIC_LENGTH} characters`);

  const profile = input.profile;
  if (profile === null || typeof profile !== 'object' || Array.isArray(profile)) return refuse('profile', 'profile is required: an object with email, phone or externalId');
  const { email, phone, externalId } = profile as Record<string, unknown>;
  const identifiers: EventProfileIdentifiers = { externalId: null, email: null, phone: null };
  if (externalId !== undefined && externalId !== null) {
    if (!nonEmptyString(externalId, MAX_EXTERNAL_ID_LENGTH)) return refuse('profile.externalId', `profile.externalId must be 1 to ${MAX_EXTERNAL_ID_LENGTH} characters`);
    identifiers.externalId = externalId.trim();
  }
  if (email !== undefined && email !== null) {
    if (typeof email !== 'string' || email.length > 320 || !EMAIL.test(email.trim())) return refuse('profile.email', 'profile.email must be an email address');
    identifiers.email = email.trim().toLowerCase();
  }
  if (phone !== undefined && phone !== null) {
    if (typeof phone !== 'string') return refuse('profile.phone', 'profile.phone must be a string');
    const normalised = normalisePhoneNumber(phone);
    if (!normalised.ok) return refuse('profile.phone', `profile.phone: ${normalised.message}`);
    identifiers.phone = normalised.e164;
  }
  if (!identifiers.externalId && !identifiers.email && !identifiers.phone) return refuse('profile', 'profile needs at least one of email, phone or externalId');

  if (typeof input.time !== 'string' || !ISO_DATE_TIME.test(input.time) || Number.isNaN(Date.parse(input.time))) {
    return refuse('time', 'time is required: an ISO 8601 date-time with a UTC offset');
  }
  const occurredAt = new Date(input.time);
  if (occurredAt.getTime() > Date.parse(now) + FUTURE_EVENT_TOLERANCE_MS) return refuse('time', 'time is in the future');
  if (occurredAt.getUTCFullYear() < 1970) return refuse('time', 'time is before 1970');

  let value: number | null = null;
  if (input.value !== undefined && input.value !== null) {
    if (typeof input.value !== 'number' || !Number.isFinite(input.value) || Math.abs(input.value) > 1e12) return refuse('value', 'value must be a finite number (e.g. the order total)');
    value = input.value;
  }

  let properties: Record<string, unknown> = {};
  if (input.properties !== undefined && input.properties !== null) {
    if (typeof input.properties !== 'object' || Array.isArray(input.properties)) return refuse('properties', 'properties must be an object');
    if (new TextEncoder().encode(JSON.stringify(input.properties)).length > MAX_PROPERTIES_BYTES) return refuse('properties', `properties must be at most ${MAX_PROPERTIES_BYTES} bytes of JSON`);
    properties = input.properties as Record<string, unknown>;
  }
  return { ok: true, event: { uniqueId: input.uniqueId.trim(), metric: input.metric.trim(), profile: identifiers, occurredAt: occurredAt.toISOString(), value, properties } };
}
