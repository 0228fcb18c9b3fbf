/** Redis stream ids (`<ms>-<n>`), compared and read in place: every entry a node hears passes here. */

/**
 * Stream ids in order: negative when a is older than b. Called for every entry a node
 * hears, so it reads the two numbers in place rather than splitting into arrays.
 */
export function compareIds(a: string, b: string): number {
  const aDash = a.indexOf('-');
  const bDash = b.indexOf('-');
  return (
    Number(a.slice(0, aDash)) - Number(b.slice(0, bDash)) ||
    Number(a.slice(aDash + 1)) - Number(b.slice(bDash + 1))
  );
}

/** The milliseconds part of a stream id: when Redis's clock stamped it. */
export const idMs = (id: string): number => Number(id.slice(0, id.indexOf('-')));

export const laterOf = (a: string, b: string): string => (compareIds(a, b) > 0 ? a : b);

/** Read after this, a stream is read from its first entry (no entry's id is 0-0). */
export const STREAM_START = '0-0';
