import { describe, expect, it } from 'vitest';
import { TokenBucketLimiter } from '../../src/limits/rate-limiter.js';

describe('token bucket', () => {
  it('allows a burst, then the sustained rate, and says when to retry', async () => {
    let now = 0;
    const limiter = new TokenBucketLimiter(10, 30, 1000, () => now);
    for (let i = 0; i < 30; i++) expect((await limiter.consume('a')).allowed).toBe(true);
    const refused = await limiter.consume('a');
    expect(refused).toEqual({ allowed: false, retryAfterMs: 100 });
    now += 100;
    expect((await limiter.consume('a')).allowed).toBe(true);
    expect((await limiter.consume('a')).allowed).toBe(false);
    now += 1000;
    for (let i = 0; i < 10; i++) expect((await limiter.consume('a')).allowed).toBe(true);
    expect((await limiter.consume('a')).allowed).toBe(false);
  });

  it('keeps identities apart', async () => {
    const limiter = new TokenBucketLimiter(1, 1, 1000, () => 0);
    expect((await limiter.consume('a')).allowed).toBe(true);
    expect((await limiter.consume('a')).allowed).toBe(false);
    expect((await limiter.consume('b')).allowed).toBe(true);
  });

  it('stays bounded under a flood of distinct keys', async () => {
    let now = 0;
    const limiter = new TokenBucketLimiter(1, 1, 100, () => now);
    for (let i = 0; i < 10_000; i++) {
      now += 1;
      await limiter.consume(`k${i}`);
    }
    expect(
      (limiter as unknown as { buckets: Map<string, unknown> }).buckets.size,
    ).toBeLessThanOrEqual(100);
  });
});
