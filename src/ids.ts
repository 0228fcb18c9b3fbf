import { randomBytes, randomInt } from 'node:crypto';

/**
 * 24 lowercase hex characters laid out like a MongoDB ObjectId (4-byte seconds, 5-byte
 * process-random, 3-byte counter), so new ids sort by creation time and look like the
 * ids imported from v2.
 */
const processPart = randomBytes(5).toString('hex');
let counter = randomInt(0xffffff);

export function newId(nowMs: number = Date.now()): string {
  counter = (counter + 1) & 0xffffff;
  const seconds = Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, '0');
  return seconds + processPart + counter.toString(16).padStart(6, '0');
}
