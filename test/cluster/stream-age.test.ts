/**
 * The Redis stream keeps no entry older than the recovery window: each node's adapter
 * deletes older ones on a timer (src/cluster/ordered-adapter.ts), here with the window and
 * the timer shortened, against a Redis of this file's own. A node away from Redis about as
 * long as that may have missed broadcasts: its adapter closes every socket's transport, so
 * each client comes back and recovers what it missed or catches up over REST, instead of
 * living on with a hole in its timeline (through a real socket.io-client). An entry no node
 * writes, found in the stream while catching up, is skipped.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { io as connectSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type OrderedAdapterOptions,
  orderedClusterAdapter,
} from '../../src/cluster/ordered-adapter.js';
import { encodeEntry } from '../../src/cluster/pre-encoded.js';
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

  /** A node on this file's Redis under `prefix`, listening, and one real client hearing its pongs. */
  async function nodeWithClient(prefix: string, more: Partial<OrderedAdapterOptions> = {}) {
    const http = createServer();
    const io = new Server(http, {
      adapter: orderedClusterAdapter(client, {
        prefixed: (name) => `${prefix}:${name}`,
        recoveryMaxEntries: 100,
        subscribeWaitMs: 1000,
        readGap: async () => {},
        ...more,
      }),
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    const socket = connectSocket(`http://127.0.0.1:${port}`, {
      transports: ['websocket'],
      reconnectionDelay: 50,
    });
    const heard: string[] = [];
    socket.on('pong', (p: { timestamp: string }) => heard.push(p.timestamp));
    return { io, socket, heard };
  }

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

  it('a node away from Redis about as long as the window sends its sockets away to come back, and goes on delivering', async () => {
    const told: { why: string; sockets: number }[] = [];
    const { io, socket, heard } = await nodeWithClient('missed', {
      streamAge: { retainedMs: 0, trimEveryMs: 60_000 },
      onMissed: (why, sockets) => told.push({ why, sockets }),
    });
    const disconnects: string[] = [];
    let connects = 0;
    socket.on('disconnect', (reason) => disconnects.push(reason));
    socket.on('connect', () => connects++);
    try {
      await waitUntil('connected', async () => connects === 1);
      // Something heard first: the node catches up from the last entry it heard.
      io.emit('pong', { timestamp: 'before' });
      await waitUntil('the first broadcast heard', async () => heard.includes('before'));

      await client.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
      await waitUntil('the node told', async () => told.length === 1);
      expect(told[0]?.sockets).toBe(1);
      expect(told[0]?.why).toContain('Redis was away');
      await waitUntil('the client sent away and back', async () => connects === 2);
      expect(disconnects).toEqual(['transport close']);

      io.emit('pong', { timestamp: 'after' });
      await waitUntil('heard after', async () => heard.includes('after'));
      expect(heard).toEqual(['before', 'after']);
      expect(told).toHaveLength(1);
    } finally {
      socket.close();
      await io.close();
    }
  });

  it('an entry no node writes, found while catching up, is skipped: nothing thrown, delivery goes on', async () => {
    const { io, socket, heard } = await nodeWithClient('garbled');
    try {
      await waitUntil('connected', async () => socket.connected);
      io.emit('pong', { timestamp: 'before' });
      await waitUntil('the first broadcast heard', async () => heard.includes('before'));
      // Cut off, and meanwhile an entry that is not JSON goes into the stream, then another
      // node's broadcasts: as the Streams adapter writes one, and as a node's adapter
      // writes an event, its payload encoded (pre-encoded.ts).
      const broadcast = {
        packet: { type: 2, data: ['pong', { timestamp: 'elsewhere' }], nsp: '/' },
        opts: { rooms: [], except: [], flags: {} },
      };
      await client
        .multi()
        .addCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub'])
        .xAdd('garbled:socket.io', '*', { uid: 'elsewhere', nsp: '/', type: '3', data: 'not json' })
        .xAdd('garbled:socket.io', '*', {
          uid: 'elsewhere',
          nsp: '/',
          type: '3',
          data: JSON.stringify(broadcast),
        })
        .xAdd('garbled:socket.io', '*', {
          uid: 'elsewhere',
          nsp: '/',
          type: '3',
          data: encodeEntry('/', '["pong",{"timestamp":"encoded"}]', broadcast.opts, undefined),
        })
        .exec();
      await waitUntil('caught up past it', async () => heard.includes('encoded'));
      expect(heard).toEqual(['before', 'elsewhere', 'encoded']);
      expect(socket.connected).toBe(true);
    } finally {
      socket.close();
      await io.close();
    }
  });
});
