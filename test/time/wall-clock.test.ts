/** An instant's date and time in a zone, as the server's hours and reports and the console read it. */
import { describe, expect, it } from 'vitest';
import {
  asUtc,
  calendarDayOf,
  isKnownZone,
  offsetAt,
  wallClockOf,
  zoneClock,
  zoneClocksKept,
} from '../../src/time/wall-clock.js';

describe('the wall clock of a zone', () => {
  it('reads the date and 24-hour time an instant shows in the zone', () => {
    const at = Date.UTC(2026, 11, 5, 19, 30, 15);
    expect(wallClockOf(at, 'Asia/Tashkent')).toEqual({
      year: 2026,
      month: 12,
      day: 6,
      hour: 0,
      minute: 30,
      second: 15,
    });
    expect(asUtc(wallClockOf(at, 'Asia/Tashkent')) - at).toBe(5 * 3_600_000);
    expect(offsetAt(at + 999, 'Asia/Tashkent')).toBe(5 * 3_600_000);
    expect(calendarDayOf(at, 'Asia/Tashkent')).toBe('2026-12-06');
    expect(calendarDayOf(at, 'UTC')).toBe('2026-12-05');
  });

  it("follows the zone's daylight saving time", () => {
    // Berlin: +1 h in winter, +2 h in summer.
    const winter = Date.UTC(2026, 0, 15, 12);
    const summer = Date.UTC(2026, 6, 15, 12);
    expect(wallClockOf(winter, 'Europe/Berlin').hour).toBe(13);
    expect(wallClockOf(summer, 'Europe/Berlin').hour).toBe(14);
    expect(offsetAt(winter, 'Europe/Berlin')).toBe(3_600_000);
    expect(offsetAt(summer, 'Europe/Berlin')).toBe(2 * 3_600_000);
  });

  it('refuses a zone the runtime does not know', () => {
    expect(() => zoneClock('Mars/Olympus_Mons')).toThrow(RangeError);
    expect(() => wallClockOf(0, 'Mars/Olympus_Mons')).toThrow(RangeError);
  });

  it('knows IANA zones from Intl, in any letter case', () => {
    expect(isKnownZone('Asia/Tashkent')).toBe(true);
    expect(isKnownZone('America/New_York')).toBe(true);
    expect(isKnownZone('asia/TASHKENT')).toBe(true);
    expect(isKnownZone('Mars/Olympus')).toBe(false);
  });

  it('keeps a bounded number of formatters, however many spellings of a zone are asked for', () => {
    const letters = 'Asia/Tashkent'.split('');
    const at = Date.UTC(2026, 11, 5, 19, 30);
    for (let variant = 0; variant < 3000; variant++) {
      const spelling = letters
        .map((c, i) => ((variant >> i) & 1 ? c.toUpperCase() : c.toLowerCase()))
        .join('');
      expect(wallClockOf(at, spelling).hour).toBe(0);
    }
    expect(zoneClocksKept()).toBeLessThanOrEqual(1024);
  });
});
