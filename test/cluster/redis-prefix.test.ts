/**
 * Two deployments on one Redis, told apart by REDIS_PREFIX: deployment A (two nodes, one
 * prefix) and deployment B (one node, another prefix), each with its own database. Within
 * A the nodes are one server (broadcasts, presence and rate budgets cross them); between A
 * and B nothing does, and every name either wrote in Redis starts with its prefix.
 */
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { uid } from '../helpers/cluster-people.js';
import { waitUntil } from '../helpers/processes.js';
import { ACROSS_NODES_QUIET_MS, quiet } from '../helpers/quiet.js';
import { REDIS_TEST_URL, redisReachable } from '../helpers/redis.js';
import { api, startTestServer } from '../helpers/server.js';
import { connectClient, joinAs, type TestClient } from '../helpers/sockets.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const postgres = (await storeTargets()).filter((t) => t.name === 'postgres');
const redis = await redisReachable(!!process.env.CI);

/** A database of Redis no other test uses: what is in it is this file's alone. */
const REDIS_URL = `${REDIS_TEST_URL}/9`;
/** Every prefix this file uses has this shape (runs before this one left theirs). */
const OURS = /^prefix-test-[0-9a-f]{8}:(a|b):/;

describe.each(redis ? postgres : [])('two deployments on one Redis, on $name', (target) => {
  const run = randomUUID().slice(0, 8);
  const prefixA = `prefix-test-${run}:a`;
  const prefixB = `prefix-test-${run}:b`;
  const databases: TestDatabase[] = [];
  const servers: RunningServer[] = [];
  const clients: TestClient[] = [];
  let a1: RunningServer;
  let a2: RunningServer;
  let b: RunningServer;

  const env = (prefix: string) => ({
    REDIS_URL,
    REDIS_PREFIX: prefix,
    RATE_LIMIT: 'on',
    // Three sends at once, then one per 10 s: the fourth send within the test is refused.
    RATE_LIMIT_MESSAGES_PER_SECOND: '0.1',
    RATE_LIMIT_MESSAGES_BURST: '3',
  });
  const start = async (db: TestDatabase, prefix: string) => {
    const server = await startTestServer(db.config, env(prefix));
    servers.push(server);
    return server;
  };
  const connect = async (node: RunningServer) => {
    const c = await connectClient(node.url);
    clients.push(c);
    return c;
  };
  const admin = async (node: RunningServer) =>
    joinAs(await connect(node), uid('admin'), { role: 'admin', superadmin: false });
  const openChat = async (node: RunningServer, userId: string) => {
    const res = await api(node, 'POST', '/api/chats', { userId, userName: 'U' });
    expect(res.status).toBe(200);
    return res.body.chat as { _id: string; userOnline: boolean };
  };
  const send = (node: RunningServer, chatId: string, userId: string, content: string) =>
    api(node, 'POST', '/api/messages', {
      chatId,
      senderId: userId,
      senderType: 'user',
      senderName: 'U',
      content,
    });

  /** Deletes the keys of db 9 that `keep` refuses. */
  const clearRedis = async (keep: (key: string) => boolean) => {
    const client = createClient({ url: REDIS_URL });
    await client.connect();
    const keys = (await client.keys('*')).filter((k) => !keep(k));
    if (keys.length > 0) await client.del(keys);
    await client.close();
  };

  beforeAll(async () => {
    // What a run of code that wrote unprefixed names left here.
    await clearRedis((k) => OURS.test(k));
    databases.push(await target.create(), await target.create());
    const [dbA, dbB] = databases as [TestDatabase, TestDatabase];
    a1 = await start(dbA, prefixA);
    a2 = await start(dbA, prefixA);
    b = await start(dbB, prefixB);
    // Each adapter reads its stream from "now": nothing is sent before A's nodes hear each other.
    const probe = await connectClient(a2.url);
    await waitUntil('a broadcast from node A1 reaches node A2', () => {
      a1.io.emit('pong', { timestamp: 'probe' });
      return probe.of('pong').length > 0;
    });
    probe.close();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    for (const s of servers) await s.close();
    for (const db of databases) await db.drop();
    await clearRedis((k) => !k.startsWith(`${prefixA}:`) && !k.startsWith(`${prefixB}:`));
  });

  it('a broadcast reaches the other node of its deployment, never the other deployment', async () => {
    const [onA2, onB] = [await admin(a2), await admin(b)];
    const chatOfA = await openChat(a1, uid('user'));
    await onA2.client.waitFor('new-chat', (p) => p.chat._id === chatOfA._id);
    const chatOfB = await openChat(b, uid('user'));
    await onB.client.waitFor('new-chat', (p) => p.chat._id === chatOfB._id);
    await quiet(ACROSS_NODES_QUIET_MS);
    expect(onB.client.of('new-chat').map((p) => p.chat._id)).toEqual([chatOfB._id]);
    expect(onA2.client.of('new-chat').map((p) => p.chat._id)).toEqual([chatOfA._id]);
  });

  it("presence is the deployment's: online on A's other node, unknown to B, and back", async () => {
    const [onA2, onB] = [await admin(a2), await admin(b)];
    const userOfA = await joinAs(await connect(a1), uid('user'), { role: 'user' });
    const userOfB = await joinAs(await connect(b), uid('user'), { role: 'user' });
    expect(await onA2.client.waitFor('user-status', (p) => p.userId === userOfA.id)).toMatchObject({
      online: true,
    });
    expect(await onB.client.waitFor('user-status', (p) => p.userId === userOfB.id)).toMatchObject({
      online: true,
    });
    expect((await openChat(a2, userOfA.id)).userOnline).toBe(true);
    expect((await openChat(b, userOfA.id)).userOnline).toBe(false);
    expect((await openChat(a2, userOfB.id)).userOnline).toBe(false);
    await quiet(ACROSS_NODES_QUIET_MS);
    expect(onB.client.of('user-status').filter((p) => p.userId === userOfA.id)).toEqual([]);
    expect(onA2.client.of('user-status').filter((p) => p.userId === userOfB.id)).toEqual([]);
  });

  it("a rate budget spent on one node of A is spent on A's other node, not on B", async () => {
    const userId = uid('user');
    const [chatOfA, chatOfB] = [await openChat(a1, userId), await openChat(b, userId)];
    for (let i = 1; i <= 3; i++) {
      expect((await send(a1, chatOfA._id, userId, `a${i}`)).status).toBe(200);
    }
    const refused = await send(a2, chatOfA._id, userId, 'a4');
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('RATE_LIMITED');
    for (let i = 1; i <= 3; i++) {
      expect((await send(b, chatOfB._id, userId, `b${i}`)).status).toBe(200);
    }
  });

  it('every name the deployments wrote in Redis starts with their prefix', async () => {
    const client = createClient({ url: REDIS_URL });
    await client.connect();
    try {
      const keys = await client.keys('*');
      expect(keys.filter((k) => !OURS.test(k))).toEqual([]);
      for (const prefix of [prefixA, prefixB]) {
        const mine = keys.filter((k) => k.startsWith(`${prefix}:`));
        // The Socket.io stream, presence and the rate-limit counters, each under the prefix.
        expect(mine).toContain(`${prefix}:socket.io`);
        expect(mine).toContain(`${prefix}:presence:due`);
        expect(mine.some((k) => k.startsWith(`${prefix}:rl:messages:`))).toBe(true);
      }
    } finally {
      await client.close();
    }
  });
});
