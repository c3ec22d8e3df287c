import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AgentAction } from '../../libs/domain/ticket.js';
import { agentActionUpdate } from '../../libs/temporal/contracts/ticket.js';
import { createAccountWithUsers, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { callApi } from '../support/http.js';
import { serveApi, startTimeSkippingStack, type TimeSkippingStack } from '../support/time-skipping.js';

const DAY = 86_400_000;

/**
 * CSAT end to end on the time-skipping server (issue 14's "done when"): an agent closes the ticket, its workflow
 * decides and sends the survey on the ticket's channel, the customer answers through the link, and the answer
 * is on the ticket. A reopen and a second close within the configured time send no second survey.
 */
describe('CSAT surveys after a close', () => {
  let stack: TimeSkippingStack;
  let api: { baseUrl: string; close(): Promise<void> };
  let brand: TestAccount;
  let sequence = 0;

  beforeAll(async () => {
    stack = await startTimeSkippingStack({}, { emailToMailbox: true });
    api = await serveApi(stack);
    brand = await createAccountWithUsers(stack.orm, { roles: ['owner'] });
    const settings = await callApi(api.baseUrl, 'PATCH', '/settings/csat', { token: brand.tokens.owner, body: { enabledChannels: ['email', 'sms'], resendAfterDays: 7, question: 'How did we do?' } });
    expect(settings.status).toBe(200);
    // Email replies (the survey among them) go out from a support address of the account.
    expect((await callApi(api.baseUrl, 'PATCH', '/settings/email', { token: brand.tokens.owner, body: { supportAddresses: ['support@brand.example'] } })).status).toBe(200);
  });
  afterAll(async () => {
    await api?.close();
    await stack?.stop();
  });

  const act = (ticketId: string, action: AgentAction) =>
    stack.env.client.workflow.getHandle(ticketId).executeUpdate(agentActionUpdate, { args: [{ action, actorUserId: brand.users.owner.id }] });
  const surveyEvents = (ticketId: string) =>
    stack.orm.em.fork().execute<{ detail: { sent: boolean; reason: string | null; surveyId: string } }[]>(
      `SELECT detail FROM ticket_events WHERE ticket_id = ? AND type = 'csat_survey' ORDER BY occurred_at, id`,
      [ticketId],
    );
  const surveysDecided = (ticketId: string, count: number) =>
    eventually(async () => {
      const events = await surveyEvents(ticketId);
      return events.length >= count ? events.map((event) => event.detail) : undefined;
    }, `${count} survey decisions on ${ticketId}`);
  const emailTicket = async (email: string) => {
    const { ticketId } = await stack.ingestion.ingest({
      accountId: brand.accountId,
      channel: 'email',
      externalId: `<csat-${++sequence}@example.com>`,
      threadKey: `<csat-thread-${sequence}@example.com>`,
      subject: 'My parcel',
      body: 'It has not arrived.',
      sender: { email, name: 'Ada' },
    });
    await eventually(async () => ((await callApi(api.baseUrl, 'GET', `/tickets/${ticketId}`, { token: brand.tokens.owner })).status === 200 ? true : undefined), 'the ticket');
    return ticketId;
  };
  const mailsTo = (email: string) => stack.orm.em.fork().execute<{ text_body: string }[]>(`SELECT text_body FROM caught_mail WHERE ? = ANY(envelope_to) ORDER BY caught_at`, [email]);

  it('records the CSAT of a closed email ticket from its link, and a reopen and close within a week send no second survey', async () => {
    const customer = 'ada@example.com';
    const ticketId = await emailTicket(customer);
    await act(ticketId, { type: 'close' });
    expect(await surveysDecided(ticketId, 1)).toEqual([expect.objectContaining({ sent: true, reason: null })]);
    const mail = await eventually(async () => (await mailsTo(customer)).find((candidate) => candidate.text_body.includes('/csat/')), 'the survey email');
    expect(mail.text_body).toContain('How did we do?');
    const link = /https?:\/\/\S+\/csat\/([A-Za-z0-9_-]+)/.exec(mail.text_body)!;
    const token = link[1]!;

    const page = await fetch(`${api.baseUrl}/csat/${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('How did we do?');
    const answer = await callApi(api.baseUrl, 'POST', `/csat/${token}`, { body: { score: 4, comment: 'Quick and kind' } });
    expect(answer.status).toBe(200);
    const recorded = await callApi(api.baseUrl, 'GET', `/tickets/${ticketId}/csat`, { token: brand.tokens.owner });
    expect(recorded.body).toMatchObject({ surveys: [{ channel: 'email', score: 4, comment: 'Quick and kind' }] });

    // The customer writes again (the ticket reopens) and the agent closes it again, two days later.
    await stack.env.sleep(2 * DAY);
    await stack.ingestion.ingest({ accountId: brand.accountId, channel: 'email', externalId: `<csat-again-${sequence}@example.com>`, threadKey: `<csat-thread-${sequence}@example.com>`, subject: 'Re: My parcel', body: 'Still nothing.', sender: { email: customer } });
    await eventually(async () => ((await callApi(api.baseUrl, 'GET', `/tickets/${ticketId}`, { token: brand.tokens.owner })).body as { ticket: { status: string } }).ticket.status === 'open' || undefined, 'the reopen');
    await act(ticketId, { type: 'close' });
    expect((await surveysDecided(ticketId, 2))[1]).toMatchObject({ sent: false, reason: 'recently_surveyed' });
    expect((await mailsTo(customer)).filter((candidate) => candidate.text_body.includes('/csat/'))).toHaveLength(1);
  });

  it('does not text the SMS survey without consent, and texts it with consent', async () => {
    const withoutConsent = '+14155550801';
    const { ticketId } = await stack.ingestion.ingest({ accountId: brand.accountId, channel: 'sms', externalId: `SMcsat${++sequence}`, body: 'Hi', sender: { phone: withoutConsent } });
    await eventually(async () => ((await callApi(api.baseUrl, 'GET', `/tickets/${ticketId}`, { token: brand.tokens.owner })).status === 200 ? true : undefined), 'the SMS ticket');
    await act(ticketId, { type: 'close' });
    expect(await surveysDecided(ticketId, 1)).toEqual([expect.objectContaining({ sent: false, reason: 'no_consent' })]);
    const outbound = await stack.orm.em.fork().execute<{ id: string }[]>(`SELECT id FROM messages WHERE ticket_id = ? AND direction = 'outbound'`, [ticketId]);
    expect(outbound).toEqual([]);

    const consenting = '+14155550802';
    expect((await callApi(api.baseUrl, 'PUT', '/integration/sms/consent', { token: brand.integrationToken, body: { phone: consenting, consent: 'transactional' } })).status).toBe(200);
    const second = await stack.ingestion.ingest({ accountId: brand.accountId, channel: 'sms', externalId: `SMcsat${++sequence}`, body: 'Hello', sender: { phone: consenting } });
    await eventually(async () => ((await callApi(api.baseUrl, 'GET', `/tickets/${second.ticketId}`, { token: brand.tokens.owner })).status === 200 ? true : undefined), 'the second SMS ticket');
    await act(second.ticketId, { type: 'close' });
    expect(await surveysDecided(second.ticketId, 1)).toEqual([expect.objectContaining({ sent: true })]);
    const [text] = await stack.orm.em.fork().execute<{ body: string; author_user_id: string | null }[]>(`SELECT body, author_user_id FROM messages WHERE ticket_id = ? AND direction = 'outbound'`, [second.ticketId]);
    expect(text).toMatchObject({ author_user_id: null, body: expect.stringMatching(/^How did we do\? Rate us from 1 to 5: http\S+\/csat\/\S+$/) });
  });
});
