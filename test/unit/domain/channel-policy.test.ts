import { describe, it, expect } from '@jest/globals';
import { CHANNELS, channelPolicy, isChannel, ticketEndsWhenClosed, type Channel } from '../../../libs/domain/channel-policy.js';

describe('CHANNELS', () => {
  it('lists exactly the three channels of SPEC §2', () => {
    expect([...CHANNELS]).toEqual(['web_chat', 'email', 'sms']);
  });
});

describe('channelPolicy', () => {
  it('web chat: a closed ticket is never reopened, a new message starts a new ticket, keyed by conversation', () => {
    expect(channelPolicy('web_chat')).toEqual({
      inboundOnClosedTicket: 'start_new_ticket',
      agentMayReopen: false,
      ticketKey: 'conversation',
    });
  });

  it('email: a reply in the thread reopens the ticket, keyed by thread', () => {
    expect(channelPolicy('email')).toEqual({ inboundOnClosedTicket: 'reopen', agentMayReopen: true, ticketKey: 'thread' });
  });

  it('sms: every new message reopens the one ticket per phone number', () => {
    expect(channelPolicy('sms')).toEqual({ inboundOnClosedTicket: 'reopen', agentMayReopen: true, ticketKey: 'phone_number' });
  });

  it('gives every channel a distinct ticket key', () => {
    const keys = CHANNELS.map((channel) => channelPolicy(channel).ticketKey);
    expect(new Set(keys).size).toBe(CHANNELS.length);
  });

  it('lets an agent reopen exactly the channels whose inbound messages reopen a closed ticket', () => {
    for (const channel of CHANNELS) {
      const policy = channelPolicy(channel);
      expect(policy.agentMayReopen).toBe(policy.inboundOnClosedTicket === 'reopen');
    }
  });
});

describe('isChannel', () => {
  it.each(['web_chat', 'email', 'sms'])('accepts %s', (value) => {
    expect(isChannel(value)).toBe(true);
  });

  it.each([
    ['upper case', 'EMAIL'],
    ['padded', ' sms '],
    ['other spelling', 'webchat'],
    ['hyphenated', 'web-chat'],
    ['empty', ''],
    ['unknown', 'whatsapp'],
    ['prototype key', 'toString'],
  ])('rejects a string that is not a channel (%s)', (_label, value) => {
    expect(isChannel(value)).toBe(false);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['number', 1],
    ['array', ['email']],
    ['object', { channel: 'email' }],
    ['boolean', true],
  ])('rejects a non-string (%s)', (_label, value) => {
    expect(isChannel(value)).toBe(false);
  });
});

describe('ticketEndsWhenClosed', () => {
  it.each<[Channel, boolean]>([
    ['web_chat', true],
    ['email', false],
    ['sms', false],
  ])('%s → %s', (channel, expected) => {
    expect(ticketEndsWhenClosed(channel)).toBe(expected);
  });
});
