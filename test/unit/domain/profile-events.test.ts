import { describe, expect, it } from '@jest/globals';
import { MAX_PROPERTIES_BYTES, validateProfileEvent } from '../../../libs/domain/profile-events.js';

const NOW = '2030-06-01T12:00:00.000Z';
const event = (overrides: Record<string, unknown> = {}) => ({
  uniqueId: 'order-1001',
  metric: 'Placed Order',
  profile: { email: 'Ann@Example.com' },
  time: '2030-05-31T10:00:00+02:00',
  value: 59.9,
  properties: { items: ['Mug'] },
  ...overrides,
});

describe('validateProfileEvent', () => {
  it('accepts an event, normalised: trimmed names, lower-cased email, E.164 phone, UTC time', () => {
    expect(validateProfileEvent(event({ metric: ' Placed Order ', profile: { email: 'Ann@Example.com', phone: '+1 (415) 555-0100', externalId: ' c-1 ' } }), NOW)).toEqual({
      ok: true,
      event: {
        uniqueId: 'order-1001',
        metric: 'Placed Order',
        profile: { email: 'ann@example.com', phone: '+14155550100', externalId: 'c-1' },
        occurredAt: '2030-05-31T08:00:00.000Z',
        value: 59.9,
        properties: { items: ['Mug'] },
      },
    });
  });

  it.each([
    [{ uniqueId: '' }, 'uniqueId'],
    [{ uniqueId: 'x'.repeat(201) }, 'uniqueId'],
    [{ metric: undefined }, 'metric'],
    [{ profile: undefined }, 'profile'],
    [{ profile: {} }, 'profile'],
    [{ profile: { email: 'not-an-email' } }, 'profile.email'],
    [{ profile: { phone: '12' } }, 'profile.phone'],
    [{ profile: { externalId: 7 } }, 'profile.externalId'],
    [{ time: '2030-05-31' }, 'time'],
    [{ time: '2030-05-31T10:00:00' }, 'time'],
    [{ time: '2030-06-01T12:10:00Z' }, 'time'],
    [{ value: 'twelve' }, 'value'],
    [{ value: Number.POSITIVE_INFINITY }, 'value'],
    [{ properties: ['a'] }, 'properties'],
    [{ properties: { blob: 'x'.repeat(MAX_PROPERTIES_BYTES) } }, 'properties'],
  ])('refuses %j naming %s', (overrides, field) => {
    const verdict = validateProfileEvent(event(overrides), NOW);
    expect(verdict).toMatchObject({ ok: false, field });
    expect(verdict.ok ? '' : verdict.reason).not.toBe('');
  });

  it('tolerates five minutes of clock skew for an event just ahead of now', () => {
    expect(validateProfileEvent(event({ time: '2030-06-01T12:04:00Z' }), NOW).ok).toBe(true);
  });

  it('refuses what is not an object at all', () => {
    expect(validateProfileEvent('event' as never, NOW)).toMatchObject({ ok: false, field: '' });
  });
});
