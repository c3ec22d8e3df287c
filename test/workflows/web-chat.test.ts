import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Worker } from '@temporalio/worker';
import { AccountSettingsService } from '../../apps/api/settings/account-settings.service.js';
import { insertBusinessCalendar } from '../../libs/calendars/business-calendar-store.js';
import type { WebChatSettings } from '../../libs/domain/account-settings.js';
import type { DayOfWeek } from '../../libs/domain/office-hours.js';
import { agentActionUpdate, visitorActivitySignal } from '../../libs/temporal/contracts/ticket.js';
import { createAccountWithUsers } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { testServers } from '../support/servers.js';
import { startTimeSkippingStack, type TimeSkippingStack } from '../support/time-skipping.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

describe('web chat on the time-skipping test server', () => {
  let stack: TimeSkippingStack;
  let accountId: string;
  let sequence = 0;

  beforeAll(async () => {
    // The lowest history limit, so a chat with a few heartbeats continues as new while its follow-up timer runs.
    stack = await startTimeSkippingStack({ TICKET_HISTORY_EVENT_LIMIT: '50' });
    accountId = (await createAccountWithUsers(stack.orm, { roles: ['owner'] })).accountId;
    const settings: Partial<WebChatSettings> = {
      followUpFromAddress: 'chat-support@brand.example',
      onlineAutoResponse: 'We are online and will answer in a minute.',
      offlineAutoResponse: 'We are away; leave your email and we will write back.',
      officeHours: {
        timeZone: 'America/New_York',
        weekly: ([1, 2, 3, 4, 5] as DayOfWeek[]).map((day) => ({ day, opens: '09:00', closes: '17:00' })),
        exceptions: [],
      },
    };
    await new AccountSettingsService(stack.orm).updateSection(accountId, 'webChat', settings);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const db = () => stack.orm.em.fork();
  const chat = (conversation: string, sender: { email?: string } = {}) =>
    stack.ingestion.ingest({ accountId, channel: 'web_chat', externalId: `chat-${++sequence}`, body: `visitor message ${sequence}`, threadKey: conversation, sender: { visitorId: 'visitor-1', ...sender } });
  const handle = (ticketId: string) => stack.env.client.workflow.getHandle(ticketId);
  const reply = (ticketId: string, messageId: string, body: string) =>
    handle(ticketId).executeUpdate(agentActionUpdate, { args: [{ action: { type: 'reply', messageId, body }, actorUserId: 'agent-1' }] });
  const delivered = (ticketId: string, count: number) =>
    eventually(async () => {
      const rows = await db().execute<{ id: string; body: string }[]>(
        `SELECT id, body FROM messages WHERE ticket_id = ? AND direction = 'outbound' AND delivery_status = 'delivered' ORDER BY created_at, id`,
        [ticketId],
      );
      return rows.length >= count ? rows : undefined;
    }, `${count} delivered outbound messages in ${ticketId}`);
  const events = (ticketId: string, type: string) =>
    db().execute<{ detail: Record<string, unknown> }[]>('SELECT detail FROM ticket_events WHERE ticket_id = ? AND type = ? ORDER BY occurred_at, id', [ticketId, type]);
  const mailTo = (address: string) =>
    db().execute<{ envelope_from: string; subject: string; text_body: string }[]>('SELECT envelope_from, subject, text_body FROM caught_mail WHERE ? = ANY (envelope_to)', [address]);
  const skipTo = async (iso: string) => stack.env.sleep(Date.parse(iso) - (await stack.env.currentTimeMs()));

  it('answers by the office hours of the account\'s time zone on both sides of a DST change', async () => {
    // New York springs forward on Sunday 2027-03-14: 13:10 UTC is 08:10 on the Friday before (EST), 09:10 on the Monday after (EDT).
    await skipTo('2027-03-12T13:10:00Z');
    const friday = await chat('conversation-friday');
    const [fridayAnswer] = await delivered(friday.ticketId, 1);
    expect(fridayAnswer!.body).toBe('We are away; leave your email and we will write back.');
    expect((await events(friday.ticketId, 'chat_auto_response'))[0]!.detail).toMatchObject({
      online: false,
      reason: 'outside_office_hours',
      sent: true,
      timeZone: 'America/New_York',
      nextChangeKind: 'opens',
      nextChangeAt: '2027-03-12T14:00:00.000Z',
    });

    await skipTo('2027-03-15T13:10:00Z');
    const monday = await chat('conversation-monday');
    const [mondayAnswer] = await delivered(monday.ticketId, 1);
    expect(mondayAnswer!.body).toBe('We are online and will answer in a minute.');
    expect((await events(monday.ticketId, 'chat_auto_response'))[0]!.detail).toMatchObject({
      online: true,
      reason: 'within_office_hours',
      nextChangeKind: 'closes',
      nextChangeAt: '2027-03-15T21:00:00.000Z',
    });
  });

  it('emails the unseen replies once when the visitor is offline 3 minutes after the last reply, across a continue-as-new', async () => {
    const email = 'leaver@example.com';
    const { ticketId } = await chat('conversation-leaver', { email });
    await delivered(ticketId, 1); // the auto-response
    const firstRunId = (await handle(ticketId).describe()).runId;
    await reply(ticketId, 'reply-leaver-1', 'Your parcel left the warehouse today.');
    await reply(ticketId, 'reply-leaver-2', 'Tracking number: 1Z999.');
    // The tab stays open in the background for a while: heartbeats, nothing seen. They push the history past its limit.
    for (let beat = 0; beat < 20; beat++) await handle(ticketId).signal(visitorActivitySignal, { presence: 'online', seenUpToMessageId: null });
    await eventually(async () => ((await handle(ticketId).describe()).runId !== firstRunId ? true : undefined), 'continue-as-new');

    await stack.env.sleep(2 * MINUTE);
    expect(await mailTo(email)).toEqual([]);
    await stack.env.sleep(2 * MINUTE);
    const [mail, ...more] = await eventually(async () => {
      const rows = await mailTo(email);
      return rows.length > 0 ? rows : undefined;
    }, 'the follow-up email');
    expect(more).toEqual([]);
    expect(mail!.envelope_from).toBe('chat-support@brand.example');
    expect(mail!.text_body).toContain('Your parcel left the warehouse today.');
    expect(mail!.text_body).toContain('Tracking number: 1Z999.');
    expect(mail!.text_body).not.toContain('We are'); // the auto-response is not a reply the visitor missed
    expect((await events(ticketId, 'chat_follow_up')).map((event) => event.detail)).toEqual([
      expect.objectContaining({ sent: true, reason: 'visitor_offline_with_unseen_replies', replyIds: ['reply-leaver-1', 'reply-leaver-2'] }),
    ]);

    await stack.env.sleep(30 * MINUTE);
    expect(await mailTo(email)).toHaveLength(1);

    // What a restarted worker does with the run that held the timer: replay it, without a non-determinism error.
    const history = await handle(ticketId).fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: { codePath: testServers().workflowBundlePath } }, history, ticketId);
  });

  it('sends nothing when the visitor comes back at 2 minutes and sees the reply', async () => {
    const email = 'returner@example.com';
    const { ticketId } = await chat('conversation-returner', { email });
    await delivered(ticketId, 1);
    await reply(ticketId, 'reply-returner-1', 'Could you send a photo of the damage?');
    await stack.env.sleep(2 * MINUTE);
    await handle(ticketId).signal(visitorActivitySignal, { presence: 'online', seenUpToMessageId: 'reply-returner-1' });
    await stack.env.sleep(30 * MINUTE);
    expect(await mailTo(email)).toEqual([]);
    expect(await events(ticketId, 'chat_follow_up')).toEqual([]);
  });

  it('resets the deadline when the agent replies again', async () => {
    const email = 'patient@example.com';
    const { ticketId } = await chat('conversation-patient', { email });
    await delivered(ticketId, 1);
    await reply(ticketId, 'reply-patient-1', 'Let me check.');
    await stack.env.sleep(2 * MINUTE);
    await reply(ticketId, 'reply-patient-2', 'Found it: refunded.');
    await stack.env.sleep(2 * MINUTE); // 4 minutes after the first reply, 2 after the last
    expect(await mailTo(email)).toEqual([]);
    await stack.env.sleep(2 * MINUTE);
    const rows = await eventually(async () => {
      const found = await mailTo(email);
      return found.length > 0 ? found : undefined;
    }, 'the follow-up email');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.text_body).toContain('Found it: refunded.');
  });

  it('closes an answered chat after 24 hours of quiet, and ends its workflow; a visitor still waiting for an answer is never closed so', async () => {
    const answered = await chat('conversation-answered');
    const waiting = await chat('conversation-waiting');
    await delivered(answered.ticketId, 1);
    await delivered(waiting.ticketId, 1); // the auto-response is no answer from an agent
    await reply(answered.ticketId, 'reply-answered-1', 'Done: your address is changed.');
    await delivered(answered.ticketId, 2);
    const status = async (ticketId: string) => (await db().execute<{ status: string }[]>('SELECT status FROM tickets WHERE id = ?', [ticketId]))[0]!.status;

    await stack.env.sleep(23 * HOUR);
    expect(await status(answered.ticketId)).toBe('open');
    await stack.env.sleep(2 * HOUR);
    // Not handle.result(): awaiting a result lets the test server skip time to the next timeout of any workflow.
    await eventually(async () => ((await status(answered.ticketId)) === 'closed' ? true : undefined), 'the idle chat closed');
    await eventually(async () => ((await handle(answered.ticketId).describe()).status.name === 'COMPLETED' ? true : undefined), 'its workflow ended');
    expect((await events(answered.ticketId, 'closed')).map((event) => event.detail)).toEqual([expect.objectContaining({ reason: 'chat_idle', idleHours: 24 })]);

    expect(await status(waiting.ticketId)).toBe('open');
    expect((await handle(waiting.ticketId).describe()).status.name).toBe('RUNNING');
  });

  it('takes its office hours from a business-hours calendar when one is chosen, over the hours of its own settings', async () => {
    const brand = (await createAccountWithUsers(stack.orm, { roles: ['owner'] })).accountId;
    // Open every day around the clock, while the settings' own hours are closed all week: the calendar wins.
    const calendar = await insertBusinessCalendar(stack.orm, brand, {
      name: 'Always staffed',
      timeZone: 'Europe/Paris',
      weekly: ([0, 1, 2, 3, 4, 5, 6] as const).map((day) => ({ day, windows: [{ opens: '00:00', closes: '24:00' }] })),
      holidays: [],
    });
    await new AccountSettingsService(stack.orm).updateSection(brand, 'webChat', {
      onlineAutoResponse: 'Online by the calendar.',
      offlineAutoResponse: 'Offline by the settings.',
      officeHours: { timeZone: 'America/New_York', weekly: [], exceptions: [] },
      officeHoursCalendarId: calendar.id,
    });
    const { ticketId } = await stack.ingestion.ingest({ accountId: brand, channel: 'web_chat', externalId: `chat-${++sequence}`, body: 'hello', threadKey: 'conversation-calendar', sender: { visitorId: 'visitor-9' } });
    const [answer] = await delivered(ticketId, 1);
    expect(answer!.body).toBe('Online by the calendar.');
    expect((await events(ticketId, 'chat_auto_response'))[0]!.detail).toMatchObject({ online: true, reason: 'within_office_hours' });
  });
});
