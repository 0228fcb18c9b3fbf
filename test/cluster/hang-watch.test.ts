/**
 * A Redis that is connected but answers nothing (SIGSTOP: what a network that drops
 * packets looks like) costs a command at most REDIS_COMMAND_TIMEOUT_MS, and then nothing:
 * the connection is known silent and commands fail at once until Redis answers again.
 * The rate limits and presence fall back as they do when Redis is gone. A redis-server of
 * this file's own, frozen and resumed.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { budgetLimiter } from '../../src/limits/rate-limiter.js';
import { RedisPresence } from '../../src/presence/redis-presence.js';
import { RedisTimeoutError } from '../../src/redis/hang-watch.js';
import { connectRedis, type Redis } from '../../src/redis/redis.js';
import { type DroppingProxy, droppingProxy } from '../helpers/dropping-proxy.js';
import { type PrivateRedis, privateRedis, redisServerInstalled } from '../helpers/private-redis.js';
import { waitUntil } from '../helpers/processes.js';

const TIMEOUT_MS = 300;
/** What a timed-out call may take beyond the timeout on a loaded two-core machine. */
const SLACK_MS = 400;

/** How long `timed` waits before it reports a call that hangs (as an error). */
const GIVE_UP_MS = 3000;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T | Error }> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const givenUp = new Promise<Error>((resolve) => {
    timer = setTimeout(() => resolve(new Error(`no answer within ${GIVE_UP_MS} ms`)), GIVE_UP_MS);
  });
  const result = await Promise.race([
    work().catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))),
    givenUp,
  ]);
  clearTimeout(timer);
  return { ms: Date.now() - started, result };
}

describe.skipIf(!redisServerInstalled())('a Redis that hangs', () => {
  let server: PrivateRedis;
  let redis: Redis;
  const errors: Error[] = [];
  let timeouts = 0;
  let returns = 0;
  beforeAll(async () => {
    server = await privateRedis();
    redis = connectRedis(server.url, (err) => errors.push(err), {
      commandTimeoutMs: TIMEOUT_MS,
      onTimeout: () => timeouts++,
    });
    redis.onReturn(async () => {
      returns++;
    });
    await redis.ready;
  });
  afterEach(async () => {
    server.resume();
    await waitUntil('Redis answers again', async () => (await redis.probe()) === 'up', 10_000);
  });
  afterAll(async () => {
    await redis?.close();
    await server?.stop();
  });

  it('a command fails after the timeout, the next ones at once; up again, with a return, once Redis answers', async () => {
    const key = `k-${randomUUID()}`;
    await redis.client.set(key, '1');
    expect(await redis.probe()).toBe('up');
    server.freeze();

    const first = await timed(() => redis.client.get(key));
    expect(first.result).toBeInstanceOf(RedisTimeoutError);
    expect(first.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(first.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    const next = await timed(() => redis.client.incr(key));
    expect(next.result).toBeInstanceOf(RedisTimeoutError);
    expect(next.ms).toBeLessThan(50);
    const multi = await timed(() => redis.client.multi().get(key).del(key).exec());
    expect(multi.result).toBeInstanceOf(RedisTimeoutError);
    expect(redis.state()).toBe('down');
    expect(await redis.probe()).toBe('down');
    expect(errors.filter((e) => e instanceof RedisTimeoutError)).toHaveLength(1);
    expect(timeouts).toBeGreaterThanOrEqual(3);

    const returnsBefore = returns;
    server.resume();
    await waitUntil('Redis answers again', async () => (await redis.probe()) === 'up', 5000);
    expect(returns).toBe(returnsBefore + 1);
    // Redis ran what it was sent before it went silent (the GET), nothing after.
    expect(await redis.client.get(key)).toBe('1');
  });

  it('commands in flight when Redis goes silent fail together, in the order they were sent', async () => {
    server.freeze();
    const order: number[] = [];
    const calls = [0, 1, 2, 3].map((i) =>
      redis.client.ping().catch(() => {
        order.push(i);
      }),
    );
    await timed(() => Promise.all(calls));
    expect(order).toEqual([0, 1, 2, 3]);
  });

  it('the rate limits answer from memory within the timeout, and still limit', async () => {
    const limiter = budgetLimiter(`t-${randomUUID()}`, { perSecond: 1, burst: 3 }, redis.client);
    expect((await limiter.consume('warm')).allowed).toBe(true);
    server.freeze();
    const consumed = await timed(async () => {
      const decisions = [];
      for (let i = 0; i < 6; i++) decisions.push(await limiter.consume('k'));
      return decisions;
    });
    expect(consumed.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    expect(consumed.result).toEqual(expect.any(Array));
    if (consumed.result instanceof Error) return;
    expect(consumed.result.filter((d) => d.allowed)).toHaveLength(3);
  });

  it('presence answers within the timeout, from what this node knows', async () => {
    const presence = new RedisPresence(redis.client, 'N', () => {});
    try {
      server.freeze();
      const userId = `u-${randomUUID()}`;
      const joined = await timed(() => presence.connected(userId, 's1'));
      expect(joined.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      const online = await timed(() => presence.isOnline(userId));
      expect(online.result).toBe(true);
      expect(online.ms).toBeLessThan(50);
    } finally {
      await presence.close();
    }
  });
});

describe.skipIf(!redisServerInstalled())(
  'a connection to Redis that drops everything without closing',
  () => {
    let server: PrivateRedis;
    let proxy: DroppingProxy;
    let redis: Redis;
    let returns = 0;
    beforeAll(async () => {
      server = await privateRedis();
      proxy = await droppingProxy({ host: '127.0.0.1', port: server.port });
      redis = connectRedis(proxy.url, () => {}, { commandTimeoutMs: TIMEOUT_MS });
      redis.onReturn(async () => {
        returns++;
      });
      await redis.ready;
    });
    afterAll(async () => {
      await redis?.close();
      await proxy?.close();
      await server?.stop();
    });

    it('is given up once it has answered nothing for the timeout: a new connection is made, and the node is up again', async () => {
      const key = `k-${randomUUID()}`;
      await redis.client.set(key, '1');
      const before = proxy.connections();
      proxy.dropExisting();
      const silent = await timed(() => redis.client.get(key));
      expect(silent.result).toBeInstanceOf(RedisTimeoutError);
      // Redis itself answers on a new connection; the dropped one would be noticed only
      // when the kernel gives up on it, many minutes later.
      await waitUntil('up again', async () => (await redis.probe()) === 'up', 5000);
      expect(proxy.connections()).toBe(before + 1);
      expect(returns).toBe(1);
      expect(await redis.client.get(key)).toBe('1');
    });
  },
);
