/**
 * A node whose subscriber was away about as long as the stream keeps entries may have
 * missed broadcasts: its adapter closes every socket's transport, so each client comes
 * back and recovers what it missed or catches up over REST, instead of living on with a
 * hole in its timeline. Here the stream keeps nothing (any outage may have lost entries),
 * against a Redis of this file's own and a real socket.io-client.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { io as connectSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderedClusterAdapter } from '../../src/cluster/ordered-adapter.js';
import type { RedisClient } from '../../src/redis/redis.js';
import { type PrivateRedis, privateRedis, redisServerInstalled } from '../helpers/private-redis.js';
import { waitUntil } from '../helpers/processes.js';

describe.runIf(redisServerInstalled())('broadcasts a node may have missed', () => {
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

  it("send the node's sockets away to come back, and the node goes on delivering", async () => {
    const told: { why: string; sockets: number }[] = [];
    const http = createServer();
    const io = new Server(http, {
      adapter: orderedClusterAdapter(client, {
        prefixed: (name) => `missed:${name}`,
        recoveryMaxEntries: 100,
        subscribeWaitMs: 1000,
        readGap: async () => {},
        streamAge: { retainedMs: 0, trimEveryMs: 60_000 },
        onMissed: (why, sockets) => told.push({ why, sockets }),
      }),
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    const socket = connectSocket(`http://127.0.0.1:${port}`, {
      transports: ['websocket'],
      reconnectionDelay: 50,
    });
    const heard: string[] = [];
    const disconnects: string[] = [];
    let connects = 0;
    socket.on('pong', (p: { timestamp: string }) => heard.push(p.timestamp));
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
});
