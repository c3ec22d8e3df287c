import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { validateProfileEvent, type ValidProfileEvent } from '../../../libs/domain/profile-events.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import { PROFILE_AND_JOINED, ProfileDirectory, type ProfileIdentifier } from '../../../libs/profiles/profile-directory.js';
import { ApiError } from '../common/api-error.js';
import { ORM } from '../tokens.js';
import { ProfilesService } from './profiles.service.js';

export type EventResult =
  | { index: number; status: 'accepted' | 'duplicate'; eventId: string; profileId: string }
  | { index: number; status: 'refused'; field: string; reason: string };

export interface StoredEvent {
  id: string;
  uniqueId: string;
  metric: string;
  occurredAt: string;
  value: number | null;
  properties: Record<string, unknown>;
}

export interface EventFilter {
  metrics?: string[];
  from?: string;
  to?: string;
}

interface EventRow {
  id: string;
  unique_id: string;
  metric: string;
  occurred_at: Date;
  value: string | null;
  properties: Record<string, unknown>;
}

/** The event's id: the account and its unique id, so a retry (even in another request) is the same row. */
const eventId = (accountId: string, uniqueId: string) => `evt-${createHash('sha256').update(`${accountId}\n${uniqueId}`).digest('base64url').slice(0, 32)}`;

function identifiersOf(event: ValidProfileEvent): ProfileIdentifier[] {
  const { externalId, email, phone } = event.profile;
  return [
    ...(externalId ? [{ kind: 'external_id' as const, value: externalId }] : []),
    ...(email ? [{ kind: 'email' as const, value: email }] : []),
    ...(phone ? [{ kind: 'phone' as const, value: phone }] : []),
  ];
}

const encodeCursor = (occurredAt: string, id: string) => Buffer.from(JSON.stringify([occurredAt, id])).toString('base64url');
function decodeCursor(cursor: string): [string, string] {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(decoded) && decoded.length === 2 && typeof decoded[1] === 'string' && !Number.isNaN(Date.parse(String(decoded[0])))) return [String(decoded[0]), decoded[1]];
  } catch {
    // falls through to the 400
  }
  throw ApiError.badRequest('before must be the nextCursor of an earlier page', 'before');
}

/** Events of profiles (SPEC §6): ingestion by integrations, and the reads agents page through. */
@Injectable()
export class ProfileEventsService {
  constructor(
    @Inject(ORM) private readonly orm: Orm,
    private readonly profiles: ProfilesService,
  ) {}

  /**
   * Each event is accepted, found a duplicate of one already stored (same unique id), or refused with its
   * reason, on its own; the events of a person are filed under their profile, created when none matches.
   */
  async ingest(accountId: string, inputs: unknown[], now: string): Promise<EventResult[]> {
    const results: EventResult[] = [];
    await this.orm.em.fork().transactional(async (em) => {
      const directory = new ProfileDirectory(em);
      for (const [index, input] of inputs.entries()) {
        const verdict = validateProfileEvent(input as Record<string, unknown>, now);
        if (!verdict.ok) {
          results.push({ index, status: 'refused', field: verdict.field ? `events[${index}].${verdict.field}` : `events[${index}]`, reason: verdict.reason });
          continue;
        }
        const { event } = verdict;
        const id = eventId(accountId, event.uniqueId);
        const [existing] = await em.execute<{ profile_id: string }[]>('SELECT profile_id FROM profile_events WHERE id = ?', [id]);
        if (existing) {
          results.push({ index, status: 'duplicate', eventId: id, profileId: await directory.surviving(existing.profile_id) });
          continue;
        }
        const { profileId } = await directory.findOrCreate(accountId, identifiersOf(event), null);
        const inserted = await em.execute<{ id: string }[]>(
          `INSERT INTO profile_events (id, account_id, profile_id, metric, occurred_at, value, properties, unique_id)
           VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?) ON CONFLICT (id) DO NOTHING RETURNING id`,
          [id, accountId, profileId, event.metric, event.occurredAt, event.value, JSON.stringify(event.properties), event.uniqueId],
        );
        results.push({ index, status: inserted.length > 0 ? 'accepted' : 'duplicate', eventId: id, profileId });
      }
    });
    return results;
  }

  /** Newest first, from the cursor on; the profile's joined profiles' events too. */
  async list(accountId: string, profileId: string, filter: EventFilter & { before?: string; limit?: number }): Promise<{ events: StoredEvent[]; nextCursor: string | null }> {
    const id = await this.profiles.surviving(accountId, profileId);
    const where = ['e.account_id = ?', `e.profile_id IN ${PROFILE_AND_JOINED}`];
    const params: unknown[] = [accountId, id, id];
    if (filter.metrics?.length) {
      where.push(`e.metric IN (${filter.metrics.map(() => '?').join(', ')})`);
      params.push(...filter.metrics);
    }
    if (filter.from) {
      where.push('e.occurred_at >= ?');
      params.push(filter.from);
    }
    if (filter.to) {
      where.push('e.occurred_at < ?');
      params.push(filter.to);
    }
    if (filter.before) {
      const [occurredAt, lastId] = decodeCursor(filter.before);
      where.push('(e.occurred_at, e.id) < (?::timestamptz, ?)');
      params.push(occurredAt, lastId);
    }
    const limit = filter.limit ?? 50;
    const rows = await this.orm.em.fork().execute<EventRow[]>(
      `SELECT e.id, e.unique_id, e.metric, e.occurred_at, e.value, e.properties FROM profile_events e
       WHERE ${where.join(' AND ')} ORDER BY e.occurred_at DESC, e.id DESC LIMIT ${limit + 1}`,
      params,
    );
    const page = rows.slice(0, limit).map(toEvent);
    const last = page.at(-1);
    return { events: page, nextCursor: rows.length > limit && last ? encodeCursor(last.occurredAt, last.id) : null };
  }

  /** The metrics of a profile's events, with how many and the latest, most frequent first. */
  async metrics(accountId: string, profileId: string): Promise<{ metric: string; count: number; lastOccurredAt: string }[]> {
    const id = await this.profiles.surviving(accountId, profileId);
    const rows = await this.orm.em.fork().execute<{ metric: string; count: string; last_occurred_at: Date }[]>(
      `SELECT metric, count(*) AS count, max(occurred_at) AS last_occurred_at FROM profile_events
       WHERE account_id = ? AND profile_id IN ${PROFILE_AND_JOINED}
       GROUP BY metric ORDER BY count(*) DESC, metric`,
      [accountId, id, id],
    );
    return rows.map((row) => ({ metric: row.metric, count: Number(row.count), lastOccurredAt: new Date(row.last_occurred_at).toISOString() }));
  }

  async count(accountId: string, profileId: string): Promise<number> {
    const [row] = await this.orm.em.fork().execute<{ count: string }[]>(
      `SELECT count(*) AS count FROM profile_events WHERE account_id = ? AND profile_id IN ${PROFILE_AND_JOINED}`,
      [accountId, profileId, profileId],
    );
    return Number(row?.count ?? 0);
  }
}

function toEvent(row: EventRow): StoredEvent {
  return {
    id: row.id,
    uniqueId: row.unique_id,
    metric: row.metric,
    occurredAt: new Date(row.occurred_at).toISOString(),
    value: row.value === null ? null : Number(row.value),
    properties: row.properties,
  };
}
