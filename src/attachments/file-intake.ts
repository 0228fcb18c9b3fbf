/**
 * An upload's file as it arrives: each chunk is copied into one buffer and fed to a
 * sha256 at once, so the end of the file costs nothing proportional to its size. Kept as
 * a list of chunks, the file was joined at the end (held twice for a moment, ~5 ms of
 * event loop for 5 MB) and hashed in one call (~3 ms more), a block every send waited
 * behind.
 *
 * The buffer starts small and doubles as the file arrives until a sixteenth of the
 * request's Content-Length has come, then takes that length whole (the HTTP parser ends the
 * body there, so the file fits), capped at the limit: a file that fills its declared length
 * ends in a buffer of exactly that, copied a few times while small (an eighth of it in
 * all). Never the declared length at once: a request that declares the limit and trickles
 * would reserve 10 MiB for a few hundred bytes, and what V8 counts as external memory
 * drives its full collections (140 such reservations a round took a synthetic loop from 5
 * to 253 of them). So it holds at most 16 times what arrived. Without a length (a chunked
 * body) it doubles up to the limit: at most twice the file, and for the moment of a copy
 * the old buffer too.
 */
import { createHash } from 'node:crypto';

/** An intake's first buffer: 4 doublings take it to 1 MiB. */
const FIRST_BYTES = 64 * 1024;
/** A declared length is taken whole once this fraction of it (1/JUMP_AT) has come. */
const JUMP_AT = 16;

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
  /**
   * Nothing reads or writes the file's bytes any more: its buffer goes back to the
   * intake's buffers, for another upload (and takes no more chunks).
   */
  release(): void;
}

/**
 * Buffers of finished uploads, kept for the next ones' intakes: a new buffer per file cost
 * the event loop the kernel's zeroing of its fresh pages as the file was copied in (5 MB,
 * ~1,100 page faults, ~10 ms of CPU: about a sixth of an upload's on a 2-core VM) and
 * more external memory, which is what starts V8's full collections. Only buffers of
 * POOLED_BYTES and more, at most `keep` of them, and none once `idleMs` passed without an
 * upload giving one back: a node that stopped uploading holds nothing for it. A kept
 * buffer may be larger than the next file: the file is a view of its first bytes, so what
 * it held before is never read.
 */
export interface IntakeBuffers {
  /** A buffer of `bytes` (a view of a kept one large enough, else a new one). */
  take(bytes: number): Buffer<ArrayBuffer>;
  /** A buffer of a file no one reads or writes any more. */
  give(buffer: Buffer): void;
}

/** Smaller buffers are the first doublings of every file: not worth keeping. */
export const POOLED_BYTES = 1024 * 1024;

export function intakeBuffers(keep: number, idleMs: number): IntakeBuffers {
  /** Smallest first, so a file takes the smallest that fits it. */
  let kept: ArrayBuffer[] = [];
  let idle: NodeJS.Timeout | undefined;
  return {
    take(bytes) {
      const at = kept.findIndex((buffer) => buffer.byteLength >= bytes);
      const [found] = at < 0 ? [] : kept.splice(at, 1);
      return found ? Buffer.from(found, 0, bytes) : Buffer.allocUnsafeSlow(bytes);
    },
    give(buffer) {
      const whole = buffer.buffer;
      if (!(whole instanceof ArrayBuffer) || whole.byteLength < POOLED_BYTES) return;
      if (kept.length >= keep || kept.includes(whole)) return;
      kept.push(whole);
      kept.sort((a, b) => a.byteLength - b.byteLength);
      clearTimeout(idle);
      idle = setTimeout(() => {
        kept = [];
      }, idleMs);
      idle.unref();
    },
  };
}

/**
 * `expectedBytes`: what the file can be at most (the request's length), trusted no further
 * than `maxBytes`.
 */
export function fileIntake(
  maxBytes: number,
  expectedBytes?: number,
  buffers?: IntakeBuffers,
): FileIntake {
  const declared =
    expectedBytes !== undefined && Number.isSafeInteger(expectedBytes) && expectedBytes >= 0;
  const cap = declared ? Math.min(expectedBytes, maxBytes) : maxBytes;
  let buffer = Buffer.allocUnsafe(Math.min(FIRST_BYTES, cap));
  let size = 0;
  let released = false;
  const hash = createHash('sha256');
  const grow = (needed: number) => {
    // Once a sixteenth of the length has come, straight to it: the copies before come to
    // an eighth of the file, and the large ones (5 MiB took 2-6 ms) are never made.
    const doubled = Math.max(needed, buffer.length * 2);
    const to =
      declared && doubled * JUMP_AT >= cap ? Math.max(needed, cap) : Math.min(cap, doubled);
    const larger = buffers && to >= POOLED_BYTES ? buffers.take(to) : Buffer.allocUnsafe(to);
    buffer.copy(larger, 0, 0, size);
    buffer = larger;
  };
  return {
    add(chunk) {
      const needed = size + chunk.length;
      if (released || needed > maxBytes) return false;
      if (needed > buffer.length) grow(needed);
      buffer.set(chunk, size);
      size = needed;
      hash.update(chunk);
      return true;
    },
    finish: () => ({ bytes: buffer.subarray(0, size), sha256: hash.digest('hex') }),
    release() {
      if (released) return;
      released = true;
      buffers?.give(buffer);
    },
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
