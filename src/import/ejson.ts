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

function millisOf(value: unknown, field: string): number {
  if (typeof value === 'string') {
    if (!ISO_DATE.test(value))
      throw new FieldProblem('invalid-date', field, 'is not an ISO-8601 date');
    return Date.parse(value);
  }
  return integerValue(value, field);
}

/**
 * A date as our stored form: ISO-8601 UTC with milliseconds, which sorts correctly as text —
 * so only years 0000–9999 (toISOString writes others as ±YYYYYY, which would not).
 * Accepts `{"$date": …}` and, for a v2 that stored dates as text, a plain ISO string.
 */
export function isoDate(value: unknown, field: string): string {
  const wrapped = wrapper(value);
  const ms = millisOf(wrapped?.[0] === '$date' ? wrapped[1] : value, field);
  const date = new Date(ms);
  const iso = Number.isNaN(date.getTime()) ? '' : date.toISOString();
  if (iso.length !== 24) throw new FieldProblem('invalid-date', field, 'is not a valid date');
  return iso;
}

/** The creation time an ObjectId carries (its first 4 bytes, in seconds). */
export function objectIdTime(hex: string): string {
  return new Date(Number.parseInt(hex.slice(0, 8), 16) * 1000).toISOString();
}
