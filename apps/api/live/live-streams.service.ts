import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AppConfig } from '../../../libs/config/config.js';
import { createLogger } from '../../../libs/logger/logger.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import type { AgentPrincipal } from '../auth/principal.js';
import { ApiError } from '../common/api-error.js';
import { UnreadBadgeService, type UnreadBadge } from '../inbox/unread-badge.service.js';
import { APP_CONFIG, ORM } from '../tokens.js';
import { AccountHub, LiveEventStore, type LiveEvent, type LiveSink } from './account-hub.js';
import { LiveEventsListener } from './live-events.listener.js';

const log = createLogger('live');

/** A catch-up longer than this is a `reset`: the client refetches instead. */
export const MAX_REPLAY = 1000;
/** How long a new stream waits for the listener before it answers 503. */
const LISTENER_READY_TIMEOUT_MS = 2500;
const KEEPALIVE_MS = 20_000;
const UNREAD_DEBOUNCE_MS = 150;
/** A client this far behind (bytes not yet taken by the socket) is cut off; it resumes with Last-Event-ID. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const CLIENT_RETRY_MS = 2000;

const UNAVAILABLE_MESSAGE = 'the database is not reachable right now (restarting?); the stream is safe to retry (with Last-Event-ID it resumes)';

/** One open GET /me/stream: buffers the hub's events until its catch-up is written, then writes them live. */
class LiveStream implements LiveSink {
  /** Events from the hub while the catch-up runs; null once live. */
  private buffer: LiveEvent[] | null = [];
  /** Every id up to this one has been written (or stood for by a reset). */
  private lastSentId = 0n;
  private keepAlive: NodeJS.Timeout | undefined;
  private unreadTimer: NodeJS.Timeout | undefined;
  private lastUnread: string | undefined;
  private ended = false;
  private begun = false;

  constructor(
    readonly principal: AgentPrincipal,
    private readonly response: Response,
    private readonly unread: () => Promise<UnreadBadge>,
    private readonly onEnd: (stream: LiveStream) => void,
  ) {}

  deliver(events: readonly LiveEvent[]): void {
    if (this.ended) return;
    if (this.buffer) {
      this.buffer.push(...events);
      return;
    }
    this.writeEvents(events);
  }

  /** Headers, `retry:`, what the catch-up decided, the unread badge; then the buffered events and live ones. */
  begin(start: { resetTo?: bigint; idOnly?: bigint; replay?: readonly LiveEvent[]; sentUpTo: bigint }, unread: UnreadBadge): void {
    const response = this.response;
    this.begun = true;
    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-cache, no-transform');
    response.setHeader('X-Accel-Buffering', 'no');
    response.setHeader('Connection', 'keep-alive');
    response.flushHeaders();
    let head = `retry: ${CLIENT_RETRY_MS}\n\n`;
    // An id without data dispatches nothing but sets the EventSource's last event id: the point to resume from.
    if (start.idOnly !== undefined) head += `id: ${start.idOnly}\n\n`;
    if (start.resetTo !== undefined) head += `id: ${start.resetTo}\nevent: reset\ndata: {}\n\n`;
    this.write(head);
    this.writeEvents(start.replay ?? []);
    this.lastSentId = start.sentUpTo > this.lastSentId ? start.sentUpTo : this.lastSentId;
    this.writeUnread(unread);
    const buffered = this.buffer ?? [];
    this.buffer = null;
    this.writeEvents(buffered);
    this.keepAlive = setInterval(() => this.write(': keep-alive\n\n'), KEEPALIVE_MS);
    this.keepAlive.unref();
  }

  /** Leaves the hub; ends the response once the stream has begun (before that the error answer is still to come). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.keepAlive);
    clearTimeout(this.unreadTimer);
    this.buffer = null;
    this.onEnd(this);
    if (this.begun && !this.response.writableEnded) this.response.end();
  }

  private writeEvents(events: readonly LiveEvent[]): void {
    let chunk = '';
    let unreadMayChange = false;
    for (const event of events) {
      if (event.id <= this.lastSentId) continue;
      this.lastSentId = event.id;
      chunk += `id: ${event.id}\nevent: ${event.kind}\ndata: ${JSON.stringify(event.payload)}\n\n`;
      if (event.kind === 'ticket' || event.kind === 'read') unreadMayChange = true;
    }
    if (chunk) this.write(chunk);
    if (unreadMayChange) this.scheduleUnread();
  }

  private scheduleUnread(): void {
    if (this.unreadTimer || this.ended) return;
    this.unreadTimer = setTimeout(() => {
      this.unreadTimer = undefined;
      this.unread().then(
        (unread) => this.writeUnread(unread),
        // The database went away for a moment: the next ticket or read event computes it again.
        (error: unknown) => log.debug('live events: could not compute the unread count', { error: (error as Error).message }),
      );
    }, UNREAD_DEBOUNCE_MS);
    this.unreadTimer.unref();
  }

  /** `unread` carries no id: it is computed, not replayed; written when it changed. */
  private writeUnread(unread: UnreadBadge): void {
    const data = JSON.stringify({ count: unread.count, enabled: unread.enabled });
    if (data === this.lastUnread) return;
    this.lastUnread = data;
    this.write(`event: unread\ndata: ${data}\n\n`);
  }

  private write(chunk: string): void {
    if (this.ended) return;
    this.response.write(chunk);
    if (this.response.writableLength > MAX_BUFFERED_BYTES) {
      log.warn('live events: a client does not keep up; ending its stream (it resumes with Last-Event-ID)', { accountId: this.principal.accountId });
      this.end();
    }
  }
}

/**
 * GET /me/stream (docs/architecture.md, "Live updates"): the process's listener, a hub per account with open
 * streams, and the streams themselves.
 */
@Injectable()
export class LiveStreamsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly store: LiveEventStore;
  private readonly listener: LiveEventsListener;
  private readonly hubs = new Map<string, AccountHub>();
  private readonly streams = new Set<LiveStream>();
  private closing = false;

  constructor(
    @Inject(ORM) orm: Orm,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly unreadBadge: UnreadBadgeService,
  ) {
    this.store = new LiveEventStore(orm);
    // The ORM's own URL (which the start-up took from DATABASE_URL or the embedded PostgreSQL), so both reach one database.
    const connectionString = (orm.config.get('clientUrl') as string | undefined) ?? config.database.url;
    this.listener = new LiveEventsListener({
      connectionString: connectionString ?? '',
      onNotification: (accountId) => this.hubs.get(accountId)?.poke(),
      onListening: () => {
        for (const hub of this.hubs.values()) hub.poke();
      },
    });
  }

  onApplicationBootstrap(): void {
    this.listener.start();
  }

  /** Ends every open stream (clients reconnect to another process, or to this one once it is back) and the listener. */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    for (const stream of [...this.streams]) stream.end();
    for (const hub of this.hubs.values()) hub.close();
    this.hubs.clear();
    await this.listener.stop();
  }

  /** Parses Last-Event-ID (header, or `?lastEventId=` for EventSource's first connect): digits only. */
  static parseLastEventId(header: string | undefined, query: string | undefined): bigint | undefined {
    const value = (header ?? '').trim() || (query ?? '').trim();
    if (!value) return undefined;
    if (!/^\d{1,19}$/.test(value)) throw ApiError.badRequest('Last-Event-ID must be an event id from this stream (digits)', 'lastEventId');
    return BigInt(value);
  }

  /**
   * Opens a stream. Everything that needs the database runs before the headers, so a failure is an ordinary
   * error answer (503). The order makes the resume exact: join the hub first (its events are buffered),
   * then read the catch-up, then write the buffer without the ids already written; a commit between the
   * catch-up and the join cannot fall between the two.
   */
  async open(principal: AgentPrincipal, lastEventId: bigint | undefined, request: Request, response: Response): Promise<void> {
    if (this.closing) throw ApiError.unavailable('the API is shutting down; reconnect (with Last-Event-ID it resumes)');
    if (!(await this.listener.ready(LISTENER_READY_TIMEOUT_MS))) throw ApiError.unavailable(UNAVAILABLE_MESSAGE);
    const unread = () => this.unreadBadge.of(principal.accountId, principal.user.id);
    const stream = new LiveStream(principal, response, unread, (ended) => this.leave(ended));
    const hub = await this.join(stream);
    let start: Parameters<LiveStream['begin']>[0];
    let unreadNow: UnreadBadge;
    try {
      const { maxId, purgedThrough } = await this.store.position(principal.accountId);
      // Where the account is: past its last event and past everything housekeeping deleted (no event of this
      // account can still get an id at or below either), so a client resuming from here is never reset for nothing.
      const current = maxId > purgedThrough ? maxId : purgedThrough;
      if (lastEventId === undefined) {
        start = { idOnly: current, sentUpTo: current };
      } else if (lastEventId < purgedThrough || lastEventId > current) {
        // Older than what is kept, or not an id of this database: the client refetches everything.
        start = { resetTo: current, sentUpTo: current };
      } else {
        const replay = await this.store.after(principal.accountId, lastEventId, MAX_REPLAY + 1, maxId);
        start = replay.length > MAX_REPLAY ? { resetTo: current, sentUpTo: current } : { replay, sentUpTo: current };
      }
      unreadNow = await unread();
    } catch (error) {
      stream.end();
      throw error;
    }
    if (this.closing) {
      stream.end();
      throw ApiError.unavailable('the API is shutting down; reconnect (with Last-Event-ID it resumes)');
    }
    if (request.destroyed) {
      stream.end();
      return;
    }
    request.on('close', () => stream.end());
    response.on('close', () => stream.end());
    response.on('error', () => stream.end());
    stream.begin(start, unreadNow);
    log.debug('live events: stream opened', { accountId: principal.accountId, hubSubscribers: hub.subscribers.size });
  }

  private async join(stream: LiveStream): Promise<AccountHub> {
    const { accountId } = stream.principal;
    let hub = this.hubs.get(accountId);
    if (!hub) {
      hub = new AccountHub(accountId, this.store);
      this.hubs.set(accountId, hub);
    }
    hub.subscribers.add(stream);
    this.streams.add(stream);
    try {
      await hub.ready();
    } catch (error) {
      // The hub could not learn where the account is: drop it, so the next stream makes a new one.
      if (this.hubs.get(accountId) === hub) this.hubs.delete(accountId);
      hub.close();
      stream.end();
      throw error;
    }
    return hub;
  }

  private leave(stream: LiveStream): void {
    this.streams.delete(stream);
    const { accountId } = stream.principal;
    const hub = this.hubs.get(accountId);
    if (!hub) return;
    hub.subscribers.delete(stream);
    if (hub.subscribers.size === 0) {
      hub.close();
      this.hubs.delete(accountId);
    }
  }
}
