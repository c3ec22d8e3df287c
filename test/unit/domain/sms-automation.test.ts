import { describe, expect, it } from '@jest/globals';
import type { SmsAttribution } from '../../../libs/domain/attribution.js';
import { autoResponseMessageId, smsAutomationTransition } from '../../../libs/domain/sms-automation.js';
import { newTicketState } from '../../../libs/domain/ticket.js';

const NOW = '2026-01-02T10:00:00.000Z';
const state = { ...newTicketState({ ticketId: 't1', accountId: 'a1', channel: 'sms', createdAt: '2026-01-01T00:00:00.000Z' }), messageCount: 1, version: 1 };
const send = { id: 'send-1', kind: 'flow' as const, sourceId: 'welcome', sentAt: '2026-01-02T09:00:00.000Z' };
const attributed: SmsAttribution = { send, reason: 'within_window', candidate: send };

describe('smsAutomationTransition', () => {
  it('records an auto-response as a message of the thread and both decisions as events', () => {
    const responseId = autoResponseMessageId('msg-1');
    const { state: next, events } = smsAutomationTransition(
      state,
      { messageId: 'msg-1', attribution: attributed, autoResponse: { send: true, text: 'Hi', reason: 'sent' }, autoResponseMessageId: responseId },
      NOW,
    );
    expect(next).toMatchObject({ messageCount: 2, lastMessageId: 'auto-msg-1', version: 2, updatedAt: NOW });
    expect(events).toEqual([
      { type: 'sms_attributed', at: NOW, actorUserId: null, detail: { messageId: 'msg-1', reason: 'within_window', sendId: 'send-1', kind: 'flow', sourceId: 'welcome', sentAt: send.sentAt, candidateSendId: 'send-1' } },
      { type: 'auto_response', at: NOW, actorUserId: null, detail: { inReplyTo: 'msg-1', sent: true, reason: 'sent', messageId: 'auto-msg-1' } },
    ]);
  });

  it('explains a response not sent and an attribution not made, leaving the thread as it was', () => {
    const { state: next, events } = smsAutomationTransition(
      state,
      {
        messageId: 'msg-2',
        attribution: { send: null, reason: 'outside_window', candidate: send },
        autoResponse: { send: false, reason: 'rate_limited' },
        autoResponseMessageId: autoResponseMessageId('msg-2'),
      },
      NOW,
    );
    expect(next).toMatchObject({ messageCount: 1, lastMessageId: null, version: 2 });
    expect(events.map((event) => event.detail)).toEqual([
      { messageId: 'msg-2', reason: 'outside_window', sendId: null, kind: null, sourceId: null, sentAt: null, candidateSendId: 'send-1' },
      { inReplyTo: 'msg-2', sent: false, reason: 'rate_limited', messageId: null },
    ]);
  });
});
