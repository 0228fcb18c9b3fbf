/**
 * The timeseries' buckets: the hours or days of an IANA time zone, as the UTC instants
 * they start at. Computed with Intl's zone rules, so a day is whatever lies between two
 * local midnights (23 or 25 hours across a DST change; where midnight itself is skipped,
 * the day starts at the first instant of its date) and an hour starts at a local hour
 * boundary (in a zone of +05:30 that is :30 past a UTC hour). Plain functions, no I/O.
 */
import type { ReportInterval } from '../schemas/vocabulary.js';
import { asUtc, offsetAt, wallClockOf } from '../time/wall-clock.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The wall-clock time of `instant` in `zone`, as if it were UTC (ms; whole seconds). */
export const localOf = (instant: number, zone: string): number => asUtc(wallClockOf(instant, zone));

/**
 * The first instant whose wall-clock time in `zone` is `local` or later: the instant itself
 * where that wall-clock time exists (the earlier of two when it occurs twice), else the
 * transition that skipped it.
 */
export function instantOfLocal(local: number, zone: string): number {
  const candidates = new Set<number>();
  for (const probe of [local - 14 * HOUR_MS, local, local + 14 * HOUR_MS]) {
    candidates.add(local - offsetAt(probe, zone));
  }
  const exact = [...candidates]
    .filter((t) => t + offsetAt(t, zone) === local)
    .sort((a, b) => a - b);
  if (exact[0] !== undefined) return exact[0];
  // Skipped (a DST gap): the first instant after which the wall clock reads `local` or later.
  let lo = local - 14 * HOUR_MS;
  let hi = local + 14 * HOUR_MS;
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2000) * 1000;
    if (mid + offsetAt(mid, zone) >= local) hi = mid;
    else lo = mid;
  }
  return hi;
}

const modulo = (value: number, by: number): number => ((value % by) + by) % by;

/** The start of the local hour holding `instant`: real instants, so an hour that occurs twice is two buckets. */
const hourStartOf = (instant: number, zone: string): number =>
  instant - modulo(instant + offsetAt(instant, zone), HOUR_MS);

/** The start of the bucket holding `instant`. */
export function bucketStartOf(instant: number, interval: ReportInterval, zone: string): number {
  if (interval === 'hour') return hourStartOf(instant, zone);
  return instantOfLocal(Math.floor(localOf(instant, zone) / DAY_MS) * DAY_MS, zone);
}

/** The next bucket's start after the one starting at `start`. */
function nextStart(start: number, interval: ReportInterval, zone: string): number {
  if (interval === 'hour') {
    // Where the offset changes by half an hour, the hour is cut at the new local boundary.
    const next = start + HOUR_MS;
    const aligned = hourStartOf(next, zone);
    return aligned > start ? aligned : next;
  }
  const local = Math.floor(localOf(start, zone) / DAY_MS) * DAY_MS;
  return instantOfLocal(local + DAY_MS, zone);
}

/**
 * The buckets covering [from, to): the first holds `from`, the last the instant before
 * `to`. Each as [start, end) in ms; the caller bounds the range.
 */
export function bucketsOf(
  from: number,
  to: number,
  interval: ReportInterval,
  zone: string,
): { start: number; end: number }[] {
  const buckets: { start: number; end: number }[] = [];
  let start = bucketStartOf(from, interval, zone);
  while (start < to) {
    const end = nextStart(start, interval, zone);
    buckets.push({ start, end });
    start = end;
  }
  return buckets;
}
