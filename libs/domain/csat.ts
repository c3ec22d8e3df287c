import type { Channel } from './channel-policy.js';
import type { TicketState, Transition } from './ticket.js';
import { canReplyBySms, type SmsConsent } from './sms-consent.js';

/**
 * Customer satisfaction surveys (docs/service-levels.md, "CSAT"). Pure: whether a closed ticket sends one, and
 * what it says. After a close, the survey goes out on the ticket's channel (a link by email, a text by SMS only
 * with consent, a message with the rating link in the chat), unless the channel's survey is off or the ticket
 * already sent one within the configured time (a reopen and a second close do not survey twice).
 */
export interface CsatSettings {
  /** The channels whose closed tickets send a survey; none by default. */
  enabledChannels: Channel[];
  /** A ticket sends no second survey within this many days of its last one (0: every close surveys). */
  resendAfterDays: number;
  /** The question the survey asks, above the 1–5 rating. */
  question: string;
}

export const DEFAULT_CSAT_SETTINGS: CsatSettings = {
  enabledChannels: [],
  resendAfterDays: 7,
  question: 'How would you rate the help you received?',
};

export const MAX_CSAT_RESEND_AFTER_DAYS = 365;
export const MAX_CSAT_QUESTION_LENGTH = 300;
export const MAX_CSAT_COMMENT_LENGTH = 2000;
export const CSAT_SCORES = [1, 2, 3, 4, 5] as const;

export type CsatSkipReason = 'disabled' | 'no_consent' | 'recently_surveyed' | 'no_recipient';

export type CsatDecision = { send: true } | { send: false; reason: CsatSkipReason };

export interface CsatFacts {
  settings: CsatSettings;
  channel: Channel;
  closedAt: string;
  /** When the ticket last sent a survey, or null. */
  lastSurveySentAt: string | null;
  /** SMS: the number's consent (texts go only to numbers that gave it). */
  smsConsent: SmsConsent | null;
  /** The channel knows where to send it (an email address, a phone number; a chat always). */
  hasRecipient: boolean;
}

export function decideCsatSurvey(facts: CsatFacts): CsatDecision {
  if (!facts.settings.enabledChannels.includes(facts.channel)) return { send: false, reason: 'disabled' };
  if (!facts.hasRecipient) return { send: false, reason: 'no_recipient' };
  if (facts.channel === 'sms' && !(facts.smsConsent && canReplyBySms(facts.smsConsent))) return { send: false, reason: 'no_consent' };
  const windowMs = facts.settings.resendAfterDays * 86_400_000;
  if (facts.lastSurveySentAt !== null && Date.parse(facts.closedAt) - Date.parse(facts.lastSurveySentAt) < windowMs) return { send: false, reason: 'recently_surveyed' };
  return { send: true };
}

/** The survey's message on its channel: the question and the link where the customer rates 1–5 and comments. */
export function csatSurveyText(channel: Channel, question: string, link: string): string {
  if (channel === 'sms') return `${question} Rate us from 1 to 5: ${link}`;
  return `${question}\n\nRate us from 1 (poor) to 5 (excellent), and tell us more if you like:\n${link}`;
}

export function isCsatScore(value: unknown): value is (typeof CSAT_SCORES)[number] {
  return typeof value === 'number' && (CSAT_SCORES as readonly number[]).includes(value);
}

/**
 * The ticket records the decision (sent, or why not) as a `csat_survey` event; a survey sent is also the
 * ticket's newest message (an automated one: the activity stores its text, which holds the link).
 */
export function csatSurveyTransition(state: TicketState, survey: { surveyId: string; messageId: string; decision: CsatDecision }, now: string): Transition {
  const sent = survey.decision.send;
  const next: TicketState = sent ? { ...state, lastMessageId: survey.messageId, messageCount: state.messageCount + 1 } : state;
  const detail = { surveyId: survey.surveyId, sent, reason: survey.decision.send ? null : survey.decision.reason, messageId: sent ? survey.messageId : null };
  return { state: { ...next, updatedAt: now, version: state.version + 1 }, events: [{ type: 'csat_survey', at: now, actorUserId: null, detail }] };
}

/** The survey a survey message of this ticket asks (csatSurveyIds inverted), or null for any other message. */
export function csatSurveyIdOfMessage(ticketId: string, messageId: string): string | null {
  const prefix = `csat-${ticketId}-`;
  const version = messageId.startsWith(prefix) ? messageId.slice(prefix.length) : '';
  return /^\d+$/.test(version) ? `${ticketId}:csat:${version}` : null;
}

/** Deterministic ids, so a retried close never sends two: the survey and its message are named by the close's version. */
export function csatSurveyIds(ticketId: string, closeVersion: number): { surveyId: string; messageId: string } {
  return { surveyId: `${ticketId}:csat:${closeVersion}`, messageId: `csat-${ticketId}-${closeVersion}` };
}
