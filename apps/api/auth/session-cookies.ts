import { createHash, timingSafeEqual } from 'node:crypto';
import { parseCookie, stringifySetCookie } from 'cookie';
import type { Request, Response } from 'express';
import type { AppConfig } from '../../../libs/config/config.js';
import { SESSION_ABSOLUTE_MS, type NewSession } from '../../../libs/accounts/team-access.service.js';

/** The session cookie: HttpOnly, so page scripts never see it. */
export const SESSION_COOKIE = 'inbox_session';
/** The CSRF cookie of the double-submit check: readable by the page, which echoes it in CSRF_HEADER. */
export const CSRF_COOKIE = 'inbox_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  return parseCookie(header)[name];
}

function cookieBase(config: AppConfig) {
  return { path: '/', sameSite: 'lax' as const, secure: config.publicUrl.startsWith('https:') };
}

/** Sets both cookies of a new session; they live as long as the session's absolute expiry. */
export function setSessionCookies(response: Response, config: AppConfig, session: NewSession): void {
  const maxAge = Math.floor(SESSION_ABSOLUTE_MS / 1000);
  response.append('Set-Cookie', stringifySetCookie({ name: SESSION_COOKIE, value: session.sessionToken, ...cookieBase(config), httpOnly: true, maxAge }));
  response.append('Set-Cookie', stringifySetCookie({ name: CSRF_COOKIE, value: session.csrfToken, ...cookieBase(config), httpOnly: false, maxAge }));
}

export function clearSessionCookies(response: Response, config: AppConfig): void {
  response.append('Set-Cookie', stringifySetCookie({ name: SESSION_COOKIE, value: '', ...cookieBase(config), httpOnly: true, maxAge: 0 }));
  response.append('Set-Cookie', stringifySetCookie({ name: CSRF_COOKIE, value: '', ...cookieBase(config), httpOnly: false, maxAge: 0 }));
}

/**
 * The double-submit check: the header must repeat the CSRF cookie, and the value must be the one issued
 * with this session (so a cookie planted by a sibling subdomain does not pass). Null when it passes.
 */
export function csrfRefusal(request: Request, sessionCsrfHash: string): 'csrf_token_missing' | 'csrf_token_mismatch' | null {
  const header = request.headers[CSRF_HEADER];
  const sent = Array.isArray(header) ? header[0] : header;
  if (!sent) return 'csrf_token_missing';
  const cookie = readCookie(request, CSRF_COOKIE);
  const sentHash = Buffer.from(createHash('sha256').update(sent).digest('hex'));
  const expected = Buffer.from(sessionCsrfHash);
  if (cookie !== sent || sentHash.length !== expected.length || !timingSafeEqual(sentHash, expected)) return 'csrf_token_mismatch';
  return null;
}
