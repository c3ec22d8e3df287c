import { Inject, Injectable } from '@nestjs/common';
import { normalisePhoneNumber } from '../../../libs/domain/phone.js';
import type { Orm } from '../../../libs/persistence/orm.js';
import { PROFILE_AND_JOINED, ProfileDirectory, type ProfileIdentifier } from '../../../libs/profiles/profile-directory.js';
import { ApiError } from '../common/api-error.js';
import { escapeLike, TicketQueriesService, type TicketSummary } from '../tickets/ticket-queries.service.js';
import { ORM } from '../tokens.js';

export interface ProfileView {
  id: string;
  name: string | null;
  emails: string[];
  phones: string[];
  externalIds: string[];
  /** Known only by web-chat visitor ids: nobody gave an email, phone or external id. */
  anonymous: boolean;
  /** SMS consent of the profile's first phone number (SPEC §9), or null without a phone or a consent record. */
  smsConsent: 'marketing' | 'transactional' | 'none' | null;
  ticketCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface ProfileChange {
  name?: string;
  email?: string;
  phone?: string;
}

interface ProfileRow {
  id: string;
  name: string | null;
  created_at: Date;
  updated_at: Date;
  identifiers: { kind: string; value: string }[] | null;
  ticket_count: string;
  sms_consent: ProfileView['smsConsent'];
}

const DEFAULT_SEARCH_LIMIT = 20;

/** Profiles as agents read and correct them (SPEC §6); the directory (libs/profiles) finds and joins them. */
@Injectable()
export class ProfilesService {
  constructor(
    @Inject(ORM) private readonly orm: Orm,
    private readonly tickets: TicketQueriesService,
  ) {}

  /** The surviving profile of this id in the account (a joined profile leads to the one it joined), or 404. */
  async surviving(accountId: string, profileId: string, field?: string): Promise<string> {
    const [row] = await this.orm.em.fork().execute<{ id: string }[]>(
      'SELECT COALESCE(merged_into, id) AS id FROM profiles WHERE id = ? AND account_id = ?',
      [profileId, accountId],
    );
    if (!row) throw field ? ApiError.badRequest(`${field}: no profile ${profileId} in this account`, field) : ApiError.notFound(`profile ${profileId} not found`);
    return row.id;
  }

  async get(accountId: string, profileId: string): Promise<ProfileView> {
    const id = await this.surviving(accountId, profileId);
    const [row] = await this.orm.em.fork().execute<ProfileRow[]>(`${PROFILE_SELECT} WHERE p.id = ?`, [id]);
    return toView(row!);
  }

  /**
   * By phone (however it is written, as E.164), by email or external id (prefix), or by name (part of it,
   * any case); the best matches first, then by name.
   */
  async search(accountId: string, q: string, limit = DEFAULT_SEARCH_LIMIT): Promise<ProfileView[]> {
    const term = q.trim();
    if (!term) return [];
    const phone = /\d/.test(term) ? normalisePhoneNumber(term) : undefined;
    const prefix = `${escapeLike(term.toLowerCase())}%`;
    const rows = await this.orm.em.fork().execute<ProfileRow[]>(
      `${PROFILE_SELECT}
       WHERE p.account_id = ? AND p.merged_into IS NULL AND (
         p.id IN (SELECT profile_id FROM profile_identifiers WHERE account_id = ? AND kind <> 'visitor' AND (value LIKE ? OR value = ?))
         OR lower(p.name) LIKE ?)
       ORDER BY p.name NULLS LAST, p.id
       LIMIT ${Math.min(Math.max(limit, 1), 100)}`,
      [accountId, accountId, prefix, phone?.ok ? phone.e164 : term, `%${escapeLike(term.toLowerCase())}%`],
    );
    return rows.map(toView);
  }

  /** The profile's tickets, newest first, with how many there are. */
  async ticketsOf(accountId: string, userId: string, profileId: string, options: { cursor?: string; limit?: number }): Promise<{ total: number; tickets: TicketSummary[]; nextCursor: string | null }> {
    const id = await this.surviving(accountId, profileId);
    const [{ count }] = (await this.orm.em.fork().execute<{ count: string }[]>(
      `SELECT count(*) AS count FROM tickets t WHERE t.account_id = ? AND t.profile_id IN ${PROFILE_AND_JOINED}`,
      [accountId, id, id],
    )) as [{ count: string }];
    const page = await this.tickets.list(accountId, userId, { profileId: id, sort: 'createdAt', order: 'desc', cursor: options.cursor, limit: options.limit });
    return { total: Number(count), tickets: page.tickets, nextCursor: page.nextCursor };
  }

  /** An agent corrects the name, or adds an email or phone the person also uses (409 when another profile holds it). */
  async update(accountId: string, profileId: string, change: ProfileChange): Promise<ProfileView> {
    const id = await this.surviving(accountId, profileId);
    const identifiers: (ProfileIdentifier & { field: string })[] = [];
    if (change.email !== undefined) identifiers.push({ kind: 'email', value: change.email.trim().toLowerCase(), field: 'email' });
    if (change.phone !== undefined) {
      const phone = normalisePhoneNumber(change.phone);
      if (!phone.ok) throw ApiError.badRequest(`phone: ${phone.message}`, 'phone');
      identifiers.push({ kind: 'phone', value: phone.e164, field: 'phone' });
    }
    await this.orm.em.fork().transactional(async (em) => {
      const directory = new ProfileDirectory(em);
      for (const identifier of identifiers) {
        const [taken] = await directory.addIdentifiers(accountId, id, [identifier]);
        if (taken) throw ApiError.conflict('identifier_taken', `${identifier.field} ${identifier.value} belongs to another profile (${await directory.find(accountId, taken)})`);
      }
      if (change.name !== undefined) await em.execute('UPDATE profiles SET name = ?, updated_at = now() WHERE id = ?', [change.name.trim() || null, id]);
      else if (identifiers.length > 0) await em.execute('UPDATE profiles SET updated_at = now() WHERE id = ?', [id]);
    });
    return this.get(accountId, id);
  }
}

const PROFILE_SELECT = `
  SELECT p.id, p.name, p.created_at, p.updated_at,
    (SELECT json_agg(json_build_object('kind', i.kind, 'value', i.value) ORDER BY i.created_at, i.value) FROM profile_identifiers i WHERE i.profile_id = p.id) AS identifiers,
    (SELECT count(*) FROM tickets t WHERE t.profile_id IN (SELECT id FROM profiles m WHERE m.id = p.id OR m.merged_into = p.id)) AS ticket_count,
    (SELECT s.consent FROM sms_profiles s JOIN profile_identifiers i ON i.account_id = s.account_id AND i.kind = 'phone' AND i.value = s.phone
      WHERE i.profile_id = p.id ORDER BY i.created_at LIMIT 1) AS sms_consent
  FROM profiles p`;

function toView(row: ProfileRow): ProfileView {
  const identifiers = row.identifiers ?? [];
  const values = (kind: string) => identifiers.filter((identifier) => identifier.kind === kind).map((identifier) => identifier.value);
  return {
    id: row.id,
    name: row.name,
    emails: values('email'),
    phones: values('phone'),
    externalIds: values('external_id'),
    anonymous: identifiers.every((identifier) => identifier.kind === 'visitor'),
    smsConsent: row.sms_consent,
    ticketCount: Number(row.ticket_count),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

