/**
 * The calendar date and wall-clock time an instant reads in an IANA time zone, from Intl's
 * zone rules (DST included), never an offset written here. Plain and runtime-neutral: the
 * server's business hours and report buckets and the console's dates read it alike.
 */

export interface WallClock {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  /** 0–23. */
  hour: number;
  minute: number;
  second: number;
}

const CLOCK = {
  hourCycle: 'h23',
  // Years before 1 are written as BC years counting up: the era tells them apart.
  era: 'short',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
} as const;

/** One formatter per zone: making one costs tens of µs, and callers ask per instant. */
const clocks = new Map<string, Intl.DateTimeFormat>();

/**
 * The formatters kept at most. The IANA database names ~600 zones, but Intl takes a name
 * in any letter case and a report's zone comes from its query: without a bound, asking for
 * "asia/TASHKENT" and its thousands of siblings would keep a formatter for each.
 */
const MAX_CLOCKS = 1024;

/**
 * The zone's clock (undefined: the runtime's own zone); throws a RangeError for a zone the
 * runtime does not know, which is how a caller checks a zone it was given.
 */
export function zoneClock(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let clock = clocks.get(key);
  if (!clock) {
    clock = new Intl.DateTimeFormat('en-US', { ...CLOCK, timeZone });
    if (clocks.size >= MAX_CLOCKS) clocks.clear();
    clocks.set(key, clock);
  }
  return clock;
}

/** Whether the runtime knows the zone (IANA names, and UTC). */
export function isKnownZone(timeZone: string): boolean {
  try {
    zoneClock(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The formatters kept (for tests: the bound holds). */
export const zoneClocksKept = (): number => clocks.size;

export function wallClockOf(at: number, timeZone: string | undefined): WallClock {
  const n: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  let beforeYearOne = false;
  for (const { type, value } of zoneClock(timeZone).formatToParts(at)) {
    if (type === 'era') beforeYearOne = value === 'BC';
    else if (type !== 'literal') n[type] = Number(value);
  }
  const { year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = n;
  // Some runtimes write midnight as 24 even with h23. 1 BC is year 0 (ISO 8601's count).
  return { year: beforeYearOne ? 1 - year : year, month, day, hour: hour % 24, minute, second };
}

/** The wall clock read as if it were UTC, in ms: what a zone's offset is measured against. */
export function asUtc({ year, month, day, hour, minute, second }: WallClock): number {
  // Date.UTC reads a year 0-99 as 1900-1999: the year is set on its own.
  const at = new Date(Date.UTC(2000, 0, 1, hour, minute, second));
  return at.setUTCFullYear(year, month - 1, day);
}

/** The zone's offset from UTC at `at` (to the whole second), in ms: wall clock − UTC. */
export function offsetAt(at: number, timeZone: string): number {
  const whole = Math.floor(at / 1000) * 1000;
  return asUtc(wallClockOf(whole, timeZone)) - whole;
}

const twoDigits = (n: number): string => String(n).padStart(2, '0');

/** The calendar day `at` falls on in the zone (undefined: the runtime's), as YYYY-MM-DD. */
export function calendarDayOf(at: number, timeZone: string | undefined): string {
  const { year, month, day } = wallClockOf(at, timeZone);
  return `${year}-${twoDigits(month)}-${twoDigits(day)}`;
}
