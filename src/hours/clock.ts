/**
 * Reading the weekly schedule against the clock, in the desk's zone, with `Intl` alone:
 * the zone's rules (DST included) are the runtime's IANA data, never an offset written
 * here. A local time that a spring-forward skips opens the desk at the first instant
 * after the gap; one that a fall-back repeats opens it at its first occurrence.
 */
import { asUtc, offsetAt, wallClockOf } from '../time/wall-clock.js';
import type { BusinessHours } from './schedule.js';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** A calendar date in the desk's zone (month 1-12). */
interface LocalDate {
  year: number;
  month: number;
  day: number;
}

interface Wall extends LocalDate {
  /** Minutes after local midnight. */
  minutes: number;
  /** 0 = Sunday. */
  weekday: number;
  /** The wall-clock time as if it were UTC, in ms: what offsets are measured against. */
  key: number;
}

function wallOf(at: number, timeZone: string): Wall {
  const wall = wallClockOf(at, timeZone);
  const midnight = Date.UTC(wall.year, wall.month - 1, wall.day);
  return {
    year: wall.year,
    month: wall.month,
    day: wall.day,
    minutes: wall.hour * 60 + wall.minute,
    weekday: new Date(midnight).getUTCDay(),
    key: asUtc(wall),
  };
}

/**
 * The instants whose wall-clock time in `timeZone` is `minutes` after the local midnight
 * of `date`, earliest first: two in a fall-back's repeated hour; in a spring-forward's
 * gap, where there is none, the end of the gap.
 */
export function instantsOf(date: LocalDate, minutes: number, timeZone: string): number[] {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minutes * MINUTE_MS;
  // The offsets a day before and a day after: any transition near this day lies between.
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const candidates = [wall - before, wall - after].sort((a, b) => a - b);
  const exact = [...new Set(candidates.filter((c) => wallOf(c, timeZone).key === wall))];
  if (exact.length > 0) return exact;
  // In a gap: the wall clock jumps past `wall` once between the two candidates.
  let [lo = wall, hi = wall] = candidates;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (wallOf(mid, timeZone).key >= wall) hi = mid;
    else lo = mid;
  }
  return [hi];
}

/** Whether the desk is open at `at` (epoch ms). */
export function isOpenAt(hours: BusinessHours, at: number): boolean {
  const wall = wallOf(at, hours.timeZone);
  const ranges = hours.schedule.days[wall.weekday] ?? [];
  return ranges.some((r) => r.start <= wall.minutes && wall.minutes < r.end);
}

/**
 * When the desk next opens after `at` (epoch ms), or null while it is open or when no
 * opening comes within two weeks and a day. A gap swallows one week's occurrence of a range
 * at most (transitions are months apart), so a range's next opening may be two weeks away:
 * one that just closed, whose next week falls in a spring-forward's gap.
 */
export function nextOpening(hours: BusinessHours, at: number): number | null {
  if (isOpenAt(hours, at)) return null;
  const today = wallOf(at, hours.timeZone);
  for (let d = 0; d <= 15; d++) {
    const midnight = new Date(Date.UTC(today.year, today.month - 1, today.day + d));
    const date = {
      year: midnight.getUTCFullYear(),
      month: midnight.getUTCMonth() + 1,
      day: midnight.getUTCDate(),
    };
    for (const r of hours.schedule.days[midnight.getUTCDay()] ?? []) {
      for (const opens of instantsOf(date, r.start, hours.timeZone)) {
        if (opens > at && isOpenAt(hours, opens)) return opens;
      }
    }
  }
  return null;
}
