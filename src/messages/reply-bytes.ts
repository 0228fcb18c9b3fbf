/**
 * A history reply is bounded in bytes as well as in messages (`historyPageMaxBytes`).
 * Texts may hold any character but NUL and lone surrogates (v2's contract), and JSON
 * writes most control characters as 6-byte `\u00XX` escapes: 200 messages of 10,000 of
 * them were a 12 MB reply, 81-90 ms of CPU per read (server and client; 9-10 ms cut to
 * 1 MiB), for a reader within its read budget. A page that would be larger keeps the
 * messages nearest to where its reader goes on from and leaves the others to the next
 * read, so a reader that follows the cursor misses nothing.
 *
 * Ordinary pages cost little more: a bound found by walking the page's values (string
 * lengths, no serializing; 17 µs for 200 messages, against 110 µs for their
 * JSON.stringify) answers "within" for them; only a page over it is measured, message by
 * message, and only until the budget is spent.
 */
import type { Message } from '../schemas/shapes.js';

/** What JSON may write for one UTF-16 code unit: `\u001f` (a surrogate pair is 4 bytes in all). */
const MAX_BYTES_PER_CODE_UNIT = 6;
/** The longest number JSON.stringify writes: `-1.7976931348623157e+308`. */
const MAX_NUMBER_BYTES = 24;

/** At least as many bytes as `value`'s JSON in UTF-8, found without serializing it. */
export function jsonBytesAtMost(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return MAX_BYTES_PER_CODE_UNIT * value.length + 2;
    case 'number':
      return MAX_NUMBER_BYTES;
    case 'boolean':
      return 5;
    case 'object': {
      if (value === null) return 4;
      let bytes = 2;
      if (Array.isArray(value)) {
        for (const item of value) bytes += jsonBytesAtMost(item) + 1;
        return bytes;
      }
      const record = value as Record<string, unknown>;
      for (const key in record) {
        bytes += MAX_BYTES_PER_CODE_UNIT * key.length + 4 + jsonBytesAtMost(record[key]);
      }
      return bytes;
    }
    default:
      return 4;
  }
}

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

/**
 * The messages (oldest first) whose JSON fits in `maxBytes`, taken from the end the reader
 * goes on from: `oldest` for a read after a seq (the next read starts after the last one
 * kept), `newest` for a read before a seq and for a page (the next one starts before the
 * first one kept). At least one message, whatever its size: a reader always gets on.
 */
export function keepWithinBytes(
  messages: Message[],
  maxBytes: number,
  keep: 'oldest' | 'newest',
): Message[] {
  if (jsonBytesAtMost(messages) <= maxBytes) return messages;
  const from = keep === 'oldest' ? messages : [...messages].reverse();
  // `[`, then each message and the `,` or `]` after it: the array's JSON exactly.
  let bytes = 1;
  let kept = 0;
  for (const message of from) {
    bytes += jsonBytes(message) + 1;
    if (kept > 0 && bytes > maxBytes) break;
    kept++;
  }
  return keep === 'oldest' ? messages.slice(0, kept) : messages.slice(messages.length - kept);
}
