/**
 * An upload's file taken in as it arrives: one buffer, its hash kept up with each chunk,
 * the limit held to the byte, and images' re-encoded bytes hashed a slice a turn.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  fileIntake,
  intakeBuffers,
  POOLED_BYTES,
  sha256InSlices,
} from '../../src/attachments/file-intake.js';

const KiB = 1024;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** `bytes` fed in chunks of `size` (the last shorter); false when a chunk was refused. */
function feed(intake: ReturnType<typeof fileIntake>, bytes: Uint8Array, size: number): boolean {
  for (let at = 0; at < bytes.length; at += size) {
    if (!intake.add(bytes.subarray(at, at + size))) return false;
  }
  return true;
}

describe('fileIntake', () => {
  it('gives back the bytes and their sha256, with or without a declared length', () => {
    const file = randomBytes(1000 * KiB + 7);
    for (const declared of [undefined, file.length, file.length + 300]) {
      const intake = fileIntake(4096 * KiB, declared);
      expect(feed(intake, file, 64 * KiB + 3)).toBe(true);
      const received = intake.finish();
      expect(Buffer.compare(received.bytes, file), `declared ${declared}`).toBe(0);
      expect(received.sha256).toBe(sha256(file));
    }
  });

  it('takes a file of exactly the limit and refuses one byte more, keeping what it took', () => {
    const max = 256 * KiB;
    const file = randomBytes(max);
    for (const declared of [undefined, max, max + 1000]) {
      const atLimit = fileIntake(max, declared);
      expect(feed(atLimit, file, 10 * KiB)).toBe(true);
      expect(atLimit.finish().sha256).toBe(sha256(file));

      const over = fileIntake(max, declared);
      expect(feed(over, file, 10 * KiB)).toBe(true);
      expect(over.add(Buffer.from([1]))).toBe(false);
      expect(over.finish().bytes.length).toBe(max);
    }
  });

  it('an empty file is empty, with the empty hash', () => {
    const received = fileIntake(KiB * KiB, 0).finish();
    expect(received.bytes.length).toBe(0);
    expect(received.sha256).toBe(sha256(new Uint8Array()));
  });

  it('a file that fills its declared length ends in a buffer of that length, capped at the limit', () => {
    const max = 2048 * KiB;
    const file = randomBytes(1500 * KiB);
    const declared = file.length + 200; // the form around the file
    const intake = fileIntake(max, declared);
    feed(intake, file, 64 * KiB);
    const { bytes } = intake.finish();
    // Its last growth stops at the declared length: no slack past it.
    expect(bytes.buffer.byteLength).toBe(declared);
    // A client declaring more than the limit grows to the limit, no larger.
    const claimed = fileIntake(max, 1024 * 1024 * KiB);
    feed(claimed, randomBytes(max), 64 * KiB);
    expect(claimed.finish().bytes.buffer.byteLength).toBe(max);
  });

  it('holds no more than 16 times what arrived, whatever the request declares (a trickle under a 10 MiB length holds no 10 MiB)', () => {
    const max = 10 * 1024 * KiB;
    for (const declared of [max, 1024 * 1024 * KiB]) {
      const intake = fileIntake(max, declared);
      intake.add(randomBytes(KiB));
      // 64 KiB: the first buffer of a file whose length is not yet known.
      expect(intake.finish().bytes.buffer.byteLength, `${declared}`).toBeLessThanOrEqual(64 * KiB);
    }
  });

  it('without a declared length, grows by doubling: never more than twice the file, nor past the limit', () => {
    const max = 3000 * KiB;
    for (const length of [100 * KiB, 1100 * KiB, 2900 * KiB]) {
      const intake = fileIntake(max);
      feed(intake, randomBytes(length), 16 * KiB);
      const held = intake.finish().bytes.buffer.byteLength;
      expect(held, `${length}`).toBeLessThanOrEqual(Math.min(2 * length, max));
    }
  });
});

describe('intakeBuffers', () => {
  afterEach(() => vi.useRealTimers());

  it("a released file's buffer holds the next file, which reads as itself, not as what was there before", () => {
    const buffers = intakeBuffers(4, 10_000);
    const first = randomBytes(1800 * KiB);
    const before = fileIntake(4096 * KiB, first.length, buffers);
    feed(before, first, 64 * KiB);
    const held = before.finish().bytes.buffer;
    before.release();
    // Released, it takes nothing more: the buffer may be someone else's now.
    expect(before.add(Buffer.from([1]))).toBe(false);

    const second = randomBytes(1200 * KiB);
    const after = fileIntake(4096 * KiB, second.length, buffers);
    feed(after, second, 64 * KiB);
    const received = after.finish();
    expect(received.bytes.buffer).toBe(held);
    expect(Buffer.compare(received.bytes, second)).toBe(0);
    expect(received.sha256).toBe(sha256(second));
  });

  it('a file larger than every kept buffer gets a new one; a release twice gives it back once', () => {
    const buffers = intakeBuffers(4, 10_000);
    const small = fileIntake(4096 * KiB, 1200 * KiB, buffers);
    feed(small, randomBytes(1200 * KiB), 64 * KiB);
    const smallHeld = small.finish().bytes.buffer;
    small.release();
    small.release();
    const large = fileIntake(4096 * KiB, 2000 * KiB, buffers);
    feed(large, randomBytes(2000 * KiB), 64 * KiB);
    expect(large.finish().bytes.buffer).not.toBe(smallHeld);
    expect(buffers.take(1000 * KiB).buffer).toBe(smallHeld);
    expect(buffers.take(1000 * KiB).buffer).not.toBe(smallHeld);
  });

  it('keeps no buffer under POOLED_BYTES, at most `keep`, and none once idle', () => {
    vi.useFakeTimers();
    const buffers = intakeBuffers(2, 1_000);
    const tiny = Buffer.allocUnsafeSlow(POOLED_BYTES - 1);
    buffers.give(tiny);
    expect(buffers.take(10).buffer).not.toBe(tiny.buffer);
    const given = [1, 2, 3].map(() => Buffer.allocUnsafeSlow(POOLED_BYTES));
    for (const buffer of given) buffers.give(buffer);
    const taken = [1, 2, 3].map(() => buffers.take(POOLED_BYTES).buffer);
    expect(taken.filter((b) => given.some((g) => g.buffer === b))).toHaveLength(2);
    const [back] = given;
    if (!back) throw new Error('none given');
    buffers.give(back);
    vi.advanceTimersByTime(1_000);
    expect(buffers.take(POOLED_BYTES).buffer).not.toBe(back.buffer);
  });
});

describe('sha256InSlices', () => {
  it('is the sha256 of the bytes', async () => {
    for (const length of [0, 1, 256 * KiB, 256 * KiB + 1, 1300 * KiB]) {
      const bytes = randomBytes(length);
      expect(await sha256InSlices(bytes), `${length}`).toBe(sha256(bytes));
    }
  });

  it('lets the event loop run between slices', async () => {
    let ranMeanwhile = false;
    setImmediate(() => {
      ranMeanwhile = true;
    });
    const hashing = sha256InSlices(randomBytes(1024 * KiB)).then(() => ranMeanwhile);
    expect(await hashing).toBe(true);
  });
});
