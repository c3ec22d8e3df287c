import { describe, expect, it } from '@jest/globals';
import { businessTimeBetween, type BusinessCalendar } from '../../../libs/calendars/business-calendar.js';
import { csatStats, durationStats, ratio, slaAchievement, slaTargetResult } from '../../../libs/domain/reporting.js';

describe('slaTargetResult', () => {
  it('counts a breached target as missed whatever its outcome, a met one as hit, a running or paused one as pending', () => {
    const breachedAt = '2026-03-02T17:00:00.000Z';
    for (const outcome of ['met', 'running', 'paused', 'cancelled']) expect(slaTargetResult({ outcome, breachedAt })).toBe('missed');
    expect(slaTargetResult({ outcome: 'met', breachedAt: null })).toBe('hit');
    expect(slaTargetResult({ outcome: 'running', breachedAt: null })).toBe('pending');
    expect(slaTargetResult({ outcome: 'paused', breachedAt: null })).toBe('pending');
  });

  it('does not count a target cancelled before its deadline (no reply was owed)', () => {
    expect(slaTargetResult({ outcome: 'cancelled', breachedAt: null })).toBe('not_counted');
  });
});

describe('slaAchievement', () => {
  it('is hit / (hit + missed): pending targets are not decided yet', () => {
    expect(slaAchievement({ hit: 4, missed: 4, pending: 1 })).toEqual({ hit: 4, missed: 4, pending: 1, achievementRate: 0.5 });
    expect(slaAchievement({ hit: '3', missed: '1', pending: '0' })).toEqual({ hit: 3, missed: 1, pending: 0, achievementRate: 0.75 });
  });

  it('is null when no target is decided', () => {
    expect(slaAchievement({ hit: 0, missed: 0, pending: 2 }).achievementRate).toBeNull();
    expect(ratio(1, 0)).toBeNull();
  });
});

describe('csatStats', () => {
  it('gives the response rate, the mean of the answered scores and every score of the distribution', () => {
    const rows = [
      { score: 3, count: 1 },
      { score: 5, count: '1' },
      { score: 4, count: 1 },
      { score: null, count: 1 },
    ];
    expect(csatStats(rows)).toEqual({ sent: 4, answered: 3, responseRate: 0.75, averageScore: 4, distribution: { 1: 0, 2: 0, 3: 1, 4: 1, 5: 1 } });
  });

  it('has no rate without surveys and no average without answers', () => {
    expect(csatStats([])).toEqual({ sent: 0, answered: 0, responseRate: null, averageScore: null, distribution: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 } });
    expect(csatStats([{ score: null, count: 2 }])).toMatchObject({ sent: 2, answered: 0, responseRate: 0, averageScore: null });
  });
});

describe('the business-hours worked examples of docs/metrics.md (Paris, Mon–Fri 09:00–18:00)', () => {
  const paris: BusinessCalendar = {
    timeZone: 'Europe/Paris',
    weekly: ([1, 2, 3, 4, 5] as const).map((day) => ({ day, windows: [{ opens: '09:00', closes: '18:00' }] })),
    holidays: [],
  };
  const at = (local: string) => new Date(`2026-03-${local}:00+01:00`);
  const hours = (from: string, to: string) => businessTimeBetween(paris, at(from), at(to)) / 3_600_000;

  it('gives the open time of each measurement', () => {
    expect(hours('02T17:00', '03T10:00')).toBe(2); // T1 first response
    expect(hours('06T16:00', '09T10:00')).toBe(3); // T2 first response, over a weekend
    expect(hours('04T10:00', '04T10:30')).toBe(0.5); // T3 first response
    expect(hours('04T17:30', '05T09:15')).toBe(0.75); // T1 after its reopen
    expect(hours('02T17:00', '05T10:00')).toBe(20); // T1 resolution, by its last close
    expect(hours('04T10:00', '04T14:00')).toBe(4); // T3 resolution
  });

  it('gives the figures the report states', () => {
    expect(durationStats([7200, 10_800, 1800])).toEqual({ count: 3, medianSeconds: 7200, averageSeconds: 6600 });
    expect(durationStats([7200, 10_800, 1800, 2700])).toEqual({ count: 4, medianSeconds: 4950, averageSeconds: 5625 });
    expect(durationStats([72_000, 14_400])).toEqual({ count: 2, medianSeconds: 43_200, averageSeconds: 43_200 });
  });
});
