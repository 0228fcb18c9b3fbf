/**
 * A node's channels (src/cluster/room-channels.ts) when the Redis behind their address is
 * replaced by another redis-server: a replica promoted in its place (another run id, a
 * longer uptime than the stream's entries are old, the stream kept), or a Redis begun
 * empty whose clock is behind the one that stamped the last entry heard, INFO refused.
 * The address is a proxy of this file's own that is switched from one to the other,
 * dropping the connections it made, as a failover behind a virtual address does.
 */
import { createClient } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import { Announcer, type RawEntry } from '../../src/cluster/announcer.js';
import { RoomChannels } from '../../src/cluster/room-channels.js';
import type { RedisClient } from '../../src/redis/redis.js';
import { type PrivateRedis, privateRedis, redisServerInstalled } from '../helpers/private-redis.js';
import { waitUntil } from '../helpers/processes.js';
import { tcpProxy } from '../helpers/tcp-proxy.js';

const ready = redisServerInstalled();

/** A TCP proxy to a Redis on 127.0.0.1 whose target can be switched. */
async function switchingProxy(port: number) {
  let target = port;
  const proxy = await tcpProxy(() => ({ host: '127.0.0.1', port: target }));
  return {
    port: proxy.port,
    /** New connections go to `to`; those made so far are dropped. */
    switchTo(to: number) {
      target = to;
      for (const socket of proxy.open) socket.destroy();
    },
    close: () => proxy.close(),
  };
}

const STREAM = 'replaced';
const COMMON = `${STREAM}#common`;
const raw = (data: string): RawEntry => ({ uid: 'other-node', nsp: '/', type: '3', data });
/**
 * 'stamped ahead' appended and announced with an id an hour ahead of any Redis's clock here
 * (as by an old Redis an hour ahead of the new one).
 */
async function stampAhead(client: RedisClient): Promise<void> {
  const ahead = raw('stamped ahead');
  const id = `${Date.now() + 3_600_000}-0`;
  await client.xAdd(STREAM, id, { ...ahead });
  await client.publish(COMMON, [id, ahead.uid, ahead.nsp, ahead.type, ahead.data].join('\n'));
}

describe.runIf(ready)('the Redis behind the address replaced', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  });

  async function redisServer(user?: string): Promise<{ redis: PrivateRedis; client: RedisClient }> {
    const redis = await privateRedis();
    cleanups.push(() => redis.stop());
    const client = createClient({ url: redis.url });
    client.on('error', () => {});
    await client.connect();
    cleanups.push(() => client.close());
    if (user !== undefined) {
      // A user without @dangerous commands: INFO refused, as by many managed Redis.
      await client.sendCommand(['ACL', 'SETUSER', user, 'on', 'nopass', '+@all', '-@dangerous']);
      await client.sendCommand(['ACL', 'SETUSER', user, '~*', '&*']);
    }
    return { redis, client };
  }

  /** A node's channels on Redis `first`, through a switching proxy, having heard 'heard'. */
  async function nodeOn(first: { redis: PrivateRedis; client: RedisClient }, user?: string) {
    const proxy = await switchingProxy(first.redis.port);
    cleanups.push(() => proxy.close());
    const auth = user === undefined ? '' : `${user}:x@`;
    const reader = createClient({ url: `redis://${auth}127.0.0.1:${proxy.port}` });
    reader.on('error', () => {});
    await reader.connect();
    cleanups.push(() => reader.close());
    const delivered: string[] = [];
    const missed: string[] = [];
    const channels = new RoomChannels(reader.duplicate(), reader, {
      commonChannel: COMMON,
      channelOf: (room) => `${STREAM}#${room}`,
      stream: STREAM,
      catchUpPageEntries: 100,
      retainedMs: 120_000,
      subscribeWaitMs: 1000,
      retryEveryMs: 50,
      retryForMs: 5000,
      wanted: () => true,
      deliver: (_id, entry) => delivered.push(entry.data ?? ''),
      onMissed: (why) => missed.push(why),
    });
    cleanups.push(() => channels.close());
    await channels.start();
    await new Announcer(first.client, STREAM, 1000, 100).append(COMMON, raw('heard'));
    await waitUntil('the first entry heard', () => delivered.includes('heard'));
    return { proxy, channels, delivered, missed };
  }

  /** The run id of the Redis the node last read the stream of (or learned at its start). */
  const runIdOf = (channels: RoomChannels) => (channels as unknown as { runId?: string }).runId;

  /**
   * Until the node read the stream of the Redis `client` talks to: what that read delivers
   * it delivered in the same step. Anything appended later is then heard or read after it.
   */
  async function caughtUpOn(channels: RoomChannels, client: RedisClient) {
    const id = /run_id:(\w+)/.exec(await client.info('server'))?.[1];
    await waitUntil('caught up on the new Redis', () => runIdOf(channels) === id, 5000);
  }

  /** A replica of `primary`, started now, holding what it holds. */
  async function replicaOf(primary: { redis: PrivateRedis; client: RedisClient }) {
    const replica = await redisServer();
    // What it is sent is loaded from the socket, not written to a dump.rdb in this folder.
    await replica.client.configSet('repl-diskless-load', 'on-empty-db');
    await primary.client.configSet('repl-diskless-sync-delay', '0');
    await replica.client.sendCommand(['REPLICAOF', '127.0.0.1', String(primary.redis.port)]);
    return replica;
  }

  it('a replica promoted in its place, holding the last entry heard: nothing heard is delivered again, what comes after is', async () => {
    const primary = await redisServer();
    // Started before any entry: it has run for longer than the stream's entries are old.
    const replica = await replicaOf(primary);
    const node = await nodeOn(primary);
    await waitUntil(
      'the node knows which Redis it reads',
      () => runIdOf(node.channels) !== undefined,
    );
    await waitUntil('the replica holds the stream', async () => {
      return (await replica.client.xLen(STREAM)) === 1;
    });

    await replica.client.sendCommand(['REPLICAOF', 'NO', 'ONE']);
    node.proxy.switchTo(replica.redis.port);
    await primary.redis.stop();
    await caughtUpOn(node.channels, replica.client);
    await new Announcer(replica.client, STREAM, 1000, 100).append(COMMON, raw('after'));
    await waitUntil('heard after the failover', () => node.delivered.includes('after'));
    expect(node.delivered).toEqual(['heard', 'after']);
    expect(node.missed).toEqual([]);
  });

  it('a replica promoted in its place before it got the last entry heard: nothing it holds is delivered again, what comes after is', async () => {
    const primary = await redisServer();
    const replica = await replicaOf(primary);
    const node = await nodeOn(primary);
    await waitUntil(
      'the node knows which Redis it reads',
      () => runIdOf(node.channels) !== undefined,
    );
    await waitUntil('the replica holds the stream', async () => {
      return (await replica.client.xLen(STREAM)) === 1;
    });
    // Promoted before the primary's last entry reached it (replication is asynchronous).
    await replica.client.sendCommand(['REPLICAOF', 'NO', 'ONE']);
    await new Announcer(primary.client, STREAM, 1000, 100).append(COMMON, raw('last'));
    await waitUntil('the last entry heard', () => node.delivered.includes('last'));

    node.proxy.switchTo(replica.redis.port);
    await primary.redis.stop();
    await caughtUpOn(node.channels, replica.client);
    await new Announcer(replica.client, STREAM, 1000, 100).append(COMMON, raw('after'));
    await waitUntil('heard after the failover', () => node.delivered.includes('after'));
    expect(node.delivered).toEqual(['heard', 'last', 'after']);
    expect(node.missed).toEqual([]);
  });

  it('INFO refused, a Redis begun empty with its clock behind: what it stamps from then on is delivered', async () => {
    const user = 'no-info';
    const old = await redisServer(user);
    const fresh = await redisServer(user);
    const node = await nodeOn(old, user);
    await stampAhead(old.client);
    await waitUntil('heard', () => node.delivered.includes('stamped ahead'));

    node.proxy.switchTo(fresh.redis.port);
    await old.redis.stop();
    // Read while the new stream is empty: anything it holds then, stamped before the last
    // entry heard and without it, is told as a gap (the next test).
    await waitUntil(
      'caught up on the new Redis',
      () => {
        return (node.channels as unknown as { lastHeard?: string }).lastHeard === undefined;
      },
      5000,
    );
    await new Announcer(fresh.client, STREAM, 1000, 100).append(COMMON, raw('later'));
    await waitUntil('heard later', () => node.delivered.includes('later'), 5000);
    expect(node.delivered).toEqual(['heard', 'stamped ahead', 'later']);
    expect(node.missed).toEqual([]);
  });

  it('INFO refused, a Redis with entries of its own stamped before the last one heard, which it does not hold: the node is told, and delivers what it stamps next', async () => {
    const user = 'no-info';
    const old = await redisServer(user);
    const other = await redisServer(user);
    const node = await nodeOn(old, user);
    await stampAhead(old.client);
    await waitUntil('heard', () => node.delivered.includes('stamped ahead'));
    // Another stream, or one that lost its last entries: from INFO's silence, no telling.
    const announcer = new Announcer(other.client, STREAM, 1000, 100);
    await announcer.append(COMMON, raw('before the switch'));

    node.proxy.switchTo(other.redis.port);
    await old.redis.stop();
    await waitUntil('told', () => node.missed.length === 1, 5000);
    expect(node.missed[0]).toContain('does not hold');
    await announcer.append(COMMON, raw('later'));
    await waitUntil('heard later', () => node.delivered.includes('later'), 5000);
    expect(node.delivered).toEqual(['heard', 'stamped ahead', 'later']);
  });
});
