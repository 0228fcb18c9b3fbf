/**
 * Presence: online while any socket of the user is connected, on any node; each change
 * reported once. The Redis form is driven as two nodes sharing one Redis, with short
 * timings so a node that dies (stops renewing) is seen in well under a second.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, type Redis } from '../../src/cluster/redis.js';
import { LocalPresence } from '../../src/presence/presence.js';
import { RedisPresence } from '../../src/presence/redis-presence.js';
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
  const timing = { heartbeatMs: 100, ttlMs: 300, sweepMs: 100, keyPrefix: `t:${randomUUID()}:` };
  const node = (id: string) => {
    const p = new RedisPresence(redis.client, id, () => {}, timing);
    nodes.push(p);
    return p;
  };
  beforeAll(async () => {
    redis = connectRedis(REDIS_TEST_URL, () => {});
    await redis.ready();
  });
  afterAll(async () => {
    for (const n of nodes) await n.close();
    await redis.close();
  });

  it('a user with sockets on two nodes is online until the last one goes, and each change is reported once', async () => {
    const [a, b] = [node('A'), node('B')];
    expect(await a.connected('u1', 's1')).toBe(true);
    expect(await b.connected('u1', 's2')).toBe(false);
    expect(await b.isOnline('u1')).toBe(true);
    expect(await a.disconnected('u1', 's1')).toBe(false);
    expect(await a.isOnline('u1')).toBe(true);
    expect(await b.disconnected('u1', 's2')).toBe(true);
    expect(await a.isOnline('u1')).toBe(false);
  });

  it('a node that dies without a goodbye: its users go offline, reported by exactly one survivor', async () => {
    const dying = node('dying');
    const survivors = [node('S1'), node('S2')];
    const reports: string[] = [];
    survivors.forEach((s, i) => {
      s.onChange((userId, online) => reports.push(`${i}:${userId}:${online}`));
    });
    expect(await dying.connected('u2', 'sx')).toBe(true);
    expect(await survivors[0]?.connected('u3', 'sy')).toBe(true);
    await dying.close(); // it stops renewing, as a killed process would
    await new Promise((r) => setTimeout(r, 900));
    expect(await survivors[1]?.isOnline('u2')).toBe(false);
    expect(reports.filter((r) => r.endsWith(':u2:false'))).toHaveLength(1);
    // A user whose node is alive stays online: its heartbeat renews the entry.
    expect(await survivors[1]?.isOnline('u3')).toBe(true);
    expect(reports.some((r) => r.includes(':u3:'))).toBe(false);
  });
});
