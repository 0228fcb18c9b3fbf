/**
 * The hang watch tells a silent Redis from a busy one: commands fail only when the
 * connection has answered nothing for the timeout, not when one command waits behind a
 * queue Redis is still answering. (test/cluster/hang-watch.test.ts freezes a real Redis.)
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HangWatch, RedisTimeoutError } from '../../src/redis/hang-watch.js';

const TIMEOUT_MS = 500;

/** A command Redis answers when the test says so. */
function command() {
  let answer: (value: string) => void = () => {};
  const sent = new Promise<string>((resolve) => {
    answer = resolve;
  });
  return { send: () => sent, answer };
}

function watch() {
  const counts = { hung: 0, timedOut: 0, answered: 0 };
  const hangs = new HangWatch(TIMEOUT_MS, {
    hung: () => counts.hung++,
    timedOut: () => counts.timedOut++,
    answered: () => counts.answered++,
  });
  return { hangs, counts };
}

/** What a watched command settled with so far. */
function outcome(promise: Promise<string>) {
  const seen: { value?: string; error?: unknown } = {};
  promise.then(
    (value) => {
      seen.value = value;
    },
    (error: unknown) => {
      seen.error = error;
    },
  );
  return seen;
}

describe('HangWatch', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fails every command in flight once the connection answered nothing for the timeout', async () => {
    const { hangs, counts } = watch();
    const first = outcome(hangs.watch(command().send));
    await vi.advanceTimersByTimeAsync(100);
    const second = outcome(hangs.watch(command().send));
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    expect(first.error).toBeInstanceOf(RedisTimeoutError);
    expect(second.error).toBeInstanceOf(RedisTimeoutError);
    expect(counts).toMatchObject({ hung: 1, timedOut: 2 });
    // Silent now: the next command fails at once, unsent.
    const send = vi.fn(command().send);
    await expect(hangs.watch(send)).rejects.toBeInstanceOf(RedisTimeoutError);
    expect(send).not.toHaveBeenCalled();
  });

  it('leaves a busy Redis alone: a queue answered slowly, each answer within the timeout of the last', async () => {
    const { hangs, counts } = watch();
    const queue = Array.from({ length: 4 }, () => command());
    const seen = queue.map((c) => outcome(hangs.watch(c.send)));
    // Answers come 400 ms apart: the last is answered 1.6 s after it was sent.
    for (const [i, c] of queue.entries()) {
      await vi.advanceTimersByTimeAsync(400);
      c.answer(`answer ${i}`);
    }
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    expect(seen.map((s) => s.value)).toEqual(['answer 0', 'answer 1', 'answer 2', 'answer 3']);
    expect(counts).toMatchObject({ hung: 0, timedOut: 0 });
  });
});
