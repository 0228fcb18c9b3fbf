/**
 * Presence: online while any socket of the user is connected, on any node; each change
 * reported once. The Redis form is driven as two nodes sharing one Redis, with short
 * timings so a node that dies (stops renewing) is seen in well under a second.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalPresence } from '../../src/presence/presence.js';
import { RedisPresence } from '../../src/presence/redis-presence.js';
import { connectRedis, type Redis } from '../../src/redis/redis.js';
import { REDIS_TEST_URL, redisReachable } from '../helpers/redis.js';

describe('presence on one node', () => {
  it('the first socket brings the user online, the last one takes them offline', async () => {
    const p = new LocalPresence();
    expect(await p.connected('u', 's1')).toBe(true);
    expect(await p.connected('u', 's2')).toBe(false);
    expect(await p.connected('u', 's2')).toBe(false);
    expect(await p.disconnected('u', 's1')).toBe(false);
    expect(await p.isOnline('u')).toBe(true);
    expect(await p.disconnected('u', 's2')).toBe(true);
    expect(await p.disconnected('u', 's2')).toBe(false);
    expect(await p.isOnline('u')).toBe(false);
  });
});

describe.skipIf(!(await redisReachable(!!process.env.CI)))('presence across nodes (Redis)', () => {
  let redis: Redis;
  const nodes: RedisPresence[] = [];
  const node = (id: string) => {
    const p = new RedisPresence(redis.client, id, () => {});
    nodes.push(p);
    return p;
  };
  beforeAll(async () => {
    redis = connectRedis(REDIS_TEST_URL, () => {});
    await redis.ready;
  });
  afterAll(async () => {
    for (const n of nodes) await n.close();
    await redis.close();
  });

  it('a user with sockets on two nodes is online until the last one goes, and each change is reported once', async () => {
    const [a, b] = [node('A'), node('B')];
    const u1 = `u1-${randomUUID()}`;
    expect(await a.connected(u1, 's1')).toBe(true);
    expect(await b.connected(u1, 's2')).toBe(false);
    expect(await b.isOnline(u1)).toBe(true);
    expect(await a.disconnected(u1, 's1')).toBe(false);
    expect(await a.isOnline(u1)).toBe(true);
    expect(await b.disconnected(u1, 's2')).toBe(true);
    expect(await a.isOnline(u1)).toBe(false);
  });
  // A node that dies without a goodbye: test/cluster/presence.test.ts kills a real one.
});
