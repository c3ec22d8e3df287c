import { describe, it, expect } from '@jest/globals';
import {
  DEFAULT_REPORT_DAYS,
  MAX_REPORT_DAYS,
  REOPEN_REASONS,
  average,
  durationStats,
  median,
  reopenCounts,
  reportTimeZone,
  roundSeconds,
  validateReportPeriod,
} from '../../../libs/domain/reporting.js';

describe('validateReportPeriod', () => {
  it('accepts a period and gives it as dates', () => {
    expect(validateReportPeriod('2026-01-01T00:00:00Z', '2026-02-01T00:00:00+01:00')).toEqual({
      ok: true,
      from: new Date('2026-01-01T00:00:00.000Z'),
      to: new Date('2026-01-31T23:00:00.000Z'),
    });
  });

  it(`defaults to the last ${DEFAULT_REPORT_DAYS} days up to now`, () => {
    const now = new Date('2026-03-31T12:00:00.000Z');
    expect(validateReportPeriod(undefined, undefined, now)).toEqual({ ok: true, from: new Date('2026-03-01T12:00:00.000Z'), to: now });
    expect(validateReportPeriod(undefined, '2026-02-01T00:00:00Z', now)).toEqual({ ok: true, from: new Date('2026-01-02T00:00:00.000Z'), to: new Date('2026-02-01T00:00:00.000Z') });
    expect(validateReportPeriod('2026-03-30T00:00:00Z', undefined, now)).toEqual({ ok: true, from: new Date('2026-03-30T00:00:00.000Z'), to: now });
    expect(validateReportPeriod('2026-04-01T00:00:00Z', undefined, now)).toMatchObject({ ok: false, field: 'to' });
  });

  it('names the field that is not a date-time', () => {
    expect(validateReportPeriod('yesterday', '2026-01-01T00:00:00Z')).toMatchObject({ ok: false, field: 'from' });
    expect(validateReportPeriod('2026-01-01T00:00:00Z', 'later')).toMatchObject({ ok: false, field: 'to' });
  });

  it('refuses an empty or inverted period', () => {
    expect(validateReportPeriod('2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')).toEqual({ ok: false, field: 'to', message: 'to must be after from' });
    expect(validateReportPeriod('2026-01-02T00:00:00Z', '2026-01-01T00:00:00Z')).toMatchObject({ ok: false, field: 'to' });
  });

  it(`allows at most ${MAX_REPORT_DAYS} days`, () => {
    expect(validateReportPeriod('2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z').ok).toBe(true); // 366 days (leap year)
    expect(validateReportPeriod('2024-01-01T00:00:00Z', '2025-01-01T00:00:00.001Z')).toEqual({
      ok: false,
      field: 'to',
      message: `the period must be at most ${MAX_REPORT_DAYS} days`,
    });
  });
});

describe('median', () => {
  it('is null for no values', () => {
    expect(median([])).toBeNull();
  });

  it('takes the middle value of an odd count, whatever the order', () => {
    expect(median([7])).toBe(7);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([3, 3, 1, 100, 2])).toBe(3);
  });

  it('interpolates between the two middle values of an even count, as percentile_cont(0.5)', () => {
    expect(median([1, 2])).toBe(1.5);
    expect(median([10, 1, 4, 3])).toBe(3.5);
    expect(median([0.25, 0.75, 100, -1])).toBe(0.5);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('average', () => {
  it('is null for no values and the mean otherwise', () => {
    expect(average([])).toBeNull();
    expect(average([4])).toBe(4);
    expect(average([1, 2, 3, 10])).toBe(4);
  });
});

describe('roundSeconds', () => {
  it('rounds to the millisecond and keeps null', () => {
    expect(roundSeconds(1.23456)).toBe(1.235);
    expect(roundSeconds('12.0004')).toBe(12);
    expect(roundSeconds(-0.0001)).toBe(0);
    expect(roundSeconds(null)).toBeNull();
    expect(roundSeconds(undefined)).toBeNull();
    expect(roundSeconds('NaN')).toBeNull();
  });
});

describe('durationStats', () => {
  it('counts and summarises seconds', () => {
    expect(durationStats([])).toEqual({ count: 0, medianSeconds: null, averageSeconds: null });
    expect(durationStats([1, 2, 6])).toEqual({ count: 3, medianSeconds: 2, averageSeconds: 3 });
    expect(durationStats([0.1, 0.2])).toEqual({ count: 2, medianSeconds: 0.15, averageSeconds: 0.15 });
  });
});

describe('reopenCounts', () => {
  it('lists every known reason, zero when none', () => {
    expect(reopenCounts([])).toEqual({ total: 0, byReason: Object.fromEntries(REOPEN_REASONS.map((reason) => [reason, 0])) });
  });

  it('adds up counts (as PostgreSQL returns them) by reason, unknown for a missing one', () => {
    expect(
      reopenCounts([
        { reason: 'inbound_message', count: '3' },
        { reason: 'agent', count: 1 },
        { reason: null, count: '2' },
        { reason: 'merged', count: 1 },
      ]),
    ).toEqual({ total: 7, byReason: { inbound_message: 3, agent: 1, unknown: 2, merged: 1 } });
  });
});

describe('reportTimeZone', () => {
  it('takes UTC and IANA Area/Location names, canonically spelled', () => {
    expect(reportTimeZone('UTC')).toBe('UTC');
    expect(reportTimeZone('utc')).toBe('UTC');
    expect(reportTimeZone('Europe/Paris')).toBe('Europe/Paris');
    expect(reportTimeZone('europe/paris')).toBe('Europe/Paris');
    expect(reportTimeZone('America/Argentina/Buenos_Aires')).toBe('America/Argentina/Buenos_Aires');
    expect(reportTimeZone('Etc/GMT+5')).toBe('Etc/GMT+5');
    // Links stay as given (ICU would answer an older name for some).
    expect(reportTimeZone('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(reportTimeZone('Etc/UTC')).toBe('Etc/UTC');
  });

  it('refuses unknown zones, offsets, abbreviations and non-strings', () => {
    for (const value of ['Mars/Olympus', 'Europe/Pariss', '+02:00', '-0500', 'UTC+2', 'GMT+1', 'CET', 'EST', 'EST5EDT', '', ' Europe/Paris', 'Europe/Paris ', 'Europe/Paris;x', `Europe/${'a'.repeat(100)}`]) {
      expect([value, reportTimeZone(value)]).toEqual([value, null]);
    }
    for (const value of [undefined, null, 1, ['UTC'], {}]) expect(reportTimeZone(value)).toBeNull();
  });
});
