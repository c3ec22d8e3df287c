import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import type { AppConfig } from '../../libs/config/config.js';
import { InboundIngestion } from '../../libs/ingestion/inbound-ingestion.js';
import { rewritePhoneNumbers } from '../../libs/persistence/migrations/0009-phone-numbers.js';
import type { Orm } from '../../libs/persistence/orm.js';
import { smsTicketId } from '../../libs/temporal/workflow-ids.js';
import { createTestDatabase } from '../support/stack.js';

/**
 * Migration 0009 on rows written by the hand-written parser: a database migrated up to 0008, filled with
 * old-form numbers, then migrated on by the real Migrator.
 */
const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const SECRET = 'test-ticket-id-secret-0123456789';

const UK_OLD = '+4402079460000';
const UK = '+442079460000';
const DE_OLD = '+49030123456';
const DE = '+4930123456';
const US = '+14155550100';
const REFUSED = '+10115550100';

async function insertTicket(orm: Orm, id: string, accountId: string, phone: string, lastInboundAt: string): Promise<void> {
  await orm.em.fork().execute(
    `INSERT INTO tickets (id, account_id, channel, status, customer_phone, last_inbound_at, created_at, updated_at, version)
     VALUES (?, ?, 'sms', 'open', ?, ?, ?, ?, 1)`,
    [id, accountId, phone, lastInboundAt, lastInboundAt, lastInboundAt],
  );
}

async function insertProfile(orm: Orm, accountId: string, phone: string, consent: string, createdAt: string, updatedAt: string): Promise<void> {
  await orm.em.fork().execute(
    'INSERT INTO sms_profiles (account_id, phone, consent, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
    [accountId, phone, consent, createdAt, updatedAt],
  );
}

async function insertConsentChange(orm: Orm, id: string, phone: string, consent: string, changedAt: string): Promise<void> {
  await orm.em.fork().execute(
    `INSERT INTO sms_consent_changes (id, account_id, phone, previous_consent, consent, source, changed_at)
     VALUES (?, ?, ?, 'none', ?, 'integration', ?)`,
    [id, A, phone, consent, changedAt],
  );
}

describe('migration 0009: phone numbers in the new normal form', () => {
  let orm: Orm;
  const rows = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => orm.em.fork().execute<T[]>(sql, params);

  beforeAll(async () => {
    ({ orm } = await createTestDatabase({ migrateTo: '0008-command-loop' }));
    // One person's UK number under its old form only; one German number under both forms; a canonical
    // US number; a number the new parser refuses.
    await insertTicket(orm, 'ticket-uk-old', A, UK_OLD, '2024-03-01T10:00:00Z');
    await insertTicket(orm, 'ticket-uk-old-earlier', A, UK_OLD, '2024-01-01T10:00:00Z');
    await insertTicket(orm, 'ticket-de-old', A, DE_OLD, '2024-03-01T10:00:00Z');
    await insertTicket(orm, 'ticket-de-new', A, DE, '2024-02-01T10:00:00Z');
    await insertTicket(orm, 'ticket-us', A, US, '2024-02-01T10:00:00Z');
    await insertTicket(orm, 'ticket-refused', A, REFUSED, '2024-02-01T10:00:00Z');

    await insertProfile(orm, A, UK_OLD, 'marketing', '2024-01-01T00:00:00Z', '2024-01-10T00:00:00Z');
    await insertProfile(orm, A, UK, 'none', '2024-01-05T00:00:00Z', '2024-02-01T00:00:00Z');
    await insertProfile(orm, A, DE_OLD, 'transactional', '2024-01-01T00:00:00Z', '2024-03-01T00:00:00Z');
    await insertProfile(orm, A, DE, 'marketing', '2024-01-02T00:00:00Z', '2024-01-02T00:00:00Z');
    await insertProfile(orm, B, UK_OLD, 'marketing', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z');
    await insertProfile(orm, A, US, 'marketing', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z');

    await insertConsentChange(orm, 'change-1', UK_OLD, 'marketing', '2024-01-10T00:00:00Z');
    await insertConsentChange(orm, 'change-2', UK, 'none', '2024-02-01T00:00:00Z');

    await orm.em.fork().execute(
      `INSERT INTO sms_marketing_sends (id, account_id, phone, kind, source_id, sent_at, created_at)
       VALUES ('send-1', ?, ?, 'campaign', 'spring', '2024-01-09T00:00:00Z', '2024-01-09T00:00:00Z')`,
      [A, UK_OLD],
    );
    await orm.em.fork().execute(
      `INSERT INTO sms_auto_responses (message_id, account_id, phone, ticket_id, in_reply_to_message_id, decided_at)
       VALUES ('auto-1', ?, ?, 'ticket-uk-old', 'msg-1', '2024-03-01T10:00:00Z')`,
      [A, UK_OLD],
    );
    await orm.em.fork().execute(
      `INSERT INTO sms_outbound (message_id, account_id, to_number, from_number, body_sent, attempt_started_at)
       VALUES ('out-1', ?, ?, ?, 'Hello', '2024-03-01T10:00:00Z')`,
      [A, UK_OLD, DE_OLD],
    );

    await orm.migrator.up({ to: '0009-phone-numbers' });
  });
  afterAll(async () => {
    await orm?.close();
  });

  it("rewrites tickets' customer numbers, leaving canonical and refused ones as they were", async () => {
    const tickets = await rows<{ id: string; customer_phone: string }>('SELECT id, customer_phone FROM tickets ORDER BY id');
    expect(Object.fromEntries(tickets.map((t) => [t.id, t.customer_phone]))).toEqual({
      'ticket-de-new': DE,
      'ticket-de-old': DE,
      'ticket-refused': REFUSED,
      'ticket-uk-old': UK,
      'ticket-uk-old-earlier': UK,
      'ticket-us': US,
    });
  });

  it('sends the next text of a person known only by the old form to their latest ticket, and no alias where the new form has one', async () => {
    expect(await rows('SELECT account_id, phone, ticket_id FROM sms_ticket_aliases ORDER BY phone')).toEqual([
      { account_id: A, phone: UK, ticket_id: 'ticket-uk-old' },
    ]);
  });

  it('merges profiles that became one number: the most recently updated consent, the earliest creation', async () => {
    const profiles = await rows<{ account_id: string; phone: string; consent: string; created_at: string | Date; updated_at: string | Date }>(
      'SELECT account_id, phone, consent, created_at, updated_at FROM sms_profiles ORDER BY account_id, phone',
    );
    expect(profiles.map((p) => ({ ...p, created_at: new Date(p.created_at).toISOString(), updated_at: new Date(p.updated_at).toISOString() }))).toEqual([
      { account_id: A, phone: US, consent: 'marketing', created_at: '2024-01-01T00:00:00.000Z', updated_at: '2024-01-01T00:00:00.000Z' },
      { account_id: A, phone: UK, consent: 'none', created_at: '2024-01-01T00:00:00.000Z', updated_at: '2024-02-01T00:00:00.000Z' },
      { account_id: A, phone: DE, consent: 'transactional', created_at: '2024-01-01T00:00:00.000Z', updated_at: '2024-03-01T00:00:00.000Z' },
      { account_id: B, phone: UK, consent: 'marketing', created_at: '2024-01-01T00:00:00.000Z', updated_at: '2024-01-01T00:00:00.000Z' },
    ]);
  });

  it('keeps both consent histories under the new number', async () => {
    expect(await rows('SELECT id, phone FROM sms_consent_changes ORDER BY id')).toEqual([
      { id: 'change-1', phone: UK },
      { id: 'change-2', phone: UK },
    ]);
  });

  it('rewrites sends (attribution), auto-responses (rate limit) and outbound attempts', async () => {
    expect(await rows('SELECT phone FROM sms_marketing_sends')).toEqual([{ phone: UK }]);
    expect(await rows('SELECT phone FROM sms_auto_responses')).toEqual([{ phone: UK }]);
    expect(await rows('SELECT to_number, from_number FROM sms_outbound')).toEqual([{ to_number: UK, from_number: DE }]);
  });

  it('finds nothing more to rewrite a second time', async () => {
    const again = await orm.em.fork().transactional((em) => rewritePhoneNumbers((sql, params) => em.execute(sql, params)));
    expect(again).toEqual({ rewritten: {}, refused: [REFUSED] });
  });

  it("ingests an aliased person's text into their old ticket, anyone else's into their number's ticket", async () => {
    const workflowIds: string[] = [];
    const temporal = {
      workflow: {
        signalWithStart: async (_type: string, options: { workflowId: string }) => {
          workflowIds.push(options.workflowId);
        },
      },
    } as unknown as Client;
    const config = { ticketIdSecret: SECRET, temporal: { taskQueue: 'unused' }, ticketHistoryEventLimit: 10_000 } as unknown as AppConfig;
    const ingestion = new InboundIngestion({ config, orm, temporal });

    const uk = await ingestion.ingest({ accountId: A, channel: 'sms', externalId: 'SM1', body: 'Hi', sender: { phone: '+44 (0)20 7946 0000' } });
    const de = await ingestion.ingest({ accountId: A, channel: 'sms', externalId: 'SM2', body: 'Hi', sender: { phone: '+49 30 123456' } });
    expect(uk.ticketId).toBe('ticket-uk-old');
    expect(de.ticketId).toBe(smsTicketId(A, DE, SECRET));
    expect(workflowIds).toEqual([uk.ticketId, de.ticketId]);
  });
});
