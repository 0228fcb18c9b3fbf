/**
 * The Reports page's period and figures: calendar dates in a chosen zone become the
 * instants the server is asked for (midnights of that zone, the clock changes included),
 * and the numbers are written the same way in the cards, charts and tables.
 */
import { describe, expect, it } from 'vitest';
import {
  bucketLabel,
  bucketTick,
  duration,
  score,
  share,
} from '../../web/console/reports/figures.js';
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

  it('writes Russian and Uzbek durations with the catalogue’s unit words', () => {
    // Not Intl's: Chromium has none for Uzbek and fell back to English ("26 sec").
    expect([26, 90, 7200, 3 * 86_400].map((s) => duration(s, 'ru'))).toEqual([
      '26 с',
      '1,5 мин',
      '2 ч',
      '3 дн.',
    ]);
    expect([26, 90, 7200, 3 * 86_400].map((s) => duration(s, 'uz'))).toEqual([
      '26 son.',
      expect.stringMatching(/^1[.,]5 daq\.$/), // the decimal sign is the browser's Intl's
      '2 soat',
      '3 kun',
    ]);
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

  it('names the months with the catalogue’s words in each language, on the axis too', () => {
    // Chromium's Intl has no Uzbek month names: it wrote "M11 30" under the chart.
    const at = '2026-11-29T19:00:00.000Z'; // 30 November in Tashkent
    const hour = '2026-12-05T09:00:00.000Z'; // 14:00 on 5 December in Tashkent
    const label = (lang: 'en' | 'ru' | 'uz') => [
      bucketLabel(at, 'day', 'Asia/Tashkent', lang),
      bucketTick(Date.parse(at), 'day', 'Asia/Tashkent', lang),
      bucketLabel(hour, 'hour', 'Asia/Tashkent', lang),
      bucketTick(Date.parse(hour), 'hour', 'Asia/Tashkent', lang),
    ];
    expect(label('en')).toEqual(['Nov 30, 2026', 'Nov 30', 'Dec 5, 02:00 PM', '5, 02:00 PM']);
    expect(label('ru')).toEqual(['30 нояб. 2026 г.', '30 нояб.', '5 дек., 14:00', '5, 14:00']);
    expect(label('uz')).toEqual(['30-noy, 2026', '30-noy', '5-dek, 14:00', '5, 14:00']);
  });
});
