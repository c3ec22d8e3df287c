import { describe, expect, it } from '@jest/globals';
import { DateTime, Settings } from 'luxon';
import {
  ALWAYS_OPEN,
  addBusinessTime,
  businessTimeBetween,
  isOpen,
  nextChange,
  nextOpening,
  toCalendarLocalIso,
  validateBusinessCalendar,
  type BusinessCalendar,
  type BusinessDay,
  type BusinessHoursWindow,
  type Weekday,
} from '../../libs/calendars/business-calendar.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const at = (iso: string) => new Date(iso);
const iso = (date: Date | null) => date?.toISOString() ?? null;
const days = (list: Weekday[], windows: BusinessHoursWindow[]): BusinessDay[] => list.map((day) => ({ day, windows }));
const MON_FRI: Weekday[] = [1, 2, 3, 4, 5];

/** The calendar: Monday to Friday, 9 to 18, in Paris. */
const paris: BusinessCalendar = { timeZone: 'Europe/Paris', weekly: days(MON_FRI, [{ opens: '09:00', closes: '18:00' }]), holidays: [] };

describe('the issue\'s examples: Mon–Fri 09:00–18:00 Europe/Paris, a ticket Friday 17:55, a 1-hour target', () => {
  it('is due Monday 09:55 and warns at 80 % (48 min) Monday 09:43', () => {
    const created = at('2026-01-16T16:55:00Z'); // Friday 17:55 CET
    expect(toCalendarLocalIso(paris, created)).toBe('2026-01-16T17:55:00.000+01:00');
    const due = addBusinessTime(paris, created, HOUR);
    expect(iso(due)).toBe('2026-01-19T08:55:00.000Z');
    expect(toCalendarLocalIso(paris, due!)).toBe('2026-01-19T09:55:00.000+01:00');
    const warning = addBusinessTime(paris, created, 0.8 * HOUR);
    expect(toCalendarLocalIso(paris, warning!)).toBe('2026-01-19T09:43:00.000+01:00');
    expect(businessTimeBetween(paris, created, due!)).toBe(HOUR);
  });

  it('the same across the change to summer time (Sunday 29 March 2026): Monday 09:55 is 07:55Z', () => {
    const created = at('2026-03-27T16:55:00Z'); // Friday 17:55 CET (+01:00)
    const due = addBusinessTime(paris, created, HOUR)!;
    expect(iso(due)).toBe('2026-03-30T07:55:00.000Z');
    expect(toCalendarLocalIso(paris, due)).toBe('2026-03-30T09:55:00.000+02:00');
    expect(toCalendarLocalIso(paris, addBusinessTime(paris, created, 48 * MINUTE)!)).toBe('2026-03-30T09:43:00.000+02:00');
    // 63 hours of wall-clock time, one of which the clocks skipped.
    expect(due.getTime() - created.getTime()).toBe(63 * HOUR);
  });

  it('the same across the change back to winter time (Sunday 25 October 2026)', () => {
    const created = at('2026-10-23T15:55:00Z'); // Friday 17:55 CEST (+02:00)
    const due = addBusinessTime(paris, created, HOUR)!;
    expect(toCalendarLocalIso(paris, due)).toBe('2026-10-26T09:55:00.000+01:00');
    expect(iso(due)).toBe('2026-10-26T08:55:00.000Z');
    expect(due.getTime() - created.getTime()).toBe(65 * HOUR);
  });

  it('across a holiday: Monday closed, so Tuesday 09:55 (and 09:43)', () => {
    const easter: BusinessCalendar = { ...paris, holidays: [{ date: '2026-04-06', name: 'Easter Monday', closed: true }] };
    const created = at('2026-04-03T15:55:00Z'); // Friday 17:55 CEST
    expect(toCalendarLocalIso(easter, addBusinessTime(easter, created, HOUR)!)).toBe('2026-04-07T09:55:00.000+02:00');
    expect(toCalendarLocalIso(easter, addBusinessTime(easter, created, 48 * MINUTE)!)).toBe('2026-04-07T09:43:00.000+02:00');
    // Without the holiday, Monday.
    expect(toCalendarLocalIso(paris, addBusinessTime(paris, created, HOUR)!)).toBe('2026-04-06T09:55:00.000+02:00');
    expect(isOpen(easter, at('2026-04-06T08:00:00Z'))).toBe(false);
    expect(iso(nextOpening(easter, at('2026-04-03T16:30:00Z')))).toBe('2026-04-07T07:00:00.000Z');
  });

  it('a holiday with its own hours replaces the weekly ones of that date', () => {
    const christmasEve: BusinessCalendar = { ...paris, holidays: [{ date: '2026-12-24', windows: [{ opens: '09:00', closes: '12:00' }] }] };
    const created = at('2026-12-24T10:30:00Z'); // Thursday 11:30 CET
    // 30 minutes on the 24th, the 25th is a Friday with weekly hours: 09:30.
    expect(toCalendarLocalIso(christmasEve, addBusinessTime(christmasEve, created, HOUR)!)).toBe('2026-12-25T09:30:00.000+01:00');
    expect(businessTimeBetween(christmasEve, at('2026-12-23T23:00:00Z'), at('2026-12-24T23:00:00Z'))).toBe(3 * HOUR);
  });
});

describe('split shifts and whole days', () => {
  const split: BusinessCalendar = {
    timeZone: 'Europe/Paris',
    weekly: days(MON_FRI, [
      { opens: '09:00', closes: '12:00' },
      { opens: '14:00', closes: '18:00' },
    ]),
    holidays: [],
  };

  it('stops the clock over the lunch break', () => {
    const created = at('2026-01-14T10:30:00Z'); // Wednesday 11:30
    expect(toCalendarLocalIso(split, addBusinessTime(split, created, HOUR)!)).toBe('2026-01-14T14:30:00.000+01:00');
    expect(businessTimeBetween(split, at('2026-01-14T10:00:00Z'), at('2026-01-14T14:00:00Z'))).toBe(2 * HOUR); // 11:00–15:00
    expect(isOpen(split, at('2026-01-14T12:00:00Z'))).toBe(false); // 13:00
    expect(iso(nextOpening(split, at('2026-01-14T12:00:00Z')))).toBe('2026-01-14T13:00:00.000Z');
    // A whole week: 5 × 7 hours.
    expect(businessTimeBetween(split, at('2026-01-11T23:00:00Z'), at('2026-01-18T23:00:00Z'))).toBe(35 * HOUR);
  });

  it('ends at the closing instant when the duration fills the window exactly', () => {
    expect(toCalendarLocalIso(split, addBusinessTime(split, at('2026-01-14T10:00:00Z'), HOUR)!)).toBe('2026-01-14T12:00:00.000+01:00');
  });

  it('counts a 24-hour day from midnight to midnight, and consecutive whole days as one opening', () => {
    const weekend: BusinessCalendar = {
      timeZone: 'Europe/Paris',
      weekly: [...days(MON_FRI, [{ opens: '09:00', closes: '18:00' }]), ...days([6, 0], [{ opens: '00:00', closes: '24:00' }])],
      holidays: [],
    };
    const friday = at('2026-01-16T16:55:00Z'); // Friday 17:55
    expect(toCalendarLocalIso(weekend, addBusinessTime(weekend, friday, 2 * HOUR)!)).toBe('2026-01-17T01:55:00.000+01:00');
    expect(toCalendarLocalIso(weekend, addBusinessTime(weekend, at('2026-01-16T23:00:00Z'), 30 * HOUR)!)).toBe('2026-01-18T06:00:00.000+01:00');
    expect(isOpen(weekend, at('2026-01-17T23:00:00Z'))).toBe(true); // Sunday 00:00
    expect(iso(nextOpening(weekend, at('2026-01-17T23:00:00Z')))).toBe('2026-01-17T23:00:00.000Z');
    expect(businessTimeBetween(weekend, at('2026-01-16T23:00:00Z'), at('2026-01-18T23:00:00Z'))).toBe(48 * HOUR);
    // The Sunday of the change to summer time has 23 hours, that of the change back 25.
    expect(businessTimeBetween(weekend, at('2026-03-28T23:00:00Z'), at('2026-03-29T22:00:00Z'))).toBe(23 * HOUR);
    expect(businessTimeBetween(weekend, at('2026-10-24T22:00:00Z'), at('2026-10-25T23:00:00Z'))).toBe(25 * HOUR);
  });

  it('ALWAYS_OPEN is plain arithmetic', () => {
    const start = at('2026-03-28T12:34:56.789Z');
    expect(iso(addBusinessTime(ALWAYS_OPEN, start, 40 * HOUR))).toBe('2026-03-30T04:34:56.789Z');
    expect(businessTimeBetween(ALWAYS_OPEN, start, at('2026-03-29T12:34:56.789Z'))).toBe(24 * HOUR);
    expect(isOpen(ALWAYS_OPEN, start)).toBe(true);
    expect(iso(nextOpening(ALWAYS_OPEN, start))).toBe(start.toISOString());
    expect(validateBusinessCalendar(ALWAYS_OPEN)).toEqual([]);
  });
});

describe('local times the clocks skip or repeat', () => {
  const sunday = (windows: BusinessHoursWindow[]): BusinessCalendar => ({ timeZone: 'Europe/Paris', weekly: days([0], windows), holidays: [] });
  const springDay = [at('2026-03-28T23:00:00Z'), at('2026-03-29T22:00:00Z')] as const;
  const autumnDay = [at('2026-10-24T22:00:00Z'), at('2026-10-25T23:00:00Z')] as const;

  it('makes a window 01:30–03:30 shorter on the spring-forward day and longer on the fall-back day', () => {
    const calendar = sunday([{ opens: '01:30', closes: '03:30' }]);
    expect(businessTimeBetween(calendar, ...springDay)).toBe(HOUR);
    expect(businessTimeBetween(calendar, ...autumnDay)).toBe(3 * HOUR);
    expect(businessTimeBetween(calendar, at('2026-01-03T23:00:00Z'), at('2026-01-04T23:00:00Z'))).toBe(2 * HOUR);
  });

  it('pushes a skipped time forward by the gap, like Luxon', () => {
    // 02:10–02:50 does not exist on 29 March; it becomes 03:10–03:50 CEST.
    const inGap = sunday([{ opens: '02:10', closes: '02:50' }]);
    expect(iso(nextOpening(inGap, springDay[0]))).toBe('2026-03-29T01:10:00.000Z');
    expect(businessTimeBetween(inGap, ...springDay)).toBe(40 * MINUTE);
    // 02:30 becomes 03:30, after the 03:00 closing: nothing is open that day.
    expect(businessTimeBetween(sunday([{ opens: '02:30', closes: '03:00' }]), ...springDay)).toBe(0);
    // Touching windows around the gap do not count time twice.
    const around = sunday([
      { opens: '01:00', closes: '02:40' },
      { opens: '02:40', closes: '04:00' },
    ]);
    expect(businessTimeBetween(around, ...springDay)).toBe(2 * HOUR);
  });

  it('reads a repeated time as its first occurrence, whatever the season of the computation', () => {
    const calendar = sunday([{ opens: '02:30', closes: '05:00' }]);
    expect(iso(nextOpening(calendar, autumnDay[0]))).toBe('2026-10-25T00:30:00.000Z'); // 02:30+02:00
    expect(businessTimeBetween(calendar, ...autumnDay)).toBe(3.5 * HOUR);
  });

  it('does not depend on the date of the computation, unlike Luxon\'s own DateTime.fromObject', () => {
    const calendar = sunday([{ opens: '02:30', closes: '05:00' }]);
    const luxon = () => DateTime.fromObject({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, { zone: 'Europe/Paris' }).toISO();
    const seen: Record<string, unknown> = {};
    const now = Settings.now;
    try {
      for (const today of ['2026-07-01T12:00:00Z', '2026-12-01T12:00:00Z']) {
        Settings.now = () => Date.parse(today);
        seen[today] = { luxon: luxon(), ours: iso(nextOpening({ ...calendar }, autumnDay[0])) };
      }
    } finally {
      Settings.now = now;
    }
    expect(seen).toEqual({
      '2026-07-01T12:00:00Z': { luxon: '2026-10-25T02:30:00.000+02:00', ours: '2026-10-25T00:30:00.000Z' },
      '2026-12-01T12:00:00Z': { luxon: '2026-10-25T02:30:00.000+01:00', ours: '2026-10-25T00:30:00.000Z' },
    });
  });

  it('works in the southern hemisphere and in zones without DST', () => {
    const sydney: BusinessCalendar = { timeZone: 'Australia/Sydney', weekly: days(MON_FRI, [{ opens: '09:00', closes: '17:00' }]), holidays: [] };
    // Friday 3 April 2026 16:30 AEDT; clocks go back on Sunday 5 April; Monday 09:30 AEST (+10).
    expect(toCalendarLocalIso(sydney, addBusinessTime(sydney, at('2026-04-03T05:30:00Z'), HOUR)!)).toBe('2026-04-06T09:30:00.000+10:00');
    const kolkata: BusinessCalendar = { timeZone: 'Asia/Kolkata', weekly: days(MON_FRI, [{ opens: '09:00', closes: '17:00' }]), holidays: [] };
    expect(iso(addBusinessTime(kolkata, at('2026-07-17T11:00:00Z'), HOUR))).toBe('2026-07-20T04:00:00.000Z');
  });
});

describe('a calendar without open time, and the bounded search', () => {
  it('answers null rather than a deadline', () => {
    const closed: BusinessCalendar = { timeZone: 'Europe/Paris', weekly: [], holidays: [] };
    expect(addBusinessTime(closed, at('2026-01-16T16:55:00Z'), HOUR)).toBeNull();
    expect(nextOpening(closed, at('2026-01-16T16:55:00Z'))).toBeNull();
    expect(businessTimeBetween(closed, at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'))).toBe(0);
    expect(isOpen(closed, at('2026-01-16T10:00:00Z'))).toBe(false);
  });

  it('looks three years ahead, no further', () => {
    const only = (date: string): BusinessCalendar => ({ timeZone: 'UTC', weekly: [], holidays: [{ date, windows: [{ opens: '09:00', closes: '10:00' }] }] });
    const start = at('2026-01-01T00:00:00Z');
    expect(iso(addBusinessTime(only('2028-06-01'), start, 30 * MINUTE))).toBe('2028-06-01T09:30:00.000Z');
    expect(addBusinessTime(only('2029-06-01'), start, 30 * MINUTE)).toBeNull();
    expect(nextOpening(only('2029-06-01'), start)).toBeNull();
    // More open time than three years hold.
    expect(addBusinessTime(paris, start, 3 * 366 * 9 * HOUR)).toBeNull();
  });

  it('steps by day, so a long target is quick', () => {
    const began = performance.now();
    const due = addBusinessTime(paris, at('2026-01-05T08:00:00Z'), 250 * 9 * HOUR); // 250 working days
    expect(toCalendarLocalIso(paris, due!)).toBe('2026-12-18T18:00:00.000+01:00');
    expect(performance.now() - began).toBeLessThan(1000);
  });

  it('starts the clock at the next opening, and a zero duration is that opening', () => {
    const saturday = at('2026-01-17T10:00:00Z');
    expect(iso(addBusinessTime(paris, saturday, 0))).toBe('2026-01-19T08:00:00.000Z');
    expect(iso(addBusinessTime(paris, saturday, 30 * MINUTE))).toBe('2026-01-19T08:30:00.000Z');
    expect(iso(nextOpening(paris, at('2026-01-19T08:00:00Z')))).toBe('2026-01-19T08:00:00.000Z');
    expect(isOpen(paris, at('2026-01-19T08:00:00Z'))).toBe(true);
    expect(isOpen(paris, at('2026-01-19T17:00:00Z'))).toBe(false); // 18:00, the closing instant
  });

  it('refuses an invalid calendar, instant or duration', () => {
    expect(() => addBusinessTime({ ...paris, timeZone: 'Mars/Olympus' }, at('2026-01-01T00:00:00Z'), HOUR)).toThrow(/timeZone/);
    expect(() => addBusinessTime(paris, new Date(Number.NaN), HOUR)).toThrow(RangeError);
    expect(() => addBusinessTime(paris, at('2026-01-01T00:00:00Z'), -1)).toThrow(RangeError);
    expect(() => addBusinessTime(paris, at('2026-01-01T00:00:00Z'), Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(businessTimeBetween(paris, at('2026-01-19T10:00:00Z'), at('2026-01-19T09:00:00Z'))).toBe(0);
    expect(iso(addBusinessTime(paris, at('2026-01-19T08:00:00Z'), 0.2))).toBe('2026-01-19T08:00:00.001Z');
  });
});

/** mulberry32: a small seeded generator, so a failure can be reproduced. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('businessTimeBetween is the inverse of addBusinessTime (seeded random starts and durations)', () => {
  const calendars: Record<string, BusinessCalendar> = {
    paris: { ...paris, holidays: [{ date: '2026-04-06', closed: true }, { date: '2026-12-24', windows: [{ opens: '09:00', closes: '12:00' }] }] },
    newYorkSplit: {
      timeZone: 'America/New_York',
      weekly: [
        ...days(MON_FRI, [
          { opens: '00:00', closes: '02:30' },
          { opens: '08:00', closes: '12:00' },
          { opens: '13:00', closes: '24:00' },
        ]),
        { day: 6, windows: [{ opens: '01:15', closes: '03:45' }] },
        { day: 0, windows: [{ opens: '00:00', closes: '24:00' }] },
      ],
      holidays: [{ date: '2026-11-26', closed: true }],
    },
    sydney: { timeZone: 'Australia/Sydney', weekly: days([0, 2, 4], [{ opens: '01:30', closes: '03:30' }, { opens: '18:00', closes: '24:00' }]), holidays: [] },
    always: ALWAYS_OPEN,
  };
  const from = Date.parse('2026-01-01T00:00:00Z');
  const span = Date.parse('2028-01-01T00:00:00Z') - from;

  for (const [name, calendar] of Object.entries(calendars)) {
    it(`${name}: between(start, add(start, d)) = d, and add(from, between(from, to)) is the earliest such instant`, () => {
      const random = seeded(0x5eed ^ name.length);
      for (let i = 0; i < 200; i += 1) {
        const start = new Date(from + Math.floor(random() * span));
        const duration = Math.floor(random() * 60 * HOUR);
        const due = addBusinessTime(calendar, start, duration)!;
        expect(due).not.toBeNull();
        expect(due.getTime()).toBeGreaterThanOrEqual(start.getTime());
        expect(businessTimeBetween(calendar, start, due)).toBe(duration);
        if (duration > 0) expect(isOpen(calendar, new Date(due.getTime() - 1))).toBe(true);

        const to = new Date(start.getTime() + Math.floor(random() * 10 * 24 * HOUR));
        const elapsed = businessTimeBetween(calendar, start, to);
        const reached = addBusinessTime(calendar, start, elapsed)!;
        expect(reached.getTime()).toBeLessThanOrEqual(Math.max(to.getTime(), nextOpening(calendar, start)!.getTime()));
        expect(businessTimeBetween(calendar, start, reached)).toBe(elapsed);
        if (reached < to) expect(businessTimeBetween(calendar, reached, to)).toBe(0);
      }
    });
  }
});

describe('validateBusinessCalendar', () => {
  const fields = (input: unknown) => validateBusinessCalendar(input).map((problem) => problem.field);

  it('accepts the examples', () => {
    expect(validateBusinessCalendar(paris)).toEqual([]);
    expect(validateBusinessCalendar({ ...paris, holidays: [{ date: '2026-12-24', name: 'Christmas Eve', windows: [{ opens: '09:00', closes: '12:00' }] }] })).toEqual([]);
  });

  it('names an unknown zone', () => {
    expect(validateBusinessCalendar({ ...paris, timeZone: 'Europe/Atlantis' })).toEqual([{ field: 'timeZone', message: expect.stringContaining('IANA') }]);
    expect(fields({ ...paris, timeZone: '' })).toEqual(['timeZone']);
    expect(fields({ ...paris, timeZone: '+02:00' })).toEqual(['timeZone']);
  });

  it('names bad times with their path', () => {
    const weekly = [
      { day: 1, windows: [{ opens: '09:00', closes: '18:00' }] },
      { day: 2, windows: [{ opens: '9:00', closes: '25:00' }] },
      { day: 3, windows: [{ opens: '24:00', closes: '24:00' }] },
    ];
    expect(fields({ ...paris, weekly })).toEqual(['weekly[1].windows[0].opens', 'weekly[1].windows[0].closes', 'weekly[2].windows[0].opens']);
  });

  it('refuses a window that runs past midnight or is empty', () => {
    const problems = validateBusinessCalendar({ ...paris, weekly: [{ day: 5, windows: [{ opens: '22:00', closes: '02:00' }] }, { day: 6, windows: [{ opens: '10:00', closes: '10:00' }] }] });
    expect(problems.map((p) => p.field)).toEqual(['weekly[0].windows[0].closes', 'weekly[1].windows[0].closes']);
    expect(problems[0]!.message).toMatch(/two windows/);
  });

  it('refuses overlapping or unordered windows', () => {
    const overlapping = [{ day: 1, windows: [{ opens: '09:00', closes: '12:00' }, { opens: '11:00', closes: '18:00' }] }];
    expect(fields({ ...paris, weekly: overlapping })).toEqual(['weekly[0].windows[1].opens']);
    const unordered = [{ day: 1, windows: [{ opens: '14:00', closes: '18:00' }, { opens: '09:00', closes: '12:00' }] }];
    expect(fields({ ...paris, weekly: unordered })).toEqual(['weekly[0].windows[1].opens']);
    const touching = [{ day: 1, windows: [{ opens: '09:00', closes: '12:00' }, { opens: '12:00', closes: '18:00' }] }];
    expect(fields({ ...paris, weekly: touching })).toEqual([]);
  });

  it('refuses bad or repeated days and dates', () => {
    expect(fields({ ...paris, weekly: [{ day: 1, windows: [] }, { day: 1, windows: [] }, { day: 7, windows: [] }] })).toEqual(['weekly[1].day', 'weekly[2].day']);
    const holidays = [
      { date: '2026-12-25', closed: true },
      { date: '2026-12-25', closed: true },
      { date: '2026-02-30', closed: true },
      { date: '2026-12-31', closed: true, windows: [{ opens: '09:00', closes: '12:00' }] },
      { date: '2027-01-01' },
      { date: '2027-01-02', closed: false },
      { date: '2027-01-03', windows: [] },
      { date: '2027-01-04', windows: [{ opens: '12:00', closes: '09:00' }] },
    ];
    expect(fields({ ...paris, holidays })).toEqual([
      'holidays[1].date',
      'holidays[2].date',
      'holidays[3]',
      'holidays[4]',
      'holidays[5].closed',
      'holidays[6].windows',
      'holidays[7].windows[0].closes',
    ]);
  });

  it('refuses the wrong shapes without throwing', () => {
    expect(fields(null)).toEqual(['']);
    expect(fields({ timeZone: 'UTC' })).toEqual(['weekly', 'holidays']);
    expect(fields({ timeZone: 'UTC', weekly: [42, { day: 1 }, { day: 2, windows: [null] }], holidays: ['x'] })).toEqual([
      'weekly[0]',
      'weekly[1].windows',
      'weekly[2].windows[0]',
      'holidays[0]',
    ]);
  });
});

describe('nextChange', () => {
  it('gives the next opening when closed and the closing of the current opening when open, joining whole days', () => {
    const split: BusinessCalendar = { ...paris, weekly: [...days([1, 2, 3, 4], [{ opens: '09:00', closes: '12:00' }, { opens: '14:00', closes: '18:00' }]), { day: 5, windows: [{ opens: '00:00', closes: '24:00' }] }, { day: 6, windows: [{ opens: '00:00', closes: '12:00' }] }] };
    const local = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Paris' }).toJSDate();
    const change = (iso: string) => {
      const next = nextChange(split, local(iso));
      return next && `${next.kind} ${toCalendarLocalIso(split, next.at)}`;
    };
    expect(change('2026-12-14T08:00')).toBe('opens 2026-12-14T09:00:00.000+01:00');
    expect(change('2026-12-14T10:00')).toBe('closes 2026-12-14T12:00:00.000+01:00');
    expect(change('2026-12-14T12:30')).toBe('opens 2026-12-14T14:00:00.000+01:00');
    // Friday all day and Saturday morning are one opening: midnight is no change.
    expect(change('2026-12-18T10:00')).toBe('closes 2026-12-19T12:00:00.000+01:00');
    expect(nextChange(ALWAYS_OPEN, local('2026-12-14T10:00'))).toBeNull();
  });
});
