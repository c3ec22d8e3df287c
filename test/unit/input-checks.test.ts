import { describe, expect, it } from '@jest/globals';
import { isStorableDateTime } from '../../apps/api/common/date-time.validator.js';
import { firstUnstorableText, nestedDeeperThan } from '../../apps/api/common/validation.js';
import { isStorableText, storableText } from '../../libs/persistence/storable-text.js';

describe('input checks before PostgreSQL', () => {
  it('tells storable text from NUL and unpaired surrogates, as storableText replaces them', () => {
    for (const text of ['plain', 'emoji 😀', '', 'ünïcödé']) expect(isStorableText(text)).toBe(true);
    for (const text of ['a\u0000b', '\uD800', 'x\uDC00', '\uDBFFy']) {
      expect(isStorableText(text)).toBe(false);
      expect(isStorableText(storableText(text))).toBe(true);
    }
    expect(isStorableText('a\u0000b')).toBe(false); // the shared regex keeps no state between calls
  });

  it('names the path of the first unstorable string, keys included', () => {
    expect(firstUnstorableText({ a: 'ok', sender: { name: 'x\u0000' } })).toBe('sender.name');
    expect(firstUnstorableText({ tags: ['ok', '\uD800'] })).toBe('tags[1]');
    expect(firstUnstorableText({ ['k\u0000']: 1 })).toBe('k\u0000');
    expect(firstUnstorableText({ a: 1, b: [true, null] })).toBeUndefined();
  });

  it('measures nesting without recursion', () => {
    let deep: unknown = 1;
    for (let level = 0; level < 100_000; level++) deep = { a: deep };
    expect(nestedDeeperThan(deep, 32)).toBe(true);
    expect(nestedDeeperThan({ a: { b: [{ c: 1 }] } }, 32)).toBe(false);
  });

  it('takes date-times PostgreSQL reads the same way', () => {
    for (const value of ['2026-01-01T00:00:00Z', '2026-01-01', '2026-01-01T00:00:00.5+14:00', '2026-01-01T00:00:00-0530']) expect(isStorableDateTime(value)).toBe(true);
    for (const value of ['2026-01-01T00:00:00-22:44', '2026-02-30T00:00:00Z', 'tomorrow', 42]) expect(isStorableDateTime(value)).toBe(false);
  });
});
