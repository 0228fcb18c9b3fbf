/**
 * A [from, to) range of instants a query asks for. One whose from is not before its to
 * holds nothing: it is refused, naming `from`, rather than answered with an empty page as
 * if nothing matched. Both are ISO instants the schemas wrote with toISOString, so their
 * text compares as the instants do.
 */
import { InvalidInput } from '../errors.js';

export function refuseEmptyRange(range: { from?: string | undefined; to?: string | undefined }) {
  if (range.from !== undefined && range.to !== undefined && range.from >= range.to)
    throw new InvalidInput('from: must be before to');
}
