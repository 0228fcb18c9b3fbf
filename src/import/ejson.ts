/**
 * Values from mongoexport's Extended JSON, for the kinds v2's documents hold: ObjectIds,
 * dates and numbers, relaxed (`{"$date": "2024-…Z"}`, plain numbers) or canonical
 * (`{"$date": {"$numberLong": "…"}}`, `{"$numberInt": "3"}`), and the legacy forms older
 * mongoexport wrote (`{"$date": 1705320000000}`).
 *
 * Why not the `bson` package's EJSON.parse: measured on this machine it reads 105–145k
 * message documents/s against JSON.parse's 600–730k/s, because its reviver visits every
 * value. The import reads each document with JSON.parse and unwraps only the fields it maps,
 * with these few functions; the tests generate their exports with `bson`'s EJSON.stringify,
 * so this reader is checked against the reference writer.
 */
import { FieldProblem } from './field-problem.js';

const OBJECT_ID = /^[0-9a-fA-F]{24}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const INTEGER = /^-?\d{1,19}$/;

/** `{"$x": inner}` → ['$x', inner]; anything else → undefined. */
function wrapper(value: unknown): [string, unknown] | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  const key = keys[0];
  if (keys.length !== 1 || key === undefined || !key.startsWith('$')) return undefined;
  return [key, (value as Record<string, unknown>)[key]];
}

/** An ObjectId (`{"$oid": "…"}`) as 24 lowercase hex characters, or undefined if it is not one. */
export function objectIdHex(value: unknown): string | undefined {
  const wrapped = wrapper(value);
  if (wrapped?.[0] !== '$oid' || typeof wrapped[1] !== 'string') return undefined;
  return OBJECT_ID.test(wrapped[1]) ? wrapped[1].toLowerCase() : undefined;
}

/** A whole number: plain, `$numberInt`, `$numberLong`, or a `$numberDouble` without fraction. */
export function integerValue(value: unknown, field: string): number {
  let n: number | undefined;
  if (typeof value === 'number') n = value;
  const wrapped = wrapper(value);
  if (wrapped && typeof wrapped[1] === 'string') {
    const [key, text] = wrapped;
    if ((key === '$numberInt' || key === '$numberLong') && INTEGER.test(text)) n = Number(text);
    if (key === '$numberDouble') n = Number(text);
  }
  if (n === undefined || !Number.isSafeInteger(n)) {
    throw new FieldProblem('invalid-type', field, 'is not a whole number');
  }
  return n;
}

/** Our stored form, which mongoexport's relaxed mode also writes: kept as it is when valid. */
const CANONICAL_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + text.charCodeAt(i) - 48;
  return n;
}

/**
 * Date.parse rolls 2024-02-30 over to March 1st and accepts 24:00; an ISO string must name a
 * real day and time. Checked by arithmetic rather than through a Date, as this runs for every
 * date of every message.
 */
function namesRealTime(text: string): boolean {
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 7);
  const day = digits(text, 8, 10);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  const seconds = text[16] === ':' ? digits(text, 17, 19) : 0;
  return (
    days !== undefined &&
    day >= 1 &&
    day <= days &&
    digits(text, 11, 13) < 24 &&
    digits(text, 14, 16) < 60 &&
    seconds < 60
  );
}

function millisOf(value: unknown, field: string): number {
  if (typeof value === 'string') {
    if (!ISO_DATE.test(value) || !namesRealTime(value)) {
      throw new FieldProblem('invalid-date', field, 'is not an ISO-8601 date');
    }
    return Date.parse(value);
  }
  return integerValue(value, field);
}

/** The relaxed form mongoexport writes when the milliseconds are 0 (Go drops trailing zeros). */
const SECONDS_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
/** The instants whose ISO form has a four-digit year: 0000-01-01 to 9999-12-31. */
const FIRST_MS = -62_167_219_200_000;
const LAST_MS = 253_402_300_799_999;
const DAY_MS = 86_400_000;

const twoDigits = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

/**
 * Milliseconds since the epoch → ISO-8601 UTC with milliseconds, by arithmetic (the proleptic
 * Gregorian calendar, as Date has it; days → year, month, day as in Hinnant's
 * civil_from_days): a Date's toISOString cost 0.7–0.9 µs a call on this machine against
 * 0.25–0.35 µs, and it runs for two or three dates of every message.
 */
export function isoOfMillis(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  const inDay = ms - days * DAY_MS;
  const shifted = days + 719_468; // days since 0000-03-01
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(inDay / 3_600_000);
  const minutes = Math.floor(inDay / 60_000) % 60;
  const seconds = Math.floor(inDay / 1000) % 60;
  const millis = inDay % 1000;
  const milliText = millis < 10 ? `00${millis}` : millis < 100 ? `0${millis}` : `${millis}`;
  return `${String(year).padStart(4, '0')}-${twoDigits(month)}-${twoDigits(day)}T${twoDigits(hours)}:${twoDigits(minutes)}:${twoDigits(seconds)}.${milliText}Z`;
}

/**
 * A date as our stored form: ISO-8601 UTC with milliseconds, which sorts correctly as text —
 * so only years 0000–9999 (toISOString writes others as ±YYYYYY, which would not).
 * Accepts `{"$date": …}` and, for a v2 that stored dates as text, a plain ISO string.
 */
export function isoDate(value: unknown, field: string): string {
  const wrapped = wrapper(value);
  const inner = wrapped?.[0] === '$date' ? wrapped[1] : value;
  if (
    typeof inner === 'string' &&
    (CANONICAL_DATE.test(inner) || SECONDS_DATE.test(inner)) &&
    namesRealTime(inner)
  ) {
    return inner.length === 24 ? inner : `${inner.slice(0, 19)}.000Z`;
  }
  const ms = millisOf(inner, field);
  if (!(ms >= FIRST_MS && ms <= LAST_MS)) {
    throw new FieldProblem('invalid-date', field, 'is not a valid date');
  }
  return isoOfMillis(ms);
}

/** The creation time an ObjectId carries (its first 4 bytes, in seconds). */
export function objectIdTime(hex: string): string {
  return new Date(Number.parseInt(hex.slice(0, 8), 16) * 1000).toISOString();
}
