/**
 * A [from, to) range of instants a query asks for, as the stores compare it with the times
 * they hold. One whose from is not before its to holds nothing: it is refused, naming
 * `from`, rather than answered with an empty page as if nothing matched. The schemas write
 * each bound with toISOString, whose text compares as the instant does only between the
 * years 0000 and 9999: beyond them it writes `+010000-…` or `-000001-…`, which sort before
 * every year (a `to` of 9999-12-31T23:00-05:00 is in the year 10000). The stores' times are
 * the server's clock, within those years: a bound past them is brought back to their edge.
 */
import { InvalidInput } from '../errors.js';

export interface InstantRange {
  from?: string | undefined;
  to?: string | undefined;
}

/** The first and last instants a four-digit year writes. */
const FIRST = '0000-01-01T00:00:00.000Z';
const LAST = '9999-12-31T23:59:59.999Z';
const [FIRST_MS, LAST_MS] = [Date.parse(FIRST), Date.parse(LAST)];

/** The bound as text that compares with the stored times as the instant does. */
function stored(bound: string | undefined): string | undefined {
  if (bound === undefined) return undefined;
  const ms = Date.parse(bound);
  return ms < FIRST_MS ? FIRST : ms > LAST_MS ? LAST : bound;
}

/** The range to ask a store for: refused when it holds nothing, its bounds as stored text. */
export function storedRange(range: InstantRange): InstantRange {
  const { from, to } = range;
  if (from !== undefined && to !== undefined && !(Date.parse(from) < Date.parse(to)))
    throw new InvalidInput('from: must be before to');
  return { from: stored(from), to: stored(to) };
}
