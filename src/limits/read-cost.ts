/**
 * What a read costs the reads budget: a point per TUNABLES.readPointChars characters of
 * its reply, at least one. Counted by reads, one identity could ask for the costliest
 * replies (a 1 MiB history page of escaped text, ~10 ms of CPU) as often as the cheapest;
 * counted by length, its reading work per second is bounded whatever it asks for.
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
