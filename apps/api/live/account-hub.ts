import type { Orm } from '../../../libs/persistence/orm.js';
import { createLogger } from '../../../libs/logger/logger.js';

const log = createLogger('live');

/** Rows read per query when a hub catches up. */
const PAGE = 500;
/** A hub whose read failed (the database went away) tries again after this, unless the listener's reconnect pokes it first. */
const RETRY_AFTER_FAILURE_MS = 1000;

export type LiveEventKind = 'ticket' | 'message' | 'read';

/** One row of `live_events`: what the stream sends as `id: <id>`, `event: <kind>`, `data: <payload>`. */
export interface LiveEvent {
  id: bigint;
  kind: LiveEventKind;
  ticketId: string | null;
  payload: Record<string, unknown>;
}

interface LiveEventRow {
  id: string;
  kind: LiveEventKind;
  ticket_id: string | null;
  payload: Record<string, unknown>;
}

/** A subscriber of an account's hub: gets the hub's events in id order, each once per hub. */
export interface LiveSink {
  deliver(events: readonly LiveEvent[]): void;
}

/** The reads of `live_events`, through the ORM's pool. */
export class LiveEventStore {
  constructor(private readonly orm: Orm) {}

  /** The account's events after `afterId` (and up to `upTo`), in id order. */
  async after(accountId: string, afterId: bigint, limit: number, upTo?: bigint): Promise<LiveEvent[]> {
    const rows = await this.orm.em.fork().execute<LiveEventRow[]>(
      `SELECT id, kind, ticket_id, payload FROM live_events
       WHERE account_id = ? AND id > ?${upTo === undefined ? '' : ' AND id <= ?'} ORDER BY id LIMIT ${limit}`,
      upTo === undefined ? [accountId, afterId.toString()] : [accountId, afterId.toString(), upTo.toString()],
    );
    return rows.map((row) => ({ id: BigInt(row.id), kind: row.kind, ticketId: row.ticket_id, payload: row.payload }));
  }

  /** The account's highest id (0 without events) and the highest id housekeeping has deleted. */
  async position(accountId: string): Promise<{ maxId: bigint; purgedThrough: bigint }> {
    const [row] = await this.orm.em.fork().execute<{ max_id: string; purged_through: string }[]>(
      `SELECT COALESCE((SELECT max(id) FROM live_events WHERE account_id = ?), 0) AS max_id,
              COALESCE((SELECT purged_through FROM live_events_retention), 0) AS purged_through`,
      [accountId],
    );
    return { maxId: BigInt(row?.max_id ?? 0), purgedThrough: BigInt(row?.purged_through ?? 0) };
  }
}

/**
 * The subscribers of one account in this API process, and the account's cursor: on each notification (and
 * after the listener reconnected) it reads the account's rows after its cursor, in pages, and hands them to
 * every subscriber. Reads never overlap; a notification during a read makes it read again. Because the
 * triggers assign an account's ids in commit order (migration 0017), `id > cursor` never skips a row.
 */
export class AccountHub {
  readonly subscribers = new Set<LiveSink>();
  /** The highest id handed out; set once from the account's max id when the hub is made. */
  private cursor = 0n;
  private readonly initialised: Promise<void>;
  private reading = false;
  private readAgain = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly accountId: string,
    private readonly store: LiveEventStore,
  ) {
    this.initialised = store.position(accountId).then(({ maxId }) => {
      this.cursor = maxId;
    });
    // A failed start is the joiner's error (it answers 503); the hub is then dropped.
    this.initialised.catch(() => undefined);
  }

  /** Resolves once the hub knows where the account is: from then on it hands every later row to its subscribers. */
  ready(): Promise<void> {
    return this.initialised;
  }

  /** New rows may be there (a notification, or a reconnect). */
  poke(): void {
    if (this.closed) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    void this.read();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
  }

  private async read(): Promise<void> {
    this.reading = true;
    clearTimeout(this.retryTimer);
    try {
      await this.initialised;
      do {
        this.readAgain = false;
        for (;;) {
          const events = await this.store.after(this.accountId, this.cursor, PAGE);
          if (this.closed) return;
          if (events.length > 0) {
            // Cursor and hand-out in one synchronous step: a subscriber that joined before this line gets these rows.
            this.cursor = events.at(-1)!.id;
            for (const subscriber of [...this.subscribers]) subscriber.deliver(events);
          }
          if (events.length < PAGE) break;
        }
      } while (this.readAgain && !this.closed);
    } catch (error) {
      log.debug('live events: could not read an account\'s new events; trying again', { accountId: this.accountId, error: (error as Error).message });
      if (!this.closed) {
        this.retryTimer = setTimeout(() => this.poke(), RETRY_AFTER_FAILURE_MS);
        this.retryTimer.unref();
      }
    } finally {
      this.reading = false;
    }
  }
}
