/**
 * The API's rate limits (docs/operations.md, "Rate limits"): each is a count per fixed window, and each
 * can be set with its environment variable as `<count>/<seconds>`, for example `RATE_LIMIT_CHAT_STARTS_PER_IP=20/60`.
 *
 * The defaults are set from what one honest client does, with room to spare:
 * - a visitor starts one conversation per visit, and a few more after reloads or from an office behind one
 *   address; a script starting hundreds is not a visitor;
 * - a person types at most a message every couple of seconds, so 30 a minute in one conversation is generous;
 * - an account's widget is shared by all its visitors, so its limits are two orders of magnitude higher and
 *   only stop a flood spread over many addresses;
 * - an integration token is a machine: 1,200 a minute (20 a second) is near what one worker ingests (docs/benchmarks.md);
 * - failed sign-ins (docs/team-access.md) count only failures: a person mistyping does so a few times, so 10 per
 *   email address in 15 minutes stops guessing at about 1,000 passwords a day while the real owner waits at most
 *   15 minutes (the window) and is never locked out for good; a success resets the address's counter. An account
 *   takes 100 failures per 15 minutes over all its addresses, which only a spread-out guessing run reaches;
 * - a person asks for a password reset once, maybe again when the mail is slow: 3 an hour per address keeps the
 *   endpoint from mailing anyone repeatedly (it counts whether or not the address exists, so it tells nothing),
 *   and 20 an hour per client address stops a script walking through addresses;
 * - a customer answers a satisfaction survey once, maybe changes the answer: 30 page loads and answers a minute per
 *   client address leaves room for a shared office address and stops a script trying survey tokens.
 */
export const RATE_LIMIT_DEFAULTS = {
  chatStartsPerIp: { variable: 'RATE_LIMIT_CHAT_STARTS_PER_IP', limit: 10, windowSeconds: 60 },
  chatStartsPerAccount: { variable: 'RATE_LIMIT_CHAT_STARTS_PER_ACCOUNT', limit: 600, windowSeconds: 60 },
  chatMessagesPerConversation: { variable: 'RATE_LIMIT_CHAT_MESSAGES_PER_CONVERSATION', limit: 30, windowSeconds: 60 },
  chatMessagesPerIp: { variable: 'RATE_LIMIT_CHAT_MESSAGES_PER_IP', limit: 120, windowSeconds: 60 },
  chatMessagesPerAccount: { variable: 'RATE_LIMIT_CHAT_MESSAGES_PER_ACCOUNT', limit: 3000, windowSeconds: 60 },
  integrationPerToken: { variable: 'RATE_LIMIT_INTEGRATION_PER_TOKEN', limit: 1200, windowSeconds: 60 },
  signInFailuresPerEmail: { variable: 'RATE_LIMIT_SIGN_IN_FAILURES_PER_EMAIL', limit: 10, windowSeconds: 900 },
  signInFailuresPerAccount: { variable: 'RATE_LIMIT_SIGN_IN_FAILURES_PER_ACCOUNT', limit: 100, windowSeconds: 900 },
  passwordResetsPerEmail: { variable: 'RATE_LIMIT_PASSWORD_RESETS_PER_EMAIL', limit: 3, windowSeconds: 3600 },
  passwordResetsPerIp: { variable: 'RATE_LIMIT_PASSWORD_RESETS_PER_IP', limit: 20, windowSeconds: 3600 },
  csatAnswersPerIp: { variable: 'RATE_LIMIT_CSAT_ANSWERS_PER_IP', limit: 30, windowSeconds: 60 },
} as const;

export type RateLimitName = keyof typeof RATE_LIMIT_DEFAULTS;
export const RATE_LIMIT_NAMES = Object.keys(RATE_LIMIT_DEFAULTS) as RateLimitName[];

/** Limits that count failed sign-ins by an explicit key (address, account) rather than a request per route. */
export type FailureLimitName = 'signInFailuresPerEmail' | 'signInFailuresPerAccount';
export type RequestRateLimitName = Exclude<RateLimitName, FailureLimitName>;

export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

/** `<count>/<seconds>`, both positive integers; null when the text is not of that form. */
export function parseRateLimit(text: string): RateLimit | null {
  const match = /^(\d{1,9})\s*\/\s*(\d{1,7})$/.exec(text.trim());
  if (!match) return null;
  const [limit, windowSeconds] = [Number(match[1]), Number(match[2])];
  return limit >= 1 && windowSeconds >= 1 ? { limit, windowSeconds } : null;
}
