import { describe, it, expect } from '@jest/globals';
import {
  isWithinOfficeHours,
  nextOfficeHoursChange,
  validateOfficeHours,
  zonedWallTimeToUtc,
  type DayOfWeek,
  type OfficeHours,
} from '../../../libs/domain/office-hours.js';

const at = (iso: string) => new Date(iso);
const weekdays = (opens: string, closes: string) =>
  ([1, 2, 3, 4, 5] as DayOfWeek[]).map((day) => ({ day, opens, closes }));

const berlin: OfficeHours = { timeZone: 'Europe/Berlin', weekly: weekdays('09:00', '17:00'), exceptions: [] };
const newYork: OfficeHours = { timeZone: 'America/New_York', weekly: weekdays('09:00', '17:00'), exceptions: [] };

describe('zonedWallTimeToUtc', () => {
  it('converts an ordinary wall time with the offset in force', () => {
    expect(zonedWallTimeToUtc('Europe/Berlin', { year: 2024, month: 1, day: 15 }, 9 * 60).toISOString()).toBe('2024-01-15T08:00:00.000Z');
    expect(zonedWallTimeToUtc('Europe/Berlin', { year: 2024, month: 7, day: 15 }, 9 * 60).toISOString()).toBe('2024-07-15T07:00:00.000Z');
    expect(zonedWallTimeToUtc('Asia/Kolkata', { year: 2024, month: 7, day: 15 }, 9 * 60).toISOString()).toBe('2024-07-15T03:30:00.000Z');
  });

  it('pushes a time in the spring-forward gap forward by the gap', () => {
    // Berlin skips 02:00–03:00 on 31 March 2024.
    expect(zonedWallTimeToUtc('Europe/Berlin', { year: 2024, month: 3, day: 31 }, 2 * 60 + 30).toISOString()).toBe('2024-03-31T01:30:00.000Z');
    // New York skips 02:00–03:00 on 10 March 2024.
    expect(zonedWallTimeToUtc('America/New_York', { year: 2024, month: 3, day: 10 }, 2 * 60 + 30).toISOString()).toBe('2024-03-10T07:30:00.000Z');
  });

  it('takes the first occurrence of a time repeated by the fall-back overlap', () => {
    // Berlin repeats 02:00–03:00 on 27 October 2024: first in CEST (+2).
    expect(zonedWallTimeToUtc('Europe/Berlin', { year: 2024, month: 10, day: 27 }, 2 * 60 + 30).toISOString()).toBe('2024-10-27T00:30:00.000Z');
    // New York repeats 01:00–02:00 on 3 November 2024: first in EDT (-4).
    expect(zonedWallTimeToUtc('America/New_York', { year: 2024, month: 11, day: 3 }, 60 + 30).toISOString()).toBe('2024-11-03T05:30:00.000Z');
  });

  it('handles the southern hemisphere and minutes past 24 hours', () => {
    // Sydney skips 02:00–03:00 on 6 October 2024.
    expect(zonedWallTimeToUtc('Australia/Sydney', { year: 2024, month: 10, day: 6 }, 2 * 60 + 15).toISOString()).toBe('2024-10-05T16:15:00.000Z');
    expect(zonedWallTimeToUtc('Europe/Berlin', { year: 2024, month: 12, day: 31 }, 24 * 60 + 60).toISOString()).toBe('2025-01-01T00:00:00.000Z');
  });
});

describe('isWithinOfficeHours', () => {
  it('follows the weekly schedule in the zone, opening inclusive and closing exclusive', () => {
    expect(isWithinOfficeHours(berlin, at('2024-01-15T07:59:59Z'))).toBe(false);
    expect(isWithinOfficeHours(berlin, at('2024-01-15T08:00:00Z'))).toBe(true);
    expect(isWithinOfficeHours(berlin, at('2024-01-15T15:59:59Z'))).toBe(true);
    expect(isWithinOfficeHours(berlin, at('2024-01-15T16:00:00Z'))).toBe(false);
    expect(isWithinOfficeHours(berlin, at('2024-01-13T10:00:00Z'))).toBe(false);
  });

  it('shifts with Berlin summer time after the March change', () => {
    // Friday 29 March (CET, +1) and Monday 1 April (CEST, +2).
    expect(isWithinOfficeHours(berlin, at('2024-03-29T08:00:00Z'))).toBe(true);
    expect(isWithinOfficeHours(berlin, at('2024-04-01T07:00:00Z'))).toBe(true);
    expect(isWithinOfficeHours(berlin, at('2024-04-01T06:59:00Z'))).toBe(false);
    expect(isWithinOfficeHours(berlin, at('2024-04-01T15:00:00Z'))).toBe(false);
  });

  it('shifts back after the Berlin October change', () => {
    expect(isWithinOfficeHours(berlin, at('2024-10-25T14:59:00Z'))).toBe(true);
    expect(isWithinOfficeHours(berlin, at('2024-10-25T15:00:00Z'))).toBe(false);
    expect(isWithinOfficeHours(berlin, at('2024-10-28T07:30:00Z'))).toBe(false);
    expect(isWithinOfficeHours(berlin, at('2024-10-28T08:00:00Z'))).toBe(true);
    expect(isWithinOfficeHours(berlin, at('2024-10-28T15:30:00Z'))).toBe(true);
  });

  it('follows New York across its own March and November changes', () => {
    expect(isWithinOfficeHours(newYork, at('2024-03-08T21:59:00Z'))).toBe(true);
    expect(isWithinOfficeHours(newYork, at('2024-03-11T12:59:00Z'))).toBe(false);
    expect(isWithinOfficeHours(newYork, at('2024-03-11T13:00:00Z'))).toBe(true);
    expect(isWithinOfficeHours(newYork, at('2024-11-04T13:30:00Z'))).toBe(false);
    expect(isWithinOfficeHours(newYork, at('2024-11-04T14:00:00Z'))).toBe(true);
  });

  it('keeps a window running through the spring-forward gap to its wall-clock close', () => {
    const sunday: OfficeHours = { timeZone: 'America/New_York', weekly: [{ day: 0, opens: '01:00', closes: '04:00' }], exceptions: [] };
    // 01:00 EST = 06:00Z; 04:00 EDT = 08:00Z: two real hours on 10 March 2024.
    expect(isWithinOfficeHours(sunday, at('2024-03-10T05:59:00Z'))).toBe(false);
    expect(isWithinOfficeHours(sunday, at('2024-03-10T07:30:00Z'))).toBe(true);
    expect(isWithinOfficeHours(sunday, at('2024-03-10T08:00:00Z'))).toBe(false);
  });

  it('includes the repeated hour of the fall-back overlap', () => {
    const sunday: OfficeHours = { timeZone: 'America/New_York', weekly: [{ day: 0, opens: '01:30', closes: '03:00' }], exceptions: [] };
    // 01:30 EDT = 05:30Z; 03:00 EST = 08:00Z on 3 November 2024.
    expect(isWithinOfficeHours(sunday, at('2024-11-03T05:29:00Z'))).toBe(false);
    expect(isWithinOfficeHours(sunday, at('2024-11-03T05:30:00Z'))).toBe(true);
    expect(isWithinOfficeHours(sunday, at('2024-11-03T06:45:00Z'))).toBe(true);
    expect(isWithinOfficeHours(sunday, at('2024-11-03T08:00:00Z'))).toBe(false);
  });

  it('closes on a holiday exception and uses special hours from an exception', () => {
    const christmas: OfficeHours = {
      ...berlin,
      exceptions: [
        { date: '2024-12-24', opens: '09:00', closes: '12:00' },
        { date: '2024-12-25', closed: true },
        { date: '2024-12-28', opens: '10:00', closes: '14:00' },
      ],
    };
    expect(isWithinOfficeHours(christmas, at('2024-12-24T10:59:00Z'))).toBe(true);
    expect(isWithinOfficeHours(christmas, at('2024-12-24T11:00:00Z'))).toBe(false);
    expect(isWithinOfficeHours(christmas, at('2024-12-25T10:00:00Z'))).toBe(false);
    expect(isWithinOfficeHours(christmas, at('2024-12-26T10:00:00Z'))).toBe(true);
    // A Saturday opened by an exception.
    expect(isWithinOfficeHours(christmas, at('2024-12-28T09:30:00Z'))).toBe(true);
    expect(isWithinOfficeHours(berlin, at('2024-12-28T09:30:00Z'))).toBe(false);
  });

  it('applies an exception to the local date, not the UTC date', () => {
    const tokyo: OfficeHours = {
      timeZone: 'Asia/Tokyo',
      weekly: weekdays('08:00', '18:00'),
      exceptions: [{ date: '2024-01-16', closed: true }],
    };
    // 2024-01-15T23:30Z is Tuesday 16 January 08:30 in Tokyo.
    expect(isWithinOfficeHours(tokyo, at('2024-01-15T23:30:00Z'))).toBe(false);
    expect(isWithinOfficeHours({ ...tokyo, exceptions: [] }, at('2024-01-15T23:30:00Z'))).toBe(true);
  });

  it('supports a window running past midnight, owned by the day it opens', () => {
    const lateFriday: OfficeHours = {
      timeZone: 'America/New_York',
      weekly: [{ day: 5, opens: '22:00', closes: '02:00' }],
      exceptions: [{ date: '2024-01-20', closed: true }],
    };
    // Friday 19 January 22:00 EST = 20 January 03:00Z; Saturday 02:00 EST = 07:00Z.
    expect(isWithinOfficeHours(lateFriday, at('2024-01-20T02:59:00Z'))).toBe(false);
    expect(isWithinOfficeHours(lateFriday, at('2024-01-20T03:00:00Z'))).toBe(true);
    // Saturday 01:00 local is still Friday's window, despite Saturday's closure.
    expect(isWithinOfficeHours(lateFriday, at('2024-01-20T06:00:00Z'))).toBe(true);
    expect(isWithinOfficeHours(lateFriday, at('2024-01-20T07:00:00Z'))).toBe(false);
  });

  it('ends an overnight window at the wall-clock close when the gap falls inside it', () => {
    const lateSaturday: OfficeHours = { timeZone: 'America/New_York', weekly: [{ day: 6, opens: '22:00', closes: '02:00' }], exceptions: [] };
    // Saturday 9 March 22:00 EST = 10 March 03:00Z; "02:00" does not exist and becomes 03:00 EDT = 07:00Z.
    expect(isWithinOfficeHours(lateSaturday, at('2024-03-10T06:59:00Z'))).toBe(true);
    expect(isWithinOfficeHours(lateSaturday, at('2024-03-10T07:00:00Z'))).toBe(false);
  });

  it('treats 24:00 as the end of the day', () => {
    const allMonday: OfficeHours = { timeZone: 'Europe/Berlin', weekly: [{ day: 1, opens: '00:00', closes: '24:00' }], exceptions: [] };
    expect(isWithinOfficeHours(allMonday, at('2024-01-14T23:00:00Z'))).toBe(true);
    expect(isWithinOfficeHours(allMonday, at('2024-01-15T22:59:59Z'))).toBe(true);
    expect(isWithinOfficeHours(allMonday, at('2024-01-15T23:00:00Z'))).toBe(false);
  });

  it('refuses invalid settings and instants', () => {
    expect(() => isWithinOfficeHours({ ...berlin, timeZone: 'Mars/Olympus' }, at('2024-01-15T10:00:00Z'))).toThrow(/timeZone/);
    expect(() => isWithinOfficeHours(berlin, new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('nextOfficeHoursChange', () => {
  it('finds the closing time while open and the next opening while closed', () => {
    expect(nextOfficeHoursChange(berlin, at('2024-01-15T10:00:00Z'))).toEqual({ kind: 'closes', at: at('2024-01-15T16:00:00Z') });
    expect(nextOfficeHoursChange(berlin, at('2024-01-15T17:00:00Z'))).toEqual({ kind: 'opens', at: at('2024-01-16T08:00:00Z') });
  });

  it('looks strictly after the instant', () => {
    expect(nextOfficeHoursChange(berlin, at('2024-01-15T08:00:00Z'))).toEqual({ kind: 'closes', at: at('2024-01-15T16:00:00Z') });
    expect(nextOfficeHoursChange(berlin, at('2024-01-15T16:00:00Z'))).toEqual({ kind: 'opens', at: at('2024-01-16T08:00:00Z') });
  });

  it('crosses the Berlin March change over a weekend', () => {
    expect(nextOfficeHoursChange(berlin, at('2024-03-29T16:00:00Z'))).toEqual({ kind: 'opens', at: at('2024-04-01T07:00:00Z') });
  });

  it('crosses the Berlin October change over a weekend', () => {
    expect(nextOfficeHoursChange(berlin, at('2024-10-25T15:00:00Z'))).toEqual({ kind: 'opens', at: at('2024-10-28T08:00:00Z') });
  });

  it('crosses the New York March and November changes', () => {
    expect(nextOfficeHoursChange(newYork, at('2024-03-08T22:00:00Z'))).toEqual({ kind: 'opens', at: at('2024-03-11T13:00:00Z') });
    expect(nextOfficeHoursChange(newYork, at('2024-11-01T21:00:00Z'))).toEqual({ kind: 'opens', at: at('2024-11-04T14:00:00Z') });
  });

  it('opens at the shifted time when the opening falls in the gap', () => {
    const sunday: OfficeHours = { timeZone: 'America/New_York', weekly: [{ day: 0, opens: '02:30', closes: '05:00' }], exceptions: [] };
    expect(nextOfficeHoursChange(sunday, at('2024-03-10T06:00:00Z'))).toEqual({ kind: 'opens', at: at('2024-03-10T07:30:00Z') });
  });

  it('skips a holiday', () => {
    const christmas: OfficeHours = { ...berlin, exceptions: [{ date: '2024-12-25', closed: true }] };
    expect(nextOfficeHoursChange(christmas, at('2024-12-24T16:00:00Z'))).toEqual({ kind: 'opens', at: at('2024-12-26T08:00:00Z') });
  });

  it('closes an overnight window after midnight', () => {
    const lateFriday: OfficeHours = { timeZone: 'America/New_York', weekly: [{ day: 5, opens: '22:00', closes: '02:00' }], exceptions: [] };
    expect(nextOfficeHoursChange(lateFriday, at('2024-01-20T05:00:00Z'))).toEqual({ kind: 'closes', at: at('2024-01-20T07:00:00Z') });
  });

  it('does not report midnight between touching whole days', () => {
    const monTue: OfficeHours = {
      timeZone: 'Europe/Berlin',
      weekly: [
        { day: 1, opens: '00:00', closes: '24:00' },
        { day: 2, opens: '00:00', closes: '24:00' },
      ],
      exceptions: [],
    };
    // Closes at Wednesday 00:00 Berlin.
    expect(nextOfficeHoursChange(monTue, at('2024-01-15T10:00:00Z'))).toEqual({ kind: 'closes', at: at('2024-01-16T23:00:00Z') });
  });

  it('merges an overnight window with the next morning', () => {
    const hours: OfficeHours = {
      timeZone: 'Europe/Berlin',
      weekly: [
        { day: 1, opens: '20:00', closes: '06:00' },
        { day: 2, opens: '05:00', closes: '10:00' },
      ],
      exceptions: [],
    };
    expect(nextOfficeHoursChange(hours, at('2024-01-15T22:00:00Z'))).toEqual({ kind: 'closes', at: at('2024-01-16T09:00:00Z') });
  });

  it('returns null when nothing changes within 14 days', () => {
    const always: OfficeHours = {
      timeZone: 'Europe/Berlin',
      weekly: ([0, 1, 2, 3, 4, 5, 6] as DayOfWeek[]).map((day) => ({ day, opens: '00:00', closes: '24:00' })),
      exceptions: [],
    };
    expect(nextOfficeHoursChange(always, at('2024-01-15T10:00:00Z'))).toBeNull();
    expect(nextOfficeHoursChange({ ...berlin, weekly: [] }, at('2024-01-15T10:00:00Z'))).toBeNull();
  });

  it('searches 14 days unless told otherwise', () => {
    const mondayOnly: OfficeHours = {
      ...berlin,
      weekly: [{ day: 1, opens: '09:00', closes: '17:00' }],
      exceptions: [{ date: '2024-01-22', closed: true }],
    };
    // From Monday 15 January 17:00 Berlin, the next opening is Monday 29 January (13 days 16 hours later).
    expect(nextOfficeHoursChange(mondayOnly, at('2024-01-15T16:00:00Z'))).toEqual({ kind: 'opens', at: at('2024-01-29T08:00:00Z') });
    expect(nextOfficeHoursChange(mondayOnly, at('2024-01-15T16:00:00Z'), 13)).toBeNull();
    expect(nextOfficeHoursChange(mondayOnly, at('2024-01-15T16:00:00Z'), 30)).toEqual({ kind: 'opens', at: at('2024-01-29T08:00:00Z') });
    expect(nextOfficeHoursChange(mondayOnly, at('2024-01-15T07:00:00Z'), 0)).toBeNull();
  });

  it('includes a change exactly at the end of the search but not one millisecond after', () => {
    const mondayOnly: OfficeHours = {
      ...berlin,
      weekly: [{ day: 1, opens: '09:00', closes: '17:00' }],
      exceptions: [
        { date: '2024-01-15', closed: true },
        { date: '2024-01-22', closed: true },
      ],
    };
    expect(nextOfficeHoursChange(mondayOnly, at('2024-01-15T08:00:00.000Z'))).toEqual({ kind: 'opens', at: at('2024-01-29T08:00:00Z') });
    expect(nextOfficeHoursChange(mondayOnly, at('2024-01-15T07:59:59.999Z'))).toBeNull();
  });

  it('refuses a negative search', () => {
    expect(() => nextOfficeHoursChange(berlin, at('2024-01-15T10:00:00Z'), -1)).toThrow(RangeError);
  });
});

describe('validateOfficeHours', () => {
  it('accepts good settings, including overnight windows and 24:00', () => {
    const hours: OfficeHours = {
      timeZone: 'America/New_York',
      weekly: [
        { day: 0, opens: '00:00', closes: '24:00' },
        { day: 5, opens: '22:00', closes: '02:00' },
      ],
      exceptions: [
        { date: '2024-12-25', closed: true },
        { date: '2024-02-29', opens: '10:00', closes: '12:00' },
      ],
    };
    expect(validateOfficeHours(hours)).toEqual([]);
  });

  const fieldsOf = (hours: OfficeHours) => validateOfficeHours(hours).map((problem) => problem.field);

  it('reports an unknown or empty time zone', () => {
    expect(fieldsOf({ ...berlin, timeZone: 'Europe/Atlantis' })).toEqual(['timeZone']);
    expect(fieldsOf({ ...berlin, timeZone: '' })).toEqual(['timeZone']);
  });

  it('reports malformed times', () => {
    const hours: OfficeHours = {
      ...berlin,
      weekly: [
        { day: 1, opens: '9:00', closes: '17:00' },
        { day: 2, opens: '24:00', closes: '17:00' },
        { day: 3, opens: '09:00', closes: '23:60' },
        { day: 4, opens: '09:00', closes: '25:00' },
      ],
    };
    expect(fieldsOf(hours)).toEqual(['weekly[0].opens', 'weekly[1].opens', 'weekly[2].closes', 'weekly[3].closes']);
  });

  it('reports equal opening and closing times', () => {
    const problems = validateOfficeHours({ ...berlin, weekly: [{ day: 1, opens: '00:00', closes: '00:00' }] });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain('24:00');
  });

  it('reports duplicate and invalid days', () => {
    const hours = {
      ...berlin,
      weekly: [
        { day: 1, opens: '09:00', closes: '12:00' },
        { day: 1, opens: '13:00', closes: '17:00' },
        { day: 7, opens: '09:00', closes: '17:00' },
        { day: 2.5, opens: '09:00', closes: '17:00' },
      ],
    } as unknown as OfficeHours;
    expect(fieldsOf(hours)).toEqual(['weekly[1].day', 'weekly[2].day', 'weekly[3].day']);
  });

  it('reports bad, duplicate and ambiguous exceptions', () => {
    const hours = {
      ...berlin,
      exceptions: [
        { date: '2024-02-30', closed: true },
        { date: '24-12-25', closed: true },
        { date: '2024-12-24', closed: true },
        { date: '2024-12-24', opens: '09:00', closes: '12:00' },
        { date: '2024-12-31', closed: true, opens: '09:00', closes: '12:00' },
        { date: '2025-01-01', closed: false },
        { date: '2025-01-02', opens: '09:00' },
      ],
    } as unknown as OfficeHours;
    expect(fieldsOf(hours)).toEqual([
      'exceptions[0].date',
      'exceptions[1].date',
      'exceptions[3].date',
      'exceptions[4]',
      'exceptions[5]',
      'exceptions[6].closes',
    ]);
  });

  it('reports lists that are not lists and entries that are not objects', () => {
    const hours = { timeZone: 'UTC', weekly: null, exceptions: [null] } as unknown as OfficeHours;
    expect(fieldsOf(hours)).toEqual(['weekly', 'exceptions[0]']);
  });
});
