/**
 * The desk's hours against the clock: fixed instants around New York's DST transitions
 * of 2026 (8 March, 1 November) and Tashkent (no DST), and properties over random
 * schedules and instants: the next opening is an opening edge with the desk closed
 * until then, and in a fixed-offset zone it equals plain arithmetic.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instantsOf, isOpenAt, nextOpening } from '../../src/hours/clock.js';
import { type BusinessHours, parseSchedule } from '../../src/hours/schedule.js';

const hours = (text: string, timeZone: string): BusinessHours => ({
  schedule: parseSchedule(text),
  timeZone,
});
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const NY = 'America/New_York';
const WEEKDAYS = hours('Mon-Fri 09:00-18:00', NY);

describe('New York, spring forward (Sunday 8 March 2026, 02:00 EST → 03:00 EDT)', () => {
  it('opens on Monday at 09:00 EDT (13:00Z), an hour earlier in UTC than the Friday before', () => {
    expect(isOpenAt(WEEKDAYS, at('2026-03-06T14:00:00Z'))).toBe(true); // Fri 09:00 EST
    expect(isOpenAt(WEEKDAYS, at('2026-03-06T13:59:59Z'))).toBe(false);
    expect(iso(nextOpening(WEEKDAYS, at('2026-03-06T23:00:00Z')))).toBe('2026-03-09T13:00:00.000Z');
    expect(isOpenAt(WEEKDAYS, at('2026-03-09T13:00:00Z'))).toBe(true);
    expect(isOpenAt(WEEKDAYS, at('2026-03-09T22:00:00Z'))).toBe(false); // 18:00 EDT
  });

  it('opens a range that starts in the skipped hour at the end of the gap (03:00 EDT)', () => {
    const night = hours('Sun 02:30-04:00', NY);
    expect(instantsOf({ year: 2026, month: 3, day: 8 }, 150, NY)).toEqual([
      at('2026-03-08T07:00:00Z'),
    ]);
    expect(iso(nextOpening(night, at('2026-03-08T06:00:00Z')))).toBe('2026-03-08T07:00:00.000Z');
    expect(isOpenAt(night, at('2026-03-08T07:00:00Z'))).toBe(true);
    expect(isOpenAt(night, at('2026-03-08T06:59:59Z'))).toBe(false);
  });

  it('skips a range the gap swallows whole, to the next week', () => {
    const lost = hours('Sun 02:00-03:00', NY);
    expect(iso(nextOpening(lost, at('2026-03-08T06:00:00Z')))).toBe('2026-03-15T06:00:00.000Z');
  });

  it('skips it from the week before too: the next opening is two weeks away', () => {
    // Just closed on 1 March at 02:01 EST; 8 March's 02:00 does not exist.
    const lost = hours('Sun 02:00-02:01', NY);
    expect(iso(nextOpening(lost, at('2026-03-01T07:01:00Z')))).toBe('2026-03-15T06:00:00.000Z');
  });
});

describe('New York, fall back (Sunday 1 November 2026, 02:00 EDT → 01:00 EST)', () => {
  it('opens on Monday at 09:00 EST (14:00Z)', () => {
    expect(iso(nextOpening(WEEKDAYS, at('2026-10-30T22:00:00Z')))).toBe('2026-11-02T14:00:00.000Z');
    expect(isOpenAt(WEEKDAYS, at('2026-11-02T13:59:59Z'))).toBe(false);
  });

  it('opens at the first 01:30 and, closed in the repeated 01:00, again at the second', () => {
    const night = hours('Sun 01:30-03:00', NY);
    expect(instantsOf({ year: 2026, month: 11, day: 1 }, 90, NY)).toEqual([
      at('2026-11-01T05:30:00Z'),
      at('2026-11-01T06:30:00Z'),
    ]);
    expect(iso(nextOpening(night, at('2026-11-01T04:00:00Z')))).toBe('2026-11-01T05:30:00.000Z');
    // 06:00Z is 01:00 EST: the wall clock went back before the range's start.
    expect(isOpenAt(night, at('2026-11-01T06:00:00Z'))).toBe(false);
    expect(iso(nextOpening(night, at('2026-11-01T06:00:00Z')))).toBe('2026-11-01T06:30:00.000Z');
  });
});

describe('Tashkent (UTC+5 all year)', () => {
  const desk = hours('Mon-Fri 09:00-18:00; Sat 10:00-14:00', 'Asia/Tashkent');
  it('opens at 09:00 local (04:00Z) and on Saturday at 10:00 (05:00Z)', () => {
    expect(isOpenAt(desk, at('2026-03-09T03:59:59Z'))).toBe(false);
    expect(iso(nextOpening(desk, at('2026-03-09T03:59:59Z')))).toBe('2026-03-09T04:00:00.000Z');
    expect(nextOpening(desk, at('2026-03-09T04:00:00Z'))).toBeNull();
    expect(iso(nextOpening(desk, at('2026-03-13T13:00:00Z')))).toBe('2026-03-14T05:00:00.000Z');
    expect(iso(nextOpening(desk, at('2026-03-14T09:00:00Z')))).toBe('2026-03-16T04:00:00.000Z');
  });
});

/** A random weekly schedule as BUSINESS_HOURS text (at least one range). */
const scheduleText = fc
  .array(
    fc.record({
      day: fc.constantFrom('Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'),
      start: fc.integer({ min: 0, max: 1439 }),
      length: fc.integer({ min: 1, max: 600 }),
    }),
    { minLength: 1, maxLength: 5 },
  )
  .map((entries) =>
    entries
      .map(({ day, start, length }) => {
        const end = Math.min(1440, start + length);
        const hhmm = (m: number) =>
          `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
        return `${day} ${hhmm(start)}-${hhmm(end)}`;
      })
      .join('; '),
  );
/** Instants through 2026, on whole seconds, DST transitions included. */
const instant = fc
  .integer({ min: at('2026-01-01T00:00:00Z') / 1000, max: at('2026-12-31T00:00:00Z') / 1000 })
  .map((s) => s * 1000);

describe('properties', () => {
  it.each([NY, 'Europe/London', 'Asia/Tashkent'])(
    'in %s the next opening is an opening edge, with the desk closed until then',
    (timeZone) => {
      fc.assert(
        fc.property(
          scheduleText,
          instant,
          fc.double({ min: 0, max: 1, noNaN: true }),
          (text, t, f) => {
            const desk = hours(text, timeZone);
            const next = nextOpening(desk, t);
            if (isOpenAt(desk, t)) return next === null;
            if (next === null) return false;
            const between = t + Math.floor(((next - t) * f) / 1000) * 1000;
            return (
              next > t &&
              isOpenAt(desk, next) &&
              !isOpenAt(desk, next - 1000) &&
              (between >= next || !isOpenAt(desk, between))
            );
          },
        ),
        { numRuns: 300 },
      );
    },
  );

  it('in a fixed-offset zone equals arithmetic on UTC+5', () => {
    const FIVE_HOURS = 5 * 3_600_000;
    fc.assert(
      fc.property(scheduleText, instant, (text, t) => {
        const schedule = parseSchedule(text);
        const desk = { schedule, timeZone: 'Asia/Tashkent' };
        const openAt = (u: number) => {
          const local = new Date(u + FIVE_HOURS);
          const minutes = local.getUTCHours() * 60 + local.getUTCMinutes();
          return (schedule.days[local.getUTCDay()] ?? []).some(
            (r) => r.start <= minutes && minutes < r.end,
          );
        };
        if (isOpenAt(desk, t) !== openAt(t)) return false;
        if (openAt(t)) return nextOpening(desk, t) === null;
        // The first open minute after t, by walking minute edges (a week and a day at most).
        let expected = Math.ceil((t + 1) / 60_000) * 60_000;
        while (!openAt(expected)) expected += 60_000;
        return nextOpening(desk, t) === expected;
      }),
      { numRuns: 200 },
    );
  });
});
