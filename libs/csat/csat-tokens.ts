import { createHash, createHmac } from 'node:crypto';

/**
 * A survey's link token: keyed by the deployment's secret and the survey id, so the activity that sends the
 * survey makes the same link when it is retried, and nobody can guess another survey's. Only its SHA-256 is
 * stored (csat_surveys.token_hash): a leaked table gives no links.
 */
export function csatToken(secret: string, surveyId: string): string {
  return createHmac('sha256', secret).update(`csat:${surveyId}`).digest('base64url');
}

export function hashCsatToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Where the customer answers: the API serves the survey page there (GET and POST). */
export function csatLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/csat/${token}`;
}
