import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Orm } from '../../libs/persistence/orm.js';
import { createTestDatabase } from '../support/stack.js';

/** Migration 0013 on tickets written before profiles: each customer identity becomes one profile. */
const ACCOUNT = '33333333-3333-4333-8333-333333333333';
const GONE_ACCOUNT = '44444444-4444-4444-8444-444444444444';

describe('migration 0013: profiles for the tickets that came before them', () => {
  let orm: Orm;
  const rows = <T>(sql: string, params: unknown[] = []) => orm.em.fork().execute<T[]>(sql, params);
  const insertTicket = (id: string, accountId: string, customer: { phone?: string; email?: string; visitorId?: string; name?: string }, createdAt: string) =>
    rows(
      `INSERT INTO tickets (id, account_id, channel, status, customer_phone, customer_email, customer_visitor_id, customer_name, created_at, updated_at, version)
       VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, 1)`,
      [id, accountId, customer.phone ? 'sms' : customer.email ? 'email' : 'web_chat', customer.phone ?? null, customer.email ?? null, customer.visitorId ?? null, customer.name ?? null, createdAt, createdAt],
    );

  beforeAll(async () => {
    ({ orm } = await createTestDatabase({ migrateTo: '0012-idempotent-refusals' }));
    await rows('INSERT INTO accounts (id, name, created_at) VALUES (?, ?, now())', [ACCOUNT, 'Old brand']);
    await insertTicket('t-sms-1', ACCOUNT, { phone: '+14155550100', name: 'Ann' }, '2024-01-01T10:00:00Z');
    await insertTicket('t-sms-2', ACCOUNT, { phone: '+14155550100' }, '2024-02-01T10:00:00Z');
    await insertTicket('t-email', ACCOUNT, { email: 'Bo@Example.test', name: 'Bo' }, '2024-01-05T10:00:00Z');
    await insertTicket('t-chat', ACCOUNT, { visitorId: 'visitor-1' }, '2024-01-06T10:00:00Z');
    await insertTicket('t-nobody', ACCOUNT, {}, '2024-01-07T10:00:00Z');
    await insertTicket('t-orphan', GONE_ACCOUNT, { phone: '+14155550199' }, '2024-01-07T10:00:00Z');
    await orm.migrator.up();
  });
  afterAll(async () => {
    await orm?.close();
  });

  it('gives each identity one profile and each ticket its profile', async () => {
    const tickets = await rows<{ id: string; profile_id: string | null }>('SELECT id, profile_id FROM tickets ORDER BY id');
    const profileOf = Object.fromEntries(tickets.map((ticket) => [ticket.id, ticket.profile_id]));
    expect(profileOf['t-sms-1']).toEqual(expect.stringMatching(/^prof-/));
    expect(profileOf['t-sms-2']).toBe(profileOf['t-sms-1']);
    expect(new Set([profileOf['t-sms-1'], profileOf['t-email'], profileOf['t-chat']]).size).toBe(3);
    expect(profileOf['t-nobody']).toBeNull();
    expect(profileOf['t-orphan']).toBeNull();

    const identifiers = await rows<{ kind: string; value: string; profile_id: string }>('SELECT kind, value, profile_id FROM profile_identifiers ORDER BY kind');
    expect(identifiers).toEqual([
      { kind: 'email', value: 'bo@example.test', profile_id: profileOf['t-email'] },
      { kind: 'phone', value: '+14155550100', profile_id: profileOf['t-sms-1'] },
      { kind: 'visitor', value: 'visitor-1', profile_id: profileOf['t-chat'] },
    ]);
    const [ann] = await rows<{ name: string | null; created_at: string }>('SELECT name, created_at FROM profiles WHERE id = ?', [profileOf['t-sms-1']]);
    expect({ name: ann!.name, createdAt: new Date(ann!.created_at).toISOString() }).toEqual({ name: 'Ann', createdAt: '2024-01-01T10:00:00.000Z' });
  });
});
