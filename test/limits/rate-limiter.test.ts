import { describe, expect, it } from 'vitest';
import { TokenBucketLimiter } from '../../src/limits/rate-limiter.js';

describe('token bucket', () => {
  it('allows a burst, then the sustained rate, and says when to retry', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter(10, 30, 1000, () => now);
    for (let i = 0; i < 30; i++) expect(limiter.take('a').allowed).toBe(true);
    const refused = limiter.take('a');
    expect(refused).toEqual({ allowed: false, retryAfterMs: 100 });
    now += 100;
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    now += 1000;
    for (let i = 0; i < 10; i++) expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
  });

  it('keeps identities apart', () => {
    const limiter = new TokenBucketLimiter(1, 1, 1000, () => 0);
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    expect(limiter.take('b').allowed).toBe(true);
  });

  it('stays bounded under a flood of distinct keys', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter(1, 1, 100, () => now);
    for (let i = 0; i < 10_000; i++) {
      now += 1;
      limiter.take(`k${i}`);
    }
    expect(
      (limiter as unknown as { buckets: Map<string, unknown> }).buckets.size,
    ).toBeLessThanOrEqual(100);
  });
});
