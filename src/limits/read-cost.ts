/**
 * What a read costs the reads budget: a point per TUNABLES.readPointChars characters of
 * its reply, at least one. A count of reads let one identity ask for the costliest replies
 * (200 of the longest messages: ~4 MB of JSON, tens of ms to make) as often as the
 * cheapest; by their length, one identity's reading work per second is bounded whatever
 * it asks for.
 */
import { TUNABLES } from '../tunables.js';

export function readPoints(replyChars: number): number {
  return Math.max(1, Math.ceil(replyChars / TUNABLES.readPointChars.value));
}

/** The length of a reply as Fastify is about to send it; a stream (a transcript) counts 0. */
export function replyChars(payload: unknown): number {
  if (typeof payload === 'string' || Buffer.isBuffer(payload)) return payload.length;
  return 0;
}
