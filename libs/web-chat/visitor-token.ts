import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A visitor token names one chat conversation of one account and is signed with CHAT_TOKEN_SECRET
 * (HMAC-SHA256), so a visitor can read and write only the conversation they were given; the ids in it
 * are random and the signature, not their secrecy, is what protects the conversation.
 *
 * Format: base64url(JSON claims) "." base64url(HMAC over the first part).
 */
export interface VisitorClaims {
  accountId: string;
  conversationId: string;
  visitorId: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

const sign = (secret: string, payload: string) => createHmac('sha256', secret).update(`visitor-token.${payload}`).digest('base64url');

export function issueVisitorToken(secret: string, claims: Omit<VisitorClaims, 'exp'>, ttlMs: number, now = Date.now()): { token: string; expiresAt: string } {
  const exp = Math.floor((now + ttlMs) / 1000);
  const payload = Buffer.from(JSON.stringify({ ...claims, exp })).toString('base64url');
  return { token: `${payload}.${sign(secret, payload)}`, expiresAt: new Date(exp * 1000).toISOString() };
}

export type VisitorTokenCheck = { ok: true; claims: VisitorClaims } | { ok: false; reason: string };

export function verifyVisitorToken(secret: string, token: string, now = Date.now()): VisitorTokenCheck {
  const [payload, signature, ...rest] = token.split('.');
  if (!payload || !signature || rest.length > 0) return { ok: false, reason: 'the visitor token is malformed' };
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'the visitor token signature is invalid' };
  let claims: VisitorClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as VisitorClaims;
  } catch {
    return { ok: false, reason: 'the visitor token is malformed' };
  }
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now) return { ok: false, reason: 'the visitor token has expired; start a new conversation' };
  return { ok: true, claims };
}
