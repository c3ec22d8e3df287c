import { describe, it, expect } from '@jest/globals';
import {
  findForwardedSender,
  normaliseMessageId,
  parseMessageIdList,
  resolveOriginalSender,
  stripQuotedHistory,
  threadKeysForMessage,
} from '../../../libs/domain/email-threading.js';

describe('normaliseMessageId', () => {
  it('strips angle brackets and folding whitespace', () => {
    expect(normaliseMessageId(' <abc.123@mail.example> ')).toBe('abc.123@mail.example');
    expect(normaliseMessageId('<abc.123@\r\n mail.example>')).toBe('abc.123@mail.example');
  });

  it('lower-cases the domain part only', () => {
    expect(normaliseMessageId('<CAF=Xy+Ab@Mail.Gmail.COM>')).toBe('CAF=Xy+Ab@mail.gmail.com');
    expect(normaliseMessageId('<a@b@Host.Example>')).toBe('a@b@host.example');
  });

  it('keeps an ID without a domain as it is', () => {
    expect(normaliseMessageId('<NoDomainId>')).toBe('NoDomainId');
  });

  it('returns null when nothing is left', () => {
    expect(normaliseMessageId('<>')).toBeNull();
    expect(normaliseMessageId('   ')).toBeNull();
  });
});

describe('parseMessageIdList', () => {
  it('reads bracketed IDs in order, ignoring text around them', () => {
    expect(parseMessageIdList('<a@x.example> (Jane) <b@X.example>\r\n <c@x.example>')).toEqual([
      'a@x.example',
      'b@x.example',
      'c@x.example',
    ]);
  });

  it('splits unbracketed IDs at whitespace and commas', () => {
    expect(parseMessageIdList('a@x.example, b@x.example  c@x.example')).toEqual(['a@x.example', 'b@x.example', 'c@x.example']);
  });

  it('accepts repeated headers and missing values', () => {
    expect(parseMessageIdList(['<a@x.example>', '<b@x.example>'])).toEqual(['a@x.example', 'b@x.example']);
    expect(parseMessageIdList(null)).toEqual([]);
    expect(parseMessageIdList(undefined)).toEqual([]);
    expect(parseMessageIdList('')).toEqual([]);
  });
});

describe('threadKeysForMessage', () => {
  it('puts In-Reply-To first, then References from newest to oldest', () => {
    const keys = threadKeysForMessage({
      messageId: '<m4@x.example>',
      inReplyTo: '<m3@x.example>',
      references: '<m1@x.example> <m2@x.example> <m3@x.example>',
    });
    expect(keys).toEqual({ messageId: 'm4@x.example', candidates: ['m3@x.example', 'm2@x.example', 'm1@x.example'] });
  });

  it('uses References when In-Reply-To is missing', () => {
    expect(threadKeysForMessage({ messageId: null, inReplyTo: null, references: '<m1@x.example> <m2@x.example>' })).toEqual({
      messageId: null,
      candidates: ['m2@x.example', 'm1@x.example'],
    });
  });

  it('keeps In-Reply-To first even when References disagrees', () => {
    const keys = threadKeysForMessage({ messageId: '<m9@x.example>', inReplyTo: '<m5@x.example>', references: '<m1@x.example> <m2@x.example>' });
    expect(keys.candidates).toEqual(['m5@x.example', 'm2@x.example', 'm1@x.example']);
  });

  it('drops duplicates and the message itself', () => {
    const keys = threadKeysForMessage({
      messageId: '<m2@X.example>',
      inReplyTo: '<m1@x.example>',
      references: '<m1@x.example> <m2@x.example> <M1@x.example>',
    });
    expect(keys.candidates).toEqual(['m1@x.example', 'M1@x.example']);
  });

  it('returns no candidates for a new conversation', () => {
    expect(threadKeysForMessage({ messageId: '<first@x.example>', inReplyTo: undefined, references: undefined })).toEqual({
      messageId: 'first@x.example',
      candidates: [],
    });
  });
});

describe('findForwardedSender', () => {
  it('reads a Gmail forward', () => {
    const body = [
      'FYI, see below.',
      '',
      '---------- Forwarded message ---------',
      'From: Jane Doe <jane@customer.example>',
      'Date: Mon, 1 Apr 2024 at 10:00',
      'Subject: Broken zipper',
      'To: <agent@shop.example>',
      '',
      'My jacket arrived broken.',
    ].join('\n');
    expect(findForwardedSender(body)).toEqual({ address: 'jane@customer.example', displayName: 'Jane Doe' });
  });

  it('reads an Apple Mail forward with a blank line after the marker', () => {
    const body = 'Begin forwarded message:\r\n\r\nFrom: "Doe, Jane" <jane@customer.example>\r\nSubject: Hi\r\n\r\nHello';
    expect(findForwardedSender(body)).toEqual({ address: 'jane@customer.example', displayName: 'Doe, Jane' });
  });

  it('reads bolded labels and an Outlook mailto form', () => {
    expect(findForwardedSender('---------- Forwarded message ---------\n*From:* *Jane* <jane@customer.example>')?.address).toBe(
      'jane@customer.example',
    );
    expect(findForwardedSender('-----Original Message-----\nFrom: Jane Doe [mailto:jane@customer.example]\nSent: Monday')?.address).toBe(
      'jane@customer.example',
    );
  });

  it('reads a forward quoted with ">"', () => {
    expect(findForwardedSender('> ---------- Forwarded message ---------\n> From: jane@customer.example')?.address).toBe(
      'jane@customer.example',
    );
  });

  it('ignores a From line outside the forwarded headers', () => {
    expect(findForwardedSender('From: jane@customer.example\n\nno forward here')).toBeNull();
    expect(
      findForwardedSender('---------- Forwarded message ---------\nSubject: Hi\nDate: today\n\nFrom: jane@customer.example'),
    ).toBeNull();
  });
});

describe('resolveOriginalSender', () => {
  const forwarders = ['Support Group <support@shop.example>', 'agent@shop.example'];

  it('uses the From of an ordinary email', () => {
    expect(resolveOriginalSender({ from: 'Jane <jane@customer.example>' }, forwarders)).toEqual({
      address: 'jane@customer.example',
      displayName: 'Jane',
      source: 'from',
    });
  });

  it('prefers X-Original-From', () => {
    const headers = { from: 'support@shop.example', 'x-original-from': 'Jane <jane@customer.example>', 'reply-to': 'other@x.example' };
    expect(resolveOriginalSender(headers, forwarders)).toMatchObject({ address: 'jane@customer.example', source: 'x_original_from' });
  });

  it('ignores an X-Original-From that is itself a forwarder', () => {
    const headers = { from: 'jane@customer.example', 'x-original-from': 'agent@shop.example' };
    expect(resolveOriginalSender(headers, forwarders)).toMatchObject({ address: 'jane@customer.example', source: 'from' });
  });

  it('uses Reply-To when From is a forwarder', () => {
    const headers = { from: 'Support Group <SUPPORT@shop.example>', 'reply-to': 'Jane <jane@customer.example>' };
    expect(resolveOriginalSender(headers, forwarders)).toMatchObject({ address: 'jane@customer.example', source: 'reply_to' });
  });

  it('ignores Reply-To when From is the customer', () => {
    const headers = { from: 'jane@customer.example', 'reply-to': 'jane.private@home.example' };
    expect(resolveOriginalSender(headers, forwarders)).toMatchObject({ address: 'jane@customer.example', source: 'from' });
  });

  it('reads the forwarded body when a forwarder sent it without Reply-To', () => {
    const body = 'Customer asked this:\n\n---------- Forwarded message ---------\nFrom: Jane <jane@customer.example>\nSubject: x\n\nHi';
    expect(resolveOriginalSender({ from: 'agent@shop.example' }, forwarders, body)).toMatchObject({
      address: 'jane@customer.example',
      source: 'forwarded_body',
    });
  });

  it('does not let a customer forwarding someone else become that sender', () => {
    const body = '---------- Forwarded message ---------\nFrom: orders@marketplace.example\n\nYour order';
    expect(resolveOriginalSender({ from: 'jane@customer.example' }, forwarders, body)).toMatchObject({
      address: 'jane@customer.example',
      source: 'from',
    });
  });

  it('skips a Reply-To that is a forwarder and falls back to the forwarder when nothing else is known', () => {
    const headers = { from: 'agent@shop.example', 'reply-to': 'support@shop.example' };
    expect(resolveOriginalSender(headers, forwarders, 'no forward marker')).toMatchObject({
      address: 'agent@shop.example',
      source: 'forwarder',
    });
  });

  it('returns null when the message names no sender', () => {
    expect(resolveOriginalSender({}, forwarders)).toBeNull();
  });
});

describe('stripQuotedHistory', () => {
  it('removes a Gmail-style "On … wrote:" block and its quote', () => {
    const text = [
      'Thanks, that worked!',
      '',
      'On Mon, Apr 1, 2024 at 10:00 AM Shop Support <support@shop.example> wrote:',
      '> Please restart the app.',
      '>',
      '> > Earlier question',
    ].join('\n');
    expect(stripQuotedHistory(text)).toBe('Thanks, that worked!');
  });

  it('handles an attribution line wrapped over two lines', () => {
    const text = 'Great.\r\n\r\nOn Mon, Apr 1, 2024 at 10:00 AM Shop Support <\r\nsupport@shop.example> wrote:\r\n\r\n> Old text';
    expect(stripQuotedHistory(text)).toBe('Great.');
  });

  it('keeps inline answers between quotes', () => {
    const text = ['On Tuesday, Shop wrote:', '> What size?', 'Medium.', '> Which colour?', 'Blue.'].join('\n');
    expect(stripQuotedHistory(text)).toBe('Medium.\nBlue.');
  });

  it('keeps an ordinary sentence starting with "On"', () => {
    const text = 'On Monday I ordered shoes.\nThey never arrived.';
    expect(stripQuotedHistory(text)).toBe(text);
  });

  it('keeps an "On … wrote:" line that is not followed by a quote', () => {
    const text = 'On Monday my friend wrote:\nthe shoes are great.';
    expect(stripQuotedHistory(text)).toBe(text);
  });

  it('removes an Outlook-style unquoted history', () => {
    expect(stripQuotedHistory('Yes please.\n\n-----Original Message-----\nFrom: Shop\nSent: Monday\n\nOld')).toBe('Yes please.');
    expect(
      stripQuotedHistory('Yes please.\n\n________________________________\nFrom: Shop <support@shop.example>\nSent: Monday\n\nOld'),
    ).toBe('Yes please.');
  });

  it('keeps an underscore rule that does not start a history', () => {
    expect(stripQuotedHistory('Line one\n______________\nLine two')).toBe('Line one\n______________\nLine two');
  });

  it('collapses the blank lines left behind', () => {
    expect(stripQuotedHistory('Hello\n\n> quoted\n\n\nBye')).toBe('Hello\n\nBye');
  });

  it('returns the original text when it is nothing but a quote', () => {
    expect(stripQuotedHistory('> only a quote\n')).toBe('> only a quote');
  });
});
