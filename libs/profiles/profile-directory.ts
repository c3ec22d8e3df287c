import { randomUUID } from 'node:crypto';
import type { SqlEntityManager } from '@mikro-orm/postgresql';
import type { Channel } from '../domain/channel-policy.js';
import type { CustomerIdentity } from '../temporal/contracts/ticket.js';

/** How a profile is found (table profile_identifiers); values are normalised: E.164 phones, lower-cased emails. */
export type IdentifierKind = 'email' | 'phone' | 'external_id' | 'visitor';
export const IDENTIFIER_KINDS: readonly IdentifierKind[] = ['email', 'phone', 'external_id', 'visitor'];

export interface ProfileIdentifier {
  kind: IdentifierKind;
  value: string;
}

/** What the directory decided for a message's sender; recorded in the ticket's history and as a ticket event. */
export interface ProfileMatch {
  profileId: string;
  /** The identifier the profile was found (or created) by. */
  by: IdentifierKind;
  created: boolean;
  /** An anonymous chat profile joined into this one once its visitor gave an email this profile holds. */
  joinedProfileId?: string;
}

/** The identifiers a channel's message names its sender by, the most telling first. */
export function senderIdentifiers(channel: Channel, sender: CustomerIdentity): ProfileIdentifier[] {
  const identifiers: ProfileIdentifier[] = [];
  if (channel === 'sms' && sender.phone) identifiers.push({ kind: 'phone', value: sender.phone });
  if (sender.email) identifiers.push({ kind: 'email', value: sender.email.toLowerCase() });
  if (channel === 'web_chat' && sender.visitorId) identifiers.push({ kind: 'visitor', value: sender.visitorId });
  return identifiers;
}

const newProfileId = () => `prof-${randomUUID()}`;

/** SQL for `… profile_id IN ${PROFILE_AND_JOINED}`: a surviving profile and those joined into it. Binds its id twice. */
export const PROFILE_AND_JOINED = '(SELECT id FROM profiles WHERE id = ? OR merged_into = ?)';

/**
 * The account's profiles, one per person (SPEC §6), inside the caller's transaction. Concurrent
 * first messages of one person agree on one profile through the identifiers' primary key.
 */
export class ProfileDirectory {
  constructor(private readonly em: SqlEntityManager) {}

  /** The surviving profile an identifier leads to (following joins), or null. */
  async find(accountId: string, identifier: ProfileIdentifier): Promise<string | null> {
    const [row] = await this.em.execute<{ profile_id: string }[]>(
      'SELECT profile_id FROM profile_identifiers WHERE account_id = ? AND kind = ? AND value = ?',
      [accountId, identifier.kind, identifier.value],
    );
    return row ? this.surviving(row.profile_id) : null;
  }

  /** A profile after its joins: the one it was merged into, transitively. */
  async surviving(profileId: string): Promise<string> {
    const [row] = await this.em.execute<{ id: string }[]>(
      `WITH RECURSIVE chain(id, merged_into, depth) AS (
         SELECT id, merged_into, 0 FROM profiles WHERE id = ?
         UNION ALL SELECT p.id, p.merged_into, chain.depth + 1 FROM profiles p JOIN chain ON p.id = chain.merged_into WHERE chain.depth < 20
       ) SELECT id FROM chain WHERE merged_into IS NULL LIMIT 1`,
      [profileId],
    );
    return row?.id ?? profileId;
  }

  /**
   * The profile these identifiers belong to, created when none does. Identifiers it lacks are added
   * to it, unless another profile holds them already (two known people are never joined silently).
   */
  async findOrCreate(accountId: string, identifiers: ProfileIdentifier[], name: string | null): Promise<Omit<ProfileMatch, 'joinedProfileId'>> {
    if (identifiers.length === 0) throw new Error('a profile needs at least one identifier');
    for (const identifier of identifiers) {
      const profileId = await this.find(accountId, identifier);
      if (profileId) {
        await this.addIdentifiers(accountId, profileId, identifiers);
        await this.nameIfUnnamed(profileId, name);
        return { profileId, by: identifier.kind, created: false };
      }
    }
    const profileId = newProfileId();
    await this.em.execute('INSERT INTO profiles (id, account_id, name) VALUES (?, ?, ?)', [profileId, accountId, name]);
    const [first] = identifiers;
    await this.addIdentifiers(accountId, profileId, identifiers);
    const owner = await this.find(accountId, first!);
    if (owner !== profileId) {
      // Another transaction created this person's profile first: use it, and forget ours.
      await this.em.execute('DELETE FROM profile_identifiers WHERE profile_id = ?', [profileId]);
      await this.em.execute('DELETE FROM profiles WHERE id = ?', [profileId]);
      await this.addIdentifiers(accountId, owner!, identifiers);
      return { profileId: owner!, by: first!.kind, created: false };
    }
    return { profileId, by: first!.kind, created: true };
  }

  /** Adds identifiers nobody holds yet; returns those another profile holds. */
  async addIdentifiers(accountId: string, profileId: string, identifiers: ProfileIdentifier[]): Promise<ProfileIdentifier[]> {
    const heldElsewhere: ProfileIdentifier[] = [];
    for (const identifier of identifiers) {
      await this.em.execute(
        'INSERT INTO profile_identifiers (account_id, kind, value, profile_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
        [accountId, identifier.kind, identifier.value, profileId],
      );
      const owner = await this.find(accountId, identifier);
      if (owner !== profileId) heldElsewhere.push(identifier);
    }
    return heldElsewhere;
  }

  /** Whether the profile is known only by web-chat visitor ids (nobody gave an email, phone or external id). */
  async isAnonymous(profileId: string): Promise<boolean> {
    const rows = await this.em.execute<{ kind: string }[]>("SELECT kind FROM profile_identifiers WHERE profile_id = ? AND kind <> 'visitor' LIMIT 1", [profileId]);
    return rows.length === 0;
  }

  /** Joins an anonymous profile into a known one: its identifiers move, and tickets naming it lead to the survivor. */
  async join(anonymousId: string, intoId: string): Promise<void> {
    await this.em.execute('UPDATE profile_identifiers SET profile_id = ? WHERE profile_id = ?', [intoId, anonymousId]);
    await this.em.execute('UPDATE profiles SET merged_into = ?, updated_at = now() WHERE id = ?', [intoId, anonymousId]);
  }

  /**
   * The profile of a message's sender, for its ticket: found or created on the ticket's first message;
   * later only an anonymous chat profile changes, when its visitor gives an email (it is then joined into
   * the profile holding that email, or that email is added to it). Returns null when nothing changes,
   * and always when an agent chose the ticket's profile.
   */
  async matchSender(input: {
    accountId: string;
    channel: Channel;
    sender: CustomerIdentity;
    currentProfileId: string | null;
    chosenByAgent: boolean;
  }): Promise<ProfileMatch | null> {
    const { accountId, channel, sender } = input;
    if (input.chosenByAgent) return null;
    const identifiers = senderIdentifiers(channel, sender);
    if (identifiers.length === 0) return null;
    if (input.currentProfileId === null) {
      const match = await this.findOrCreate(accountId, identifiers, sender.name);
      const joined = channel === 'web_chat' && sender.email && sender.visitorId ? await this.joinAnonymousVisitor(accountId, sender.visitorId, match.profileId) : null;
      return joined ? { ...match, joinedProfileId: joined } : match;
    }

    if (channel !== 'web_chat' || !sender.email) return null;
    const current = await this.surviving(input.currentProfileId);
    const email: ProfileIdentifier = { kind: 'email', value: sender.email.toLowerCase() };
    const owner = await this.find(accountId, email);
    if (owner === current) return current === input.currentProfileId ? null : { profileId: current, by: 'email', created: false };
    if (!(await this.isAnonymous(current))) return null;
    if (owner === null) {
      await this.addIdentifiers(accountId, current, [email]);
      await this.nameIfUnnamed(current, sender.name);
      return { profileId: current, by: 'email', created: false };
    }
    await this.join(current, owner);
    return { profileId: owner, by: 'email', created: false, joinedProfileId: current };
  }

  /** The visitor chatted before without an email: that anonymous profile joins the one the email found. */
  private async joinAnonymousVisitor(accountId: string, visitorId: string, intoId: string): Promise<string | null> {
    const visitorProfile = await this.find(accountId, { kind: 'visitor', value: visitorId });
    if (!visitorProfile || visitorProfile === intoId || !(await this.isAnonymous(visitorProfile))) return null;
    await this.join(visitorProfile, intoId);
    return visitorProfile;
  }

  private async nameIfUnnamed(profileId: string, name: string | null): Promise<void> {
    if (name) await this.em.execute('UPDATE profiles SET name = ?, updated_at = now() WHERE id = ? AND name IS NULL', [name, profileId]);
  }
}
