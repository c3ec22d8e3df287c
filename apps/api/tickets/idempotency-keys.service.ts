import { createHash } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Orm } from '../../../libs/persistence/orm.js';
import { ApiError } from '../common/api-error.js';
import { ORM } from '../tokens.js';

/** The request header, as named in errors (`field`) and in the OpenAPI document. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
/** A key is remembered this long; after it, the same key names a new request (docs/api.md). */
export const IDEMPOTENCY_KEY_RETENTION_MS = 24 * 60 * 60 * 1000;
const MAX_KEY_LENGTH = 255;

export interface KeyOwner {
  accountId: string;
  userId: string;
}

/** The ticket's refusal of a keyed action (409 action_refused), answered again to every retry. */
export interface RememberedRefusal {
  message: string;
  field?: string;
  /** A reply the collision guard refused (409 conversation_changed): what had changed. */
  changes?: unknown[];
}

/** What a key stands for: one request on one ticket, the action id it became, and the ticket's refusal if it refused it. */
export interface ClaimedKey {
  ticketId: string;
  actionId: string;
  fingerprint: string;
  refusal: RememberedRefusal | null;
}

/** JSON with object keys sorted at every level, so equal requests always hash alike. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, field]) => `${JSON.stringify(name)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/**
 * Idempotency-Keys of agent actions (table idempotency_keys). A key belongs to its user; it names one
 * request (the fingerprint: ticket and action as sent) and the action id that request became, so a
 * retry is the same Temporal update and a key reused for another request is refused.
 */
@Injectable()
export class IdempotencyKeysService {
  constructor(@Inject(ORM) private readonly orm: Orm) {}

  /** 400 unless the header is usable as a key. */
  assertUsable(key: string): void {
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
      throw ApiError.badRequest(`${IDEMPOTENCY_KEY_HEADER} must be 1 to ${MAX_KEY_LENGTH} characters`, IDEMPOTENCY_KEY_HEADER);
    }
  }

  /** sha256 of the ticket id and the action as the client sent it, in canonical JSON. */
  fingerprint(ticketId: string, action: unknown): string {
    return sha256(canonicalJson({ ticketId, action })).toString('hex');
  }

  /** The key as currently remembered (not older than the retention), or null. */
  async find(owner: KeyOwner, key: string): Promise<ClaimedKey | null> {
    const [row] = await this.orm.em.fork().execute<{ ticket_id: string; action_id: string; request_fingerprint: string; refusal: RememberedRefusal | null }[]>(
      `SELECT ticket_id, action_id, request_fingerprint, refusal FROM idempotency_keys
       WHERE account_id = ? AND user_id = ? AND key = ? AND created_at > ?`,
      [owner.accountId, owner.userId, key, new Date(Date.now() - IDEMPOTENCY_KEY_RETENTION_MS)],
    );
    return row ? { ticketId: row.ticket_id, actionId: row.action_id, fingerprint: row.request_fingerprint, refusal: row.refusal } : null;
  }

  /** The ticket refused the key's action: retries with the key get the same answer. */
  async rememberRefusal(owner: KeyOwner, key: string, actionId: string, refusal: RememberedRefusal): Promise<void> {
    await this.orm.em.fork().execute(
      'UPDATE idempotency_keys SET refusal = ? WHERE account_id = ? AND user_id = ? AND key = ? AND action_id = ?',
      [JSON.stringify(refusal), owner.accountId, owner.userId, key, actionId],
    );
  }

  /**
   * Takes the key for this request, overwriting a row past the retention. When a concurrent request
   * holds the key already, returns what it holds (the caller compares fingerprints).
   * The action id is a hash of account, user and key, and of when the key was taken, so a key used
   * again after the retention names a new action rather than the old one Temporal may still remember.
   */
  async claim(owner: KeyOwner, key: string, request: { ticketId: string; fingerprint: string }): Promise<ClaimedKey> {
    for (;;) {
      const claimedAt = new Date();
      const actionId = `act-${sha256(`${owner.accountId}\n${owner.userId}\n${key}\n${claimedAt.toISOString()}`).toString('base64url').slice(0, 32)}`;
      const [taken] = await this.orm.em.fork().execute<{ action_id: string }[]>(
        `INSERT INTO idempotency_keys (account_id, user_id, key, request_fingerprint, ticket_id, action_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (account_id, user_id, key) DO UPDATE
           SET request_fingerprint = EXCLUDED.request_fingerprint, ticket_id = EXCLUDED.ticket_id,
               action_id = EXCLUDED.action_id, created_at = EXCLUDED.created_at
           WHERE idempotency_keys.created_at <= ?
         RETURNING action_id`,
        [owner.accountId, owner.userId, key, request.fingerprint, request.ticketId, actionId, claimedAt, new Date(claimedAt.getTime() - IDEMPOTENCY_KEY_RETENTION_MS)],
      );
      if (taken) return { ticketId: request.ticketId, actionId: taken.action_id, fingerprint: request.fingerprint, refusal: null };
      const held = await this.find(owner, key);
      if (held) return held;
      // the row that was in the way expired in between: take it now
    }
  }

  /** 422 when the key already names another request. */
  assertSameRequest(claimed: ClaimedKey, fingerprint: string): void {
    if (claimed.fingerprint !== fingerprint) {
      throw new ApiError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'idempotency_key_reused',
        `this ${IDEMPOTENCY_KEY_HEADER} was used for another request (another ticket, action or fields); use a new key for a new request`,
        IDEMPOTENCY_KEY_HEADER,
      );
    }
  }
}
