import { describe, it, expect } from '@jest/globals';
import {
  hasHeader,
  headerValues,
  normaliseEmailAddress,
  parseMailbox,
  parseMailboxList,
} from '../../../libs/domain/email-headers.js';

describe('headerValues and hasHeader', () => {
  const headers = { subject: 'Hi', received: ['a', 'b'], 'X-Mixed-Case': 'yes', absent: undefined };

  it('returns single and repeated values in order', () => {
    expect(headerValues(headers, 'subject')).toEqual(['Hi']);
    expect(headerValues(headers, 'received')).toEqual(['a', 'b']);
    expect(headerValues(headers, 'missing')).toEqual([]);
  });

  it('matches names case-insensitively', () => {
    expect(headerValues(headers, 'Subject')).toEqual(['Hi']);
    expect(headerValues(headers, 'x-mixed-case')).toEqual(['yes']);
    expect(hasHeader(headers, 'X-MIXED-CASE')).toBe(true);
  });

  it('treats an undefined value as absent but an empty one as present', () => {
    expect(hasHeader(headers, 'absent')).toBe(false);
    expect(hasHeader({ 'list-id': '' }, 'list-id')).toBe(true);
  });
});

describe('parseMailbox', () => {
  it.each([
    ['jane@example.com', 'jane@example.com', null],
    ['<jane@example.com>', 'jane@example.com', null],
    ['Jane Doe <Jane@Example.COM>', 'jane@example.com', 'Jane Doe'],
    ['"Doe, Jane" <jane@example.com>', 'jane@example.com', 'Doe, Jane'],
    ['"Jane \\"JD\\" Doe" <jane@example.com>', 'jane@example.com', 'Jane "JD" Doe'],
    ['"a <b@c.d>" <jane@example.com>', 'jane@example.com', 'a <b@c.d>'],
    ['jane@example.com (Jane Doe)', 'jane@example.com', null],
    ['Jane Doe [mailto:jane@example.com]', 'jane@example.com', 'Jane Doe'],
    ['<mailto:jane@example.com>', 'jane@example.com', null],
  ])('reads %j', (value, address, displayName) => {
    expect(parseMailbox(value)).toEqual({ address, displayName });
  });

  it.each(['', 'Jane Doe', 'undisclosed-recipients:;', '<not an address>', 'Jane <>'])('finds no address in %j', (value) => {
    expect(parseMailbox(value)).toBeNull();
  });
});

describe('parseMailboxList', () => {
  it('splits at commas outside quotes, brackets and comments', () => {
    expect(parseMailboxList('"Doe, Jane" <jane@example.com>, bob@example.com (Bob, Jr.), Undisclosed:;').map((m) => m.address)).toEqual([
      'jane@example.com',
      'bob@example.com',
    ]);
  });
});

describe('normaliseEmailAddress', () => {
  it('lower-cases and strips the display name', () => {
    expect(normaliseEmailAddress('Support <Support@Shop.Example>')).toBe('support@shop.example');
    expect(normaliseEmailAddress('nobody')).toBeNull();
  });
});
