import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createHousekeepingActivities } from '../../activities/housekeeping.activities.js';
import type { ActivityDependencies } from '../../activities/dependencies.js';
import { LIVE_EVENTS_KEPT_MS } from '../../libs/domain/live-events.js';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { callApi } from '../support/http.js';
import { testServers } from '../support/servers.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/** One server-sent event as EventSource would dispatch it (`id` is the block's id, or the stream's last one). */
interface SseEvent {
  id: string | undefined;
  event: string;
  data: any;
}

/**
 * A small SSE client over fetch: parses `id:`, `event:`, `data:`, comments and `retry:` the way EventSource does
 * (an `id:` block without data sets the last event id and dispatches nothing). It never reconnects by itself.
 */
class SseClient {
  readonly events: SseEvent[] = [];
  lastEventId: string | undefined;
  retry: number | undefined;
  comments = 0;
  ended = false;
  private readonly abort = new AbortController();
  private done: Promise<void> = Promise.resolve();

  private constructor(readonly response: Response) {}

  static async open(baseUrl: string, token: string, options: { lastEventId?: string; viaQuery?: boolean } = {}): Promise<SseClient> {
    const query = options.lastEventId !== undefined && options.viaQuery ? `?lastEventId=${options.lastEventId}` : '';
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
    if (options.lastEventId !== undefined && !options.viaQuery) headers['last-event-id'] = options.lastEventId;
    const abort = new AbortController();
    const response = await fetch(`${baseUrl}/me/stream${query}`, { headers, signal: abort.signal });
    const client = new SseClient(response);
    Object.assign(client, { abort });
    client.lastEventId = options.lastEventId;
    if (response.status === 200) client.done = client.read();
    return client;
  }

  private async read(): Promise<void> {
    const decoder = new TextDecoder();
    let pending = '';
    try {
      for await (const chunk of this.response.body as unknown as AsyncIterable<Uint8Array>) {
        pending += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = pending.indexOf('\n\n')) >= 0) {
          this.block(pending.slice(0, end));
          pending = pending.slice(end + 2);
        }
      }
    } catch {
      // aborted by close()
    }
    this.ended = true;
  }

  private block(text: string): void {
    let event = 'message';
    const data: string[] = [];
    for (const line of text.split('\n')) {
      if (line.startsWith(':')) {
        this.comments++;
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') this.lastEventId = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'retry') this.retry = Number(value);
    }
    if (data.length === 0) return;
    this.events.push({ id: this.lastEventId, event, data: JSON.parse(data.join('\n')) });
  }

  of(kind: string, where: (data: any) => boolean = () => true): SseEvent[] {
    return this.events.filter((event) => event.event === kind && where(event.data));
  }

  /** The replayable events (with ids), in arrival order. */
  get replayable(): SseEvent[] {
    return this.events.filter((event) => ['ticket', 'message', 'read'].includes(event.event));
  }

  waitFor(kind: string, where: (data: any) => boolean, what: string): Promise<SseEvent> {
    return eventually(async () => this.of(kind, where)[0], what);
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}

describe('GET /me/stream: live updates from LISTEN/NOTIFY', () => {
  let stack: TestStack;
  let brand: TestAccount;
  let otherBrand: TestAccount;
  let sequence = 0;
  const clients: SseClient[] = [];

  beforeAll(async () => {
    stack = await startTestStack();
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
    otherBrand = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await stack?.stop();
  });

  const open = async (account: TestAccount, options: { lastEventId?: string; viaQuery?: boolean; role?: 'support' | 'owner' } = {}) => {
    const client = await SseClient.open(stack.baseUrl, account.tokens[options.role ?? 'support'], options);
    clients.push(client);
    expect(client.response.status).toBe(200);
    // Connected: the unread badge is the first event of every stream.
    await client.waitFor('unread', () => true, 'the first unread event');
    return client;
  };
  const sms = async (account: TestAccount, phone: string) => {
    const response = await callApi(stack.baseUrl, 'POST', '/integration/messages', {
      token: account.integrationToken,
      body: { channel: 'sms', externalId: `live-${++sequence}`, body: `hello ${sequence}`, sender: { phone } },
    });
    expect(response.status).toBe(202);
    return response.body as { ticketId: string; messageId: string };
  };
  const act = async (ticketId: string, action: string, body?: unknown, token = brand.tokens.support) => {
    const response = await callApi(stack.baseUrl, 'POST', `/tickets/${ticketId}/${action}`, { token, body });
    expect(response.status).toBeLessThan(300);
    return response.body;
  };
  const storedEvents = (accountId: string, afterId: string) =>
    stack.orm.em.fork().execute<{ id: string; kind: string; ticket_id: string }[]>(
      'SELECT id, kind, ticket_id FROM live_events WHERE account_id = ? AND id > ? ORDER BY id',
      [accountId, afterId],
    );
  const database = () => {
    const client = new pg.Client({ connectionString: stack.orm.config.get('clientUrl') as string });
    return client;
  };
  let firstTicketId: string;

  it('sends a new SMS ticket and its message to the account\'s agents only, as text/event-stream', async () => {
    const mine = await open(brand);
    const theirs = await open(otherBrand);
    expect(mine.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(mine.response.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(mine.response.headers.get('x-accel-buffering')).toBe('no');
    expect(mine.retry).toBe(2000);
    expect(mine.lastEventId).toMatch(/^\d+$/); // the point to resume from, without an event
    expect(mine.of('unread')[0]!.data).toEqual({ count: 0, enabled: true });

    const { ticketId, messageId } = await sms(brand, '+14155550101');
    firstTicketId = ticketId;
    const created = await mine.waitFor('ticket', (data) => data.ticketId === ticketId, 'the ticket event');
    expect(created.id).toMatch(/^\d+$/);
    expect(created.data).toEqual({
      ticketId, channel: 'sms', status: 'open', previousStatus: null, assigneeId: null, previousAssigneeId: null,
      tags: [], version: expect.any(Number), created: true, updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    const message = await mine.waitFor('message', (data) => data.messageId === messageId, 'the message event');
    expect(message.data).toEqual({ ticketId, messageId, direction: 'inbound', deliveryStatus: null, created: true });
    await mine.waitFor('unread', (data) => data.count === 1, 'the unread badge at 1');

    // The other account's agent sees its own ticket, and never this one.
    const theirTicket = await sms(otherBrand, '+14155550101');
    await theirs.waitFor('ticket', (data) => data.ticketId === theirTicket.ticketId, 'the other account\'s ticket');
    expect(theirs.replayable.filter((event) => event.data.ticketId === ticketId)).toEqual([]);
    expect(mine.replayable.filter((event) => event.data.ticketId === theirTicket.ticketId)).toEqual([]);
    await mine.close();
    await theirs.close();
  });

  it('sends assign and close with the previous and new values, and the unread badge when I read the ticket', async () => {
    const stream = await open(brand);
    const supportId = brand.users.support.id;
    await act(firstTicketId, 'assign', { assigneeId: 'me' });
    const assigned = await stream.waitFor('ticket', (data) => data.ticketId === firstTicketId && data.assigneeId === supportId, 'the assignment');
    expect(assigned.data).toMatchObject({ previousAssigneeId: null, assigneeId: supportId, status: 'open', previousStatus: 'open', created: false });

    await act(firstTicketId, 'read');
    const read = await stream.waitFor('read', (data) => data.ticketId === firstTicketId, 'the read event');
    expect(read.data).toEqual({ ticketId: firstTicketId, userId: supportId });
    await stream.waitFor('unread', (data) => data.count === 0, 'the unread badge back at 0');
    const unread = await callApi(stack.baseUrl, 'GET', '/me/unread-count', { token: brand.tokens.support });
    expect(stream.of('unread').at(-1)!.data).toEqual(unread.body);

    await act(firstTicketId, 'close');
    const closed = await stream.waitFor('ticket', (data) => data.ticketId === firstTicketId && data.status === 'closed', 'the close');
    expect(closed.data).toMatchObject({ previousStatus: 'open', status: 'closed', assigneeId: supportId, previousAssigneeId: supportId });
    const ids = stream.replayable.map((event) => BigInt(event.id!));
    expect([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(ids);
    await stream.close();
  });

  it('replays exactly the missed events in order after a reconnect with Last-Event-ID, then goes on live', async () => {
    const before = await open(brand);
    const resumeFrom = before.lastEventId!;
    await before.close();

    const { ticketId } = await sms(brand, '+14155550102');
    await eventually(async () => ((await storedEvents(brand.accountId, resumeFrom)).some((row) => row.kind === 'message') ? true : undefined), 'the new ticket stored');
    await act(ticketId, 'tags', { add: ['vip'] });
    await act(ticketId, 'assign', { assigneeId: 'me' });
    const missed = await storedEvents(brand.accountId, resumeFrom);
    expect(missed.length).toBeGreaterThanOrEqual(4);

    for (const viaQuery of [false, true]) {
      const after = await open(brand, { lastEventId: resumeFrom, viaQuery });
      await eventually(async () => (after.replayable.length >= missed.length ? true : undefined), 'the replay');
      expect(after.replayable.slice(0, missed.length).map((event) => [event.id, event.event])).toEqual(missed.map((row) => [row.id, row.kind]));
      expect(after.replayable.filter((event) => event.event === 'ticket').map((event) => event.data.tags)).toContainEqual(['vip']);
      if (viaQuery) {
        await act(ticketId, 'unassign');
        const live = await after.waitFor('ticket', (data) => data.ticketId === ticketId && data.assigneeId === null && data.previousAssigneeId !== null, 'the live unassign');
        expect(BigInt(live.id!)).toBeGreaterThan(BigInt(missed.at(-1)!.id));
        expect(new Set(after.replayable.map((event) => event.id)).size).toBe(after.replayable.length);
      }
      await after.close();
    }
  });

  it('misses nothing when transactions commit in another order than they wrote', async () => {
    const a = await sms(brand, '+14155550103');
    const b = await sms(brand, '+14155550104');
    for (const { messageId } of [a, b]) {
      await eventually(async () => ((await stack.orm.em.fork().execute('SELECT 1 FROM live_events WHERE payload->>\'messageId\' = ?', [messageId])).length > 0 ? true : undefined), 'the tickets stored');
    }
    // The SQL below moves updated_at years ahead: that tells its events from the workflow's own later writes.
    const ours = (event: SseEvent) => event.event === 'ticket' && [a.ticketId, b.ticketId].includes(event.data.ticketId) && Date.parse(event.data.updatedAt) > Date.now() + 365 * 86_400_000;
    const live = await open(brand);
    const seenBefore = live.lastEventId!;
    const firstOnly = await open(brand);

    const t1 = database();
    const t2 = database();
    await t1.connect();
    await t2.connect();
    try {
      await t1.query('BEGIN');
      await t1.query('UPDATE tickets SET updated_at = updated_at + interval \'5 years\' WHERE id = $1', [a.ticketId]);
      await t2.query('BEGIN');
      await t2.query('UPDATE tickets SET updated_at = updated_at + interval \'5 years\' WHERE id = $1', [b.ticketId]);
      await t2.query('COMMIT');
      const first = await eventually(async () => firstOnly.events.find(ours), 'the first commit');
      expect(first.data.ticketId).toBe(b.ticketId);
      await firstOnly.close();
      // Resumes from before both, while the first transaction is still open.
      const resumed = await open(brand, { lastEventId: seenBefore });
      await eventually(async () => resumed.events.find(ours), 'the replayed first commit');
      await t1.query('COMMIT');

      const reconnected = await open(brand, { lastEventId: first.id });
      for (const [client, name] of [[live, 'live'], [resumed, 'resumed'], [reconnected, 'reconnected']] as const) {
        const expected = client === reconnected ? [a.ticketId] : [b.ticketId, a.ticketId];
        const got = await eventually(async () => {
          const events = client.events.filter(ours);
          return events.length >= expected.length ? events : undefined;
        }, `both commits (${name})`);
        expect(got.map((event) => event.data.ticketId)).toEqual(expected);
      }

      // A trigger made to fire before commit takes the account's lock there: another commit of the account waits for it.
      await t1.query('BEGIN');
      await t1.query('UPDATE tickets SET updated_at = updated_at + interval \'5 years\' WHERE id = $1', [a.ticketId]);
      await t1.query('SET CONSTRAINTS live_events_ticket IMMEDIATE');
      await t2.query('BEGIN');
      await t2.query('UPDATE tickets SET updated_at = updated_at + interval \'5 years\' WHERE id = $1', [b.ticketId]);
      const t2Commit = t2.query('COMMIT');
      await eventually(async () => {
        const waiting = await stack.orm.em.fork().execute<{ n: string }[]>(
          'SELECT count(*) AS n FROM pg_locks WHERE locktype = \'advisory\' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())',
        );
        return Number(waiting[0]!.n) > 0 ? true : undefined;
      }, 'the second commit waiting for the account lock');
      await t1.query('COMMIT');
      await t2Commit;
      const locked = await eventually(async () => {
        const events = live.events.filter(ours);
        return events.length >= 4 ? events.slice(2) : undefined;
      }, 'both locked commits');
      expect(locked.map((event) => event.data.ticketId)).toEqual([a.ticketId, b.ticketId]);
    } finally {
      await t1.end();
      await t2.end();
    }
    for (const client of [live]) await client.close();
  });

  it('resumes across an API restart with what changed while it was down', async () => {
    const stream = await open(brand);
    const { ticketId } = await sms(brand, '+14155550105');
    await stream.waitFor('message', (data) => data.ticketId === ticketId, 'the message');
    const resumeFrom = stream.lastEventId!;

    await stack.restartApi({
      whileDown: async () => {
        await eventually(async () => (stream.ended ? true : undefined), 'the stream ended by the shutdown');
        await stack.orm.em.fork().execute('UPDATE tickets SET updated_at = updated_at + interval \'5 years\' WHERE id = ?', [ticketId]);
        await stack.orm.em.fork().execute('INSERT INTO ticket_reads (ticket_id, user_id, read_at) VALUES (?, ?, now())', [ticketId, brand.users.owner.id]);
      },
    });
    const resumed = await open(brand, { lastEventId: resumeFrom });
    const read = await resumed.waitFor('read', (data) => data.ticketId === ticketId && data.userId === brand.users.owner.id, 'the read made while down');
    const missed = (await storedEvents(brand.accountId, resumeFrom)).filter((row) => BigInt(row.id) <= BigInt(read.id!));
    expect(resumed.replayable.slice(0, missed.length).map((event) => [event.id, event.event])).toEqual(missed.map((row) => [row.id, row.kind]));
    expect(resumed.of('ticket', (data) => data.ticketId === ticketId && Date.parse(data.updatedAt) > Date.now() + 365 * 86_400_000)).toHaveLength(1);
    // and live again on the new API
    await act(ticketId, 'close');
    await resumed.waitFor('ticket', (data) => data.ticketId === ticketId && data.status === 'closed', 'a live event after the restart');
    await resumed.close();
  });

  it('answers 503 fast while the database is unreachable, keeps open streams and catches them up afterwards', async () => {
    const stream = await open(brand);
    const { ticketId } = await sms(brand, '+14155550106');
    await stream.waitFor('message', (data) => data.ticketId === ticketId, 'the message');
    const databaseName = new URL(stack.orm.config.get('clientUrl') as string).pathname.slice(1);
    const admin = new pg.Client({ connectionString: testServers().databaseUrlFor('postgres') });
    const writer = database();
    await admin.connect();
    await writer.connect();
    try {
      await admin.query(`ALTER DATABASE ${databaseName} ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = \'inbox-live-events\'', [databaseName]);
      // Committed while the listener is away: its notification is lost, the reconnect catches up.
      await writer.query('UPDATE tickets SET updated_at = updated_at + interval \'5 years\' WHERE id = $1', [ticketId]);
      const started = Date.now();
      const refused = await fetch(`${stack.baseUrl}/me/stream`, { headers: brand.headers('support') });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(await refused.json()).toMatchObject({ statusCode: 503, error: 'service_unavailable' });
      expect(Date.now() - started).toBeLessThan(8000);
      expect(stream.ended).toBe(false);
    } finally {
      await admin.query(`ALTER DATABASE ${databaseName} ALLOW_CONNECTIONS true`);
      await admin.end();
      await writer.end();
    }
    const caughtUp = await stream.waitFor('ticket', (data) => data.ticketId === ticketId && Date.parse(data.updatedAt) > Date.now() + 365 * 86_400_000, 'the change made while the listener was away');
    expect(caughtUp.id).toMatch(/^\d+$/);
    await stream.close();
  });

  it('answers reset instead of a replay of more than 1,000 events, and refuses a malformed Last-Event-ID', async () => {
    const quiet = await createAccountWithUsers(stack.orm, { roles: ['owner', 'support'] });
    const first = await open(quiet);
    const from = first.lastEventId!;
    await first.close();
    const insert = (count: number) => stack.orm.em.fork().execute(
      'INSERT INTO live_events (account_id, kind, ticket_id, payload) SELECT ?, \'read\', NULL, jsonb_build_object(\'n\', n) FROM generate_series(1, ?) n',
      [quiet.accountId, count],
    );
    await insert(1000);
    const replayed = await open(quiet, { lastEventId: from });
    await eventually(async () => (replayed.replayable.length === 1000 ? true : undefined), 'a replay of 1,000');
    expect(replayed.of('reset')).toEqual([]);
    await replayed.close();

    await insert(1);
    const reset = await open(quiet, { lastEventId: from });
    const [max] = await stack.orm.em.fork().execute<{ id: string }[]>('SELECT max(id)::text AS id FROM live_events WHERE account_id = ?', [quiet.accountId]);
    expect(reset.of('reset')).toEqual([{ id: max!.id, event: 'reset', data: {} }]);
    expect(reset.replayable).toEqual([]);
    await reset.close();

    const future = await open(quiet, { lastEventId: '999999999999' });
    expect(future.of('reset')).toHaveLength(1);
    await future.close();

    const malformed = await callApi(stack.baseUrl, 'GET', '/me/stream', { token: quiet.tokens.support, headers: { 'last-event-id': 'abc' } });
    expect(malformed).toMatchObject({ status: 400, body: { error: 'validation_failed', field: 'lastEventId' } });
    const integration = await callApi(stack.baseUrl, 'GET', '/me/stream', { token: quiet.integrationToken });
    expect(integration.status).toBe(403);
  });

  it('keeps live events 3 days (housekeeping) and resets a client that resumes from before what is kept', async () => {
    const stream = await open(brand);
    const resumeFrom = stream.lastEventId!;
    await stream.close();
    const old = new Date(Date.now() - LIVE_EVENTS_KEPT_MS - 60_000).toISOString();
    await stack.orm.em.fork().execute('INSERT INTO live_events (account_id, kind, payload, created_at) VALUES (?, \'read\', \'{}\', ?)', [brand.accountId, old]);
    const housekeeping = createHousekeepingActivities({ orm: stack.orm } as unknown as ActivityDependencies);
    const createdBefore = new Date(Date.now() - LIVE_EVENTS_KEPT_MS).toISOString();
    expect(await housekeeping.deleteExpiredLiveEvents({ createdBefore })).toBe(1);
    expect(await housekeeping.deleteExpiredLiveEvents({ createdBefore })).toBe(0);

    const reset = await open(brand, { lastEventId: resumeFrom });
    expect(reset.of('reset')).toHaveLength(1);
    await reset.close();
    // From the id the reset gave, no reset again.
    const after = await open(brand, { lastEventId: reset.lastEventId });
    expect(after.of('reset')).toEqual([]);
    await after.close();
  });
});
