/** The budget limiter: a burst, then the sustained rate, per key; shared through Redis. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  blockSeconds,
  budgetLimiter,
  createLimits,
  type RateLimiter,
} from '../../src/limits/rate-limiter.js';
import { connectRedis, type Redis } from '../../src/redis/redis.js';
import { TUNABLES } from '../../src/tunables.js';
import { REDIS_TEST_URL, redisReachable } from '../helpers/redis.js';

async function allowedOf(limiter: RateLimiter, key: string, n: number): Promise<number> {
  let allowed = 0;
  for (let i = 0; i < n; i++) if ((await limiter.consume(key)).allowed) allowed++;
  return allowed;
}

describe('budget limiter in memory', () => {
  it('allows the burst at once, refuses the next with a retry time, and refills', async () => {
    const limiter = budgetLimiter(`t-${randomUUID()}`, { perSecond: 10, burst: 30 });
    expect(await allowedOf(limiter, 'a', 30)).toBe(30);
    const refused = await limiter.consume('a');
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    // The window of 30 at 10/s is 3 s long: the wait is what is left of it.
    expect(refused.retryAfterMs).toBeLessThanOrEqual(3000);
    await new Promise((r) => setTimeout(r, refused.retryAfterMs + 20));
    expect((await limiter.consume('a')).allowed).toBe(true);
  });

  it('holds a steady sender to the rate: a burst does not add to it', async () => {
    // 10/s, bursts of 20: counted as 20 per 2 s. Counted as 10 per second plus the other
    // 10 of the burst per second, a steady sender got 20/s.
    const limiter = budgetLimiter(`t-${randomUUID()}`, { perSecond: 10, burst: 20 });
    const started = performance.now();
    let allowed = 0;
    while (performance.now() - started < 4100) {
      if ((await limiter.consume('steady')).allowed) allowed++;
      await new Promise((r) => setTimeout(r, 5));
    }
    const elapsed = performance.now() - started;
    // At most one window's 20 per 2 s window touched: 3 windows in 4.1-6 s.
    expect(allowed).toBeLessThanOrEqual(20 * (Math.floor(elapsed / 2000) + 1));
    expect(allowed).toBeGreaterThanOrEqual(40);
  });

  it('holds a charge beyond the window as a debt the rate must earn back', async () => {
    // 10 per 1 s; a read admitted with 1 point then charged 29 more is 20 past the window.
    const limiter = budgetLimiter(`t-${randomUUID()}`, { perSecond: 10, burst: 10 });
    expect((await limiter.consume('reader')).allowed).toBe(true);
    await limiter.charge('reader', 29);
    const refused = await limiter.consume('reader');
    expect(refused.allowed).toBe(false);
    // The window's end (≤ 1 s) would forget it; 20 points at 10/s are 2 s more (in whole
    // seconds, rounded either way: blockSeconds).
    expect(refused.retryAfterMs).toBeGreaterThan(1000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(3000);
    expect((await limiter.consume('someone else')).allowed).toBe(true);
  });

  it('takes a charge within the window from what it has left, and no more', async () => {
    const limiter = budgetLimiter(`t-${randomUUID()}`, { perSecond: 5, burst: 10 });
    expect((await limiter.consume('reader')).allowed).toBe(true);
    await limiter.charge('reader', 5);
    expect(await allowedOf(limiter, 'reader', 10)).toBe(4);
    // Refused and no debt: the wait is the rest of the 2 s window.
    expect((await limiter.consume('reader')).retryAfterMs).toBeLessThanOrEqual(2000);
  });

  it("rounds a debt's block to whole seconds so that many small charges add up to their debt", () => {
    expect(blockSeconds(2.2, () => 0.1)).toBe(3);
    expect(blockSeconds(2.2, () => 0.5)).toBe(2);
    expect(blockSeconds(0.2, () => 0.9)).toBe(1);
    // Ten charges of 0.2 s: each rounded up, 10 s; in proportion, about 2 s in all.
    let total = 0;
    for (let i = 0; i < 10_000; i++) total += blockSeconds(3.2) - 3;
    expect(total / 10_000).toBeCloseTo(0.2, 1);
  });

  it('keeps keys apart', async () => {
    const limiter = budgetLimiter(`t-${randomUUID()}`, { perSecond: 1, burst: 1 });
    expect((await limiter.consume('a')).allowed).toBe(true);
    expect((await limiter.consume('a')).allowed).toBe(false);
    expect((await limiter.consume('b')).allowed).toBe(true);
  });
});

describe.skipIf(!(await redisReachable(!!process.env.CI)))('budget limiter in Redis', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = connectRedis(REDIS_TEST_URL, () => {});
    await redis.ready;
  });
  afterAll(() => redis.close());

  it('two nodes share one budget per identity', async () => {
    const name = `t-${randomUUID()}`;
    const nodeA = budgetLimiter(name, { perSecond: 5, burst: 20 }, redis.client);
    const nodeB = budgetLimiter(name, { perSecond: 5, burst: 20 }, redis.client);
    const both = (await allowedOf(nodeA, 'spread', 15)) + (await allowedOf(nodeB, 'spread', 15));
    expect(both).toBe(20);
  });

  it('a key refused once is refused by the node itself until its window ends, without asking Redis', async () => {
    const name = `t-${randomUUID()}`;
    const limiter = budgetLimiter(name, { perSecond: 2, burst: 2 }, redis.client);
    const key = randomUUID();
    for (let i = 0; i < 2; i++) expect((await limiter.consume(key)).allowed).toBe(true);
    expect((await limiter.consume(key)).allowed).toBe(false);
    const calls = async () => {
      const stats = String(await redis.client.sendCommand(['INFO', 'commandstats']));
      return [...stats.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g)].reduce(
        (sum, m) => sum + Number(m[1]),
        0,
      );
    };
    const before = await calls();
    for (let i = 0; i < 5; i++) {
      const refused = await limiter.consume(key);
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBeGreaterThan(0);
    }
    expect(await calls()).toBe(before);
    // Another node has not been refused yet: Redis refuses it, from the same count.
    const other = budgetLimiter(name, { perSecond: 2, burst: 2 }, redis.client);
    expect((await other.consume(key)).allowed).toBe(false);
  });

  it("a charge's debt made on one node holds on the other", async () => {
    const name = `t-${randomUUID()}`;
    const nodeA = budgetLimiter(name, { perSecond: 10, burst: 10 }, redis.client);
    const nodeB = budgetLimiter(name, { perSecond: 10, burst: 10 }, redis.client);
    expect((await nodeA.consume('spread')).allowed).toBe(true);
    await nodeA.charge('spread', 29);
    const refused = await nodeB.consume('spread');
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(1000);
  });

  it('falls back to memory while Redis is unreachable, and limits still hold', async () => {
    const down = connectRedis(REDIS_TEST_URL, () => {});
    await down.ready;
    await down.close();
    const limiter = budgetLimiter(`t-${randomUUID()}`, { perSecond: 1, burst: 3 }, down.client);
    expect(await allowedOf(limiter, 'k', 10)).toBe(3);
  });
});

describe('the reads budget by how readers are told apart', () => {
  const limits = (readsByAddress: boolean) =>
    createLimits({ enabled: true, messagesPerSecond: 10, messagesBurst: 30, readsByAddress });

  it('bursts 10 for an identity, 30 for an address every tokenless console shares', async () => {
    expect(await allowedOf(limits(false).reads, `id:${randomUUID()}`, 40)).toBe(
      TUNABLES.readsBurst.value,
    );
    expect(await allowedOf(limits(true).reads, `ip:${randomUUID()}`, 40)).toBe(
      TUNABLES.readsBurstWithoutTokens.value,
    );
    expect(TUNABLES.readsBurst.value).toBe(10);
    expect(TUNABLES.readsBurstWithoutTokens.value).toBe(30);
  });
});
