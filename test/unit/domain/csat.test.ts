import { describe, expect, it } from '@jest/globals';
import { csatSurveyIds, csatSurveyText, csatSurveyTransition, decideCsatSurvey, DEFAULT_CSAT_SETTINGS, type CsatFacts } from '../../../libs/domain/csat.js';
import { newTicketState } from '../../../libs/domain/ticket.js';

const CLOSED = '2026-12-10T12:00:00.000Z';
const facts = (overrides: Partial<CsatFacts> = {}): CsatFacts => ({
  settings: { ...DEFAULT_CSAT_SETTINGS, enabledChannels: ['email', 'sms', 'web_chat'] },
  channel: 'email',
  closedAt: CLOSED,
  lastSurveySentAt: null,
  smsConsent: null,
  hasRecipient: true,
  ...overrides,
});

describe('deciding the CSAT survey of a closed ticket', () => {
  it('sends on an enabled channel with a recipient', () => {
    expect(decideCsatSurvey(facts())).toEqual({ send: true });
  });

  it('says why not: the channel is off, nobody to send to, no SMS consent, surveyed within the window', () => {
    expect(decideCsatSurvey(facts({ settings: DEFAULT_CSAT_SETTINGS }))).toEqual({ send: false, reason: 'disabled' });
    expect(decideCsatSurvey(facts({ hasRecipient: false }))).toEqual({ send: false, reason: 'no_recipient' });
    expect(decideCsatSurvey(facts({ channel: 'sms', smsConsent: 'none' }))).toEqual({ send: false, reason: 'no_consent' });
    expect(decideCsatSurvey(facts({ channel: 'sms', smsConsent: 'transactional' }))).toEqual({ send: true });
    expect(decideCsatSurvey(facts({ lastSurveySentAt: '2026-12-04T12:00:00.001Z' }))).toEqual({ send: false, reason: 'recently_surveyed' });
    // Exactly 7 days later the window has passed; 0 days surveys every close.
    expect(decideCsatSurvey(facts({ lastSurveySentAt: '2026-12-03T12:00:00.000Z' }))).toEqual({ send: true });
    expect(decideCsatSurvey(facts({ settings: { ...facts().settings, resendAfterDays: 0 }, lastSurveySentAt: CLOSED }))).toEqual({ send: true });
  });

  it('records the decision as an event, and a survey sent as the ticket\'s newest message', () => {
    const state = { ...newTicketState({ ticketId: 't-1', accountId: 'a-1', channel: 'email', createdAt: CLOSED }), version: 4, messageCount: 2 };
    const ids = csatSurveyIds('t-1', 4);
    expect(ids).toEqual({ surveyId: 't-1:csat:4', messageId: 'csat-t-1-4' });
    const sent = csatSurveyTransition(state, { ...ids, decision: { send: true } }, CLOSED);
    expect(sent.state).toMatchObject({ version: 5, messageCount: 3, lastMessageId: 'csat-t-1-4' });
    expect(sent.events).toEqual([{ type: 'csat_survey', at: CLOSED, actorUserId: null, detail: { surveyId: 't-1:csat:4', sent: true, reason: null, messageId: 'csat-t-1-4' } }]);
    const skipped = csatSurveyTransition(state, { ...ids, decision: { send: false, reason: 'no_consent' } }, CLOSED);
    expect(skipped.state).toMatchObject({ version: 5, messageCount: 2 });
    expect(skipped.events[0]!.detail).toEqual({ surveyId: 't-1:csat:4', sent: false, reason: 'no_consent', messageId: null });
  });

  it('words the survey for its channel', () => {
    expect(csatSurveyText('sms', 'How did we do?', 'https://x.test/csat/abc')).toBe('How did we do? Rate us from 1 to 5: https://x.test/csat/abc');
    expect(csatSurveyText('email', 'How did we do?', 'https://x.test/csat/abc')).toContain('\nhttps://x.test/csat/abc');
  });
});
