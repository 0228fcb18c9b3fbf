/**
 * The Redis stream keeps no entry older than the recovery window: each node's adapter
 * deletes older ones on a timer (src/cluster/ordered-adapter.ts), here with the window and
 * the timer shortened, against a Redis of this file's own. A node away from Redis about
 * as long as that may have missed broadcasts: it sends its sockets to reconnect.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderedClusterAdapter } from '../../src/cluster/ordered-adapter.js';
import type { RedisClient } from '../../src/redis/redis.js';
import { type PrivateRedis, privateRedis, redisServerInstalled } from '../helpers/private-redis.js';
import { waitUntil } from '../helpers/processes.js';

describe.runIf(redisServerInstalled())('the stream trimmed by age', () => {
  let redis: PrivateRedis;
  let client: RedisClient;
  beforeAll(async () => {
    redis = await privateRedis();
    client = createClient({ url: redis.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.close();
    await redis?.stop();
  });

  it("a node's adapter deletes the broadcasts older than the window, and stops when it closes", async () => {
    const io = new Server({
      adapter: orderedClusterAdapter(client, {
        prefixed: (name) => `aged:${name}`,
        recoveryMaxEntries: 100,
        subscribeWaitMs: 1000,
        readGap: async () => {},
        streamAge: { retainedMs: 300, trimEveryMs: 50 },
      }),
    });
    try {
      for (const n of [1, 2, 3]) io.emit('pong', { timestamp: String(n) });
      await waitUntil('appended', async () => (await client.xLen('aged:socket.io')) === 3);
      await waitUntil('trimmed once older than the window', async () => {
        return (await client.xLen('aged:socket.io')) === 0;
      });
    } finally {
      // The adapter alone: this server was never attached to an HTTP server to close.
      await io.of('/').adapter.close();
    }
    // Closed: its timer no longer runs, so an entry added now stays.
    await client.xAdd('aged:socket.io', '*', { uid: 'x', nsp: '/', type: '3', data: '{}' });
    const [seconds, micros] = await client.time();
    const addedAt = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    await waitUntil('the window has passed', async () => {
      const [s, us] = await client.time();
      return Number(s) * 1000 + Math.floor(Number(us) / 1000) > addedAt + 450;
    });
    expect(await client.xLen('aged:socket.io')).toBe(1);
  });

  it("a node whose catch-up may have gaps closes its sockets' transports, and they come back", async () => {
    const told: { why: string; sockets: number }[] = [];
    const http = createServer();
    const io = new Server(http, {
      adapter: orderedClusterAdapter(client, {
        prefixed: (name) => `gaps:${name}`,
        recoveryMaxEntries: 100,
        subscribeWaitMs: 1000,
        readGap: async () => {},
        onMissed: (why, sockets) => told.push({ why, sockets }),
        // The stream keeps nothing for long: any outage may have lost entries.
        streamAge: { retainedMs: 0, trimEveryMs: 60 * 60 * 1000 },
      }),
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    const socket = connect(`http://127.0.0.1:${port}`, {
      transports: ['websocket'],
      reconnectionDelay: 50,
    });
    try {
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      // Heard by the node itself: the entry its catch-up starts from.
      const heard = new Promise((resolve) => socket.once('pong', resolve));
      io.emit('pong', { timestamp: '1' });
      await heard;
      const dropped = new Promise<string>((resolve) => socket.once('disconnect', resolve));
      await client.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
      expect(await within(5000, dropped)).toBe('transport close');
      expect(told).toEqual([{ why: expect.stringContaining('Redis was away'), sockets: 1 }]);
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    } finally {
      socket.close();
      io.close();
    }
  });
});

/** `promise`, or a failure naming the wait after `ms`. */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`nothing within ${ms} ms`)), ms).unref(),
    ),
  ]);
}
