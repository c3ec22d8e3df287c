import pg from 'pg';
import { createLogger } from '../../../libs/logger/logger.js';

const log = createLogger('live');

/** The channel the triggers of migration 0017 notify, with the account id as payload. */
export const LIVE_EVENTS_CHANNEL = 'live_events';
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 5000;
const CONNECT_TIMEOUT_MS = 3000;

export interface LiveEventsListenerOptions {
  connectionString: string;
  /** A commit of this account added live events. */
  onNotification(accountId: string): void;
  /** (Re)connected and listening: notifications sent while it was away are lost, so every reader catches up. */
  onListening(): void;
}

/**
 * The API process's one dedicated connection (not from the pool: a pooled connection would lose its LISTEN)
 * that LISTENs on `live_events`. When PostgreSQL goes away it reconnects with backoff (0.5 s doubling to 5 s);
 * `ready()` tells whether it listens right now, waiting briefly, so the stream can answer 503 instead of hanging.
 */
export class LiveEventsListener {
  private client: pg.Client | undefined;
  private attempt: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs = FIRST_RETRY_MS;
  private stopped = false;
  private failing = false;
  private readonly waiters = new Set<(listening: boolean) => void>();

  constructor(private readonly options: LiveEventsListenerOptions) {}

  get listening(): boolean {
    return this.client !== undefined;
  }

  start(): void {
    void this.connect();
  }

  /** True once it listens; false after `timeoutMs` without a connection (an attempt is made at once if none is under way). */
  async ready(timeoutMs: number): Promise<boolean> {
    if (this.client) return true;
    if (this.stopped) return false;
    if (!this.attempt) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      void this.connect();
    }
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => settle(false), timeoutMs);
      const settle = (listening: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(settle);
        resolve(listening);
      };
      this.waiters.add(settle);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    for (const settle of [...this.waiters]) settle(false);
    await this.attempt;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<void> {
    if (this.stopped || this.client) return Promise.resolve();
    this.attempt ??= this.attemptConnection().finally(() => {
      this.attempt = undefined;
    });
    return this.attempt;
  }

  private async attemptConnection(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.connectionString, application_name: 'inbox-live-events', connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      if (message.channel === LIVE_EVENTS_CHANNEL && message.payload) this.options.onNotification(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${LIVE_EVENTS_CHANNEL}`);
    } catch (error) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
      this.retryLater(error);
      return;
    }
    if (this.stopped) {
      client.removeAllListeners();
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryMs = FIRST_RETRY_MS;
    if (this.failing) log.info('live events: listening again');
    this.failing = false;
    for (const settle of [...this.waiters]) settle(true);
    this.options.onListening();
  }

  private lost(client: pg.Client, error?: Error): void {
    if (client !== this.client) return;
    this.client = undefined;
    client.removeAllListeners();
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    if (!this.stopped) this.retryLater(error ?? new Error('connection ended'));
  }

  private retryLater(error: unknown): void {
    if (this.stopped) return;
    if (!this.failing) log.warn('live events: lost the database connection, reconnecting', { error: (error as Error)?.message });
    this.failing = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }
}
