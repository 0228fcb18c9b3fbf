/**
 * The report's period as the admin picks it: two calendar dates read in a chosen time
 * zone, sent to the server as the instants they begin and end at. Plain functions over
 * Intl, so that a day in Tashkent is Tashkent's day whatever zone the browser is in, and
 * the days a clock changes (23 or 25 hours long) still start at their own midnight.
 */

import { instantOfLocal } from '../../../src/reports/buckets.js';
import { calendarDayOf, isKnownZone } from '../../../src/time/wall-clock.js';

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface Period {
  /** `YYYY-MM-DD`, the first day counted. */
  from: string;
  /** `YYYY-MM-DD`, the last day counted (inclusive, as the date inputs show it). */
  to: string;
  /** An IANA zone (`Asia/Tashkent`), the browser's unless the admin chose another. */
  timezone: string;
  interval: 'day' | 'hour';
}

/** Whether the browser knows this zone (the server is the judge of the rest). */
export { isKnownZone };

/** The instant `date` (`YYYY-MM-DD`) begins in `timezone`, or undefined for no such date. */
export function startOfDay(date: string, timezone: string): number | undefined {
  const m = DATE.exec(date);
  if (!m) return undefined;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (Number.isNaN(wall) || new Date(wall).toISOString().slice(0, 10) !== date) return undefined;
  // The server's own reading of a local time (the report's buckets): the earlier midnight
  // when the clock goes back over it; a midnight the clock skips begins the day when it jumps.
  return instantOfLocal(wall, timezone);
}

/** `YYYY-MM-DD` of the day `at` falls on in `timezone`. */
export function dayOf(at: number, timezone: string): string {
  return calendarDayOf(at, timezone);
}

/** `date` moved by `days` calendar days. */
export function addDays(date: string, days: number): string {
  const m = DATE.exec(date);
  if (!m) return date;
  const moved = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) + days * DAY_MS;
  return new Date(moved).toISOString().slice(0, 10);
}

/** The browser's zone (what the admin most likely means), UTC when it names none. */
export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The last seven days, today included, in `timezone`. */
export function defaultPeriod(now: number, timezone: string): Period {
  const today = dayOf(now, timezone);
  return { from: addDays(today, -6), to: today, timezone, interval: 'day' };
}

/**
 * The instants the server is asked for: from the first day's start to the start of the
 * day after the last (the dates are inclusive, the instant `to` is not). Strings the
 * inputs could not make into dates go as they are, so the server names the problem.
 */
export function instantsOf(period: Period): { from: string; to: string } {
  const from = startOfDay(period.from, period.timezone);
  const to = startOfDay(addDays(period.to, 1), period.timezone);
  return {
    from: from === undefined ? period.from : new Date(from).toISOString(),
    to: to === undefined ? period.to : new Date(to).toISOString(),
  };
}

/** Every zone the browser names, with `extra` (the current choice, UTC) among them. */
export function zoneChoices(...extra: string[]): string[] {
  const known: string[] =
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set([...known, ...extra])].sort();
}
