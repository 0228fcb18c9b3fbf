/**
 * An upload's file as it arrives: each chunk is copied into one buffer and fed to a
 * sha256 at once, so the end of the file costs nothing proportional to its size. Kept as
 * a list of chunks, the file was joined at the end (held twice for a moment, ~5 ms of
 * event loop for 5 MB) and hashed in one call (~3 ms more), a block every send waited
 * behind.
 *
 * The buffer is one allocation of the request's Content-Length when it has one, capped at
 * the limit: the HTTP parser ends the body at that length, so the file fits in it, and a
 * client claiming more than the limit gets no more than the limit. Without a length
 * (a chunked body) it starts small and doubles, up to the limit: then it holds at most
 * twice the file, and for the moment of a copy the old buffer too.
 */
import { createHash } from 'node:crypto';

/** The first buffer of a file that came without a length: 4 copies take it to 1 MiB. */
const FIRST_BYTES = 64 * 1024;

export interface ReceivedFile {
  /** The file's bytes: a view of the intake's buffer, not a copy. */
  bytes: Buffer;
  /** The bytes' sha256, hex. */
  sha256: string;
}

export interface FileIntake {
  /** Takes the chunk, or refuses it (false, nothing taken) when it would pass the limit. */
  add(chunk: Uint8Array): boolean;
  finish(): ReceivedFile;
}

/**
 * `expectedBytes`: what the file can be at most (the request's length), trusted no further
 * than `maxBytes`.
 */
export function fileIntake(maxBytes: number, expectedBytes?: number): FileIntake {
  const first =
    expectedBytes !== undefined && Number.isSafeInteger(expectedBytes) && expectedBytes >= 0
      ? Math.min(expectedBytes, maxBytes)
      : Math.min(FIRST_BYTES, maxBytes);
  let buffer = Buffer.allocUnsafe(first);
  let size = 0;
  const hash = createHash('sha256');
  const grow = (needed: number) => {
    const larger = Buffer.allocUnsafe(Math.min(maxBytes, Math.max(needed, buffer.length * 2)));
    buffer.copy(larger, 0, 0, size);
    buffer = larger;
  };
  return {
    add(chunk) {
      const needed = size + chunk.length;
      if (needed > maxBytes) return false;
      if (needed > buffer.length) grow(needed);
      buffer.set(chunk, size);
      size = needed;
      hash.update(chunk);
      return true;
    },
    finish: () => ({ bytes: buffer.subarray(0, size), sha256: hash.digest('hex') }),
  };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Bytes hashed in one turn of the event loop: ~0.2 ms each. */
const HASH_SLICE = 256 * 1024;

/**
 * The sha256 of bytes already held (an image as re-encoded), a slice a turn: in one call
 * 5 MB stopped the event loop ~3 ms.
 */
export async function sha256InSlices(bytes: Uint8Array): Promise<string> {
  const hash = createHash('sha256');
  for (let at = 0; at < bytes.length; at += HASH_SLICE) {
    if (at > 0) await nextTurn();
    hash.update(bytes.subarray(at, at + HASH_SLICE));
  }
  return hash.digest('hex');
}
