import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Request } from 'express';
import pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { AppConfig } from '../../../libs/config/config.js';
import { RATE_LIMIT_NAMES, type FailureLimitName, type RateLimitName, type RequestRateLimitName } from '../../../libs/config/rate-limits.js';
import { createLogger } from '../../../libs/logger/logger.js';
import { verifyVisitorToken } from '../../../libs/web-chat/visitor-token.js';
import { APP_CONFIG } from '../tokens.js';

const log = createLogger('rate-limits');

/** The table of migration 0011, in the schema rate-limiter-flexible reads and writes. */
const COUNTERS_TABLE = 'rate_limit_counters';

type Tracker = (request: Request, config: AppConfig) => string;

const clientAddress: Tracker = (request) => request.ip ?? request.socket.remoteAddress ?? 'unknown';
const bearerToken = (request: Request): string | undefined =>
  /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1] ?? (typeof request.query['token'] === 'string' ? request.query['token'] : undefined);

/**
 * Who each limit counts. Trackers run before validation, so they read the raw request defensively; a
 * visitor's account is taken from a verified token only, so nobody can spend another account's allowance.
 */
const TRACKERS: Record<RequestRateLimitName, Tracker> = {
  chatStartsPerIp: clientAddress,
  chatStartsPerAccount: (request) => {
    const accountId: unknown = (request.body as Record<string, unknown> | undefined)?.['accountId'];
    return typeof accountId === 'string' ? accountId : 'invalid';
  },
  chatMessagesPerConversation: (request) => String(request.params['conversationId']),
  chatMessagesPerIp: clientAddress,
  chatMessagesPerAccount: (request, config) => {
    const token = bearerToken(request);
    const check = token && config.chatTokenSecret ? verifyVisitorToken(config.chatTokenSecret, token) : null;
    return check?.ok ? check.claims.accountId : 'unauthenticated';
  },
  integrationPerToken: (request) => bearerToken(request) ?? 'unauthenticated',
  passwordResetsPerEmail: (request) => {
    const email: unknown = (request.body as Record<string, unknown> | undefined)?.['email'];
    return typeof email === 'string' ? email.trim().toLowerCase() : 'invalid';
  },
  passwordResetsPerIp: clientAddress,
  csatAnswersPerIp: clientAddress,
};

export type RateLimitVerdict = { allowed: true } | { allowed: false; limit: RateLimitName; retryAfterSeconds: number; detail: string };

const hashedKey = (text: string): string => createHash('sha256').update(text).digest('base64url');

/**
 * The API's rate limits (libs/config/rate-limits.ts) as fixed windows counted in PostgreSQL by
 * rate-limiter-flexible, so every API process counts against the same allowance. Should PostgreSQL fail,
 * each process goes on counting in memory (the library's insurance limiter) rather than refusing everyone.
 */
@Injectable()
export class RateLimiters implements OnModuleDestroy {
  private readonly pool: pg.Pool;
  private readonly limiters: Record<RateLimitName, RateLimiterPostgres>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.pool = new pg.Pool({ connectionString: config.database.url, max: 4, connectionTimeoutMillis: 2000 });
    // An idle connection dropped by a PostgreSQL restart must not bring the process down; the next query reconnects.
    this.pool.on('error', (error) => log.warn('rate-limit connection lost', { error: error.message }));
    this.limiters = Object.fromEntries(
      RATE_LIMIT_NAMES.map((name) => {
        const { limit: points, windowSeconds: duration } = config.rateLimits[name];
        const limiter = new RateLimiterPostgres({
          storeClient: this.pool,
          storeType: 'pool',
          tableName: COUNTERS_TABLE,
          tableCreated: true,
          keyPrefix: name,
          points,
          duration,
          insuranceLimiter: new RateLimiterMemory({ keyPrefix: name, points, duration }),
        });
        return [name, limiter];
      }),
    ) as Record<RateLimitName, RateLimiterPostgres>;
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }

  /** Counts the request against each limit in turn; the first one it is over refuses it (and the later ones do not count it). */
  async consume(request: Request, limits: readonly RequestRateLimitName[]): Promise<RateLimitVerdict> {
    for (const name of limits) {
      // Keys hold a hash: no raw token or address is stored.
      const key = hashedKey(TRACKERS[name](request, this.config));
      try {
        await this.limiters[name].consume(key);
      } catch (refusal) {
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
        const { limit, windowSeconds } = this.config.rateLimits[name];
        return { allowed: false, limit: name, retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)), detail: `at most ${limit} per ${windowSeconds} s` };
      }
    }
    return { allowed: true };
  }

  /**
   * Failure counters (failed sign-ins): a key over its limit is refused until its window ends, so nobody is
   * locked out for longer than the window. Only failures count (failed()), and a success can clear the key.
   */
  async failuresRefusal(name: FailureLimitName, key: string): Promise<RateLimitVerdict> {
    const state = await this.limiters[name].get(hashedKey(key));
    const { limit, windowSeconds } = this.config.rateLimits[name];
    if (!state || state.consumedPoints < limit) return { allowed: true };
    return { allowed: false, limit: name, retryAfterSeconds: Math.max(1, Math.ceil(state.msBeforeNext / 1000)), detail: `at most ${limit} failures per ${windowSeconds} s` };
  }

  async failed(name: FailureLimitName, key: string): Promise<void> {
    try {
      await this.limiters[name].consume(hashedKey(key));
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
    }
  }

  async clearFailures(name: FailureLimitName, key: string): Promise<void> {
    await this.limiters[name].delete(hashedKey(key));
  }
}
