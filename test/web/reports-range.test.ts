/**
 * The Reports page's period and figures: calendar dates in a chosen zone become the
 * instants the server is asked for (midnights of that zone, the clock changes included),
 * and the numbers are written the same way in the cards, charts and tables.
 */
import { describe, expect, it } from 'vitest';
import { bucketLabel, duration, score, share } from '../../web/console/reports/figures.js';
import {
  addDays,
  dayOf,
  defaultPeriod,
  instantsOf,
  isKnownZone,
  startOfDay,
  zoneChoices,
} from '../../web/console/reports/range.js';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('a period in a time zone', () => {
  it("starts a day at that zone's midnight", () => {
    expect(iso(startOfDay('2026-12-05', 'Asia/Tashkent'))).toBe('2026-12-04T19:00:00.000Z');
    expect(iso(startOfDay('2026-12-05', 'UTC'))).toBe('2026-12-05T00:00:00.000Z');
    expect(iso(startOfDay('2026-12-05', 'America/New_York'))).toBe('2026-12-05T05:00:00.000Z');
    expect(iso(startOfDay('2026-12-05', 'Asia/Kolkata'))).toBe('2026-12-04T18:30:00.000Z');
  });

  it('keeps midnight on the days the clocks change, and after them', () => {
    // New York: summer time begins 8 March 2026 at 02:00 and ends 1 November at 02:00.
    expect(iso(startOfDay('2026-03-08', 'America/New_York'))).toBe('2026-03-08T05:00:00.000Z');
    expect(iso(startOfDay('2026-03-09', 'America/New_York'))).toBe('2026-03-09T04:00:00.000Z');
    expect(iso(startOfDay('2026-11-01', 'America/New_York'))).toBe('2026-11-01T04:00:00.000Z');
    expect(iso(startOfDay('2026-11-02', 'America/New_York'))).toBe('2026-11-02T05:00:00.000Z');
    // Santiago moves its clocks at midnight: 6 September 2026 begins at 01:00, summer time.
    expect(iso(startOfDay('2026-09-06', 'America/Santiago'))).toBe('2026-09-06T04:00:00.000Z');
  });

  it('refuses what is not a calendar date', () => {
    expect(startOfDay('2026-02-30', 'UTC')).toBeUndefined();
    expect(startOfDay('05.12.2026', 'UTC')).toBeUndefined();
    expect(startOfDay('', 'UTC')).toBeUndefined();
  });

  it('asks from the first day’s start to the start of the day after the last', () => {
    const period = { from: '2026-12-01', to: '2026-12-05', timezone: 'Asia/Tashkent' } as const;
    expect(instantsOf({ ...period, interval: 'day' })).toEqual({
      from: '2026-11-30T19:00:00.000Z',
      to: '2026-12-05T19:00:00.000Z',
    });
  });

  it('sends a date it could not read as it is, for the server to name the problem', () => {
    expect(instantsOf({ from: '', to: '2026-12-05', timezone: 'UTC', interval: 'day' }).from).toBe(
      '',
    );
  });

  it('defaults to the last seven days, today included, in the zone', () => {
    // 20:30 UTC on 5 December is already 6 December in Tashkent (UTC+5).
    const now = Date.parse('2026-12-05T20:30:00Z');
    expect(defaultPeriod(now, 'Asia/Tashkent')).toEqual({
      from: '2026-11-30',
      to: '2026-12-06',
      timezone: 'Asia/Tashkent',
      interval: 'day',
    });
    expect(dayOf(now, 'UTC')).toBe('2026-12-05');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });

  it('offers the zones the browser knows, with the current one and UTC among them', () => {
    const zones = zoneChoices('Etc/GMT-5', 'UTC');
    expect(zones).toContain('Asia/Tashkent');
    expect(zones).toContain('Etc/GMT-5');
    expect(zones).toContain('UTC');
    expect(isKnownZone('Asia/Tashkent')).toBe(true);
    expect(isKnownZone('Mars/Olympus')).toBe(false);
  });
});

describe('the figures as written', () => {
  it('writes durations in the shortest readable unit, and none as a dash', () => {
    expect(duration(45, 'en')).toBe('45 sec');
    expect(duration(90, 'en')).toBe('1.5 min');
    expect(duration(7200, 'en')).toBe('2 hr');
    expect(duration(3 * 86_400, 'en')).toBe('3 days');
    expect(duration(null, 'en')).toBe('—');
  });

  it('writes ratings with one decimal and shares as percentages', () => {
    expect(score(4.25, 'en')).toBe('4.3');
    expect(score(4, 'ru')).toBe('4,0');
    expect(score(null, 'en')).toBe('—');
    expect(share(0.75, 'en')).toBe('75%');
  });

  it("labels a bucket by the chosen zone's calendar", () => {
    const at = '2026-12-04T19:00:00.000Z';
    expect(bucketLabel(at, 'day', 'Asia/Tashkent', 'en')).toBe('Dec 5, 2026');
    expect(bucketLabel(at, 'day', 'UTC', 'en')).toBe('Dec 4, 2026');
  });
});
