/**
 * Labels across two nodes in one process (one PostgreSQL database, one Redis): a set made
 * on one node reaches the admins on both once, as `chat-labels`, and the other node
 * drops its cached copy of the chat row at once rather than when the copy expires.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { TUNABLES } from '../../src/tunables.js';
import { waitUntil } from '../helpers/processes.js';
import { ACROSS_NODES_QUIET_MS, quiet } from '../helpers/quiet.js';
import { REDIS_TEST_URL, redisReachable } from '../helpers/redis.js';
import { request, succeeded } from '../helpers/server.js';
import { connectClient, type TestClient } from '../helpers/sockets.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { startTwoNodes } from '../helpers/two-nodes.js';

const postgres = (await storeTargets()).filter((t) => t.name === 'postgres');
const redis = await redisReachable(!!process.env.CI);

describe.each(redis ? postgres : [])('labels on two nodes on $name and Redis', (target) => {
  let db: TestDatabase;
  let a: RunningServer;
  let b: RunningServer;
  const clients: TestClient[] = [];
  const uid = (p: string) => `${p}-${randomUUID().slice(0, 8)}`;
  const admin = async (node: RunningServer) => {
    const c = await connectClient(node.url);
    clients.push(c);
    await c.emitAck('join-admin', { adminId: uid('admin'), adminName: 'A' });
    return c;
  };

  beforeAll(async () => {
    db = await target.create();
    const env = { REDIS_URL: `${REDIS_TEST_URL}/7` };
    ({ a, b } = await startTwoNodes(db.config, env));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('a set made on one node reaches admins on both once, and the other node reads it at once', async () => {
    const [onA, onB] = await Promise.all([admin(a), admin(b)]);
    const opened = await request(a, 'POST /api/chats', {
      body: { userId: uid('user'), userName: 'U' },
    });
    const chatId = succeeded(opened).chat._id;
    const holder = uid('holder');
    succeeded(
      await request(a, 'POST /api/chats/assign', {
        body: { chatId, adminId: holder, adminName: 'H' },
      }),
    );
    // Node B holds the row in its cache from now, for postgresChatCacheMs.
    expect((await b.store.getChat(chatId))?.labels).toEqual([]);
    const cachedAt = Date.now();
    const res = await request(a, 'PUT /api/chats/:chatId/labels', {
      params: { chatId },
      query: { adminId: holder },
      body: { labels: ['refund', 'KYC'] },
    });
    expect(succeeded(res).chat.labels).toEqual(['refund', 'KYC']);
    for (const c of [onA, onB]) {
      expect(await c.waitFor('chat-labels', (p) => p.chatId === chatId)).toEqual({
        chatId,
        labels: ['refund', 'KYC'],
      });
    }
    await waitUntil(
      "node B reads the new labels (its copy dropped by node A's notice)",
      async () => (await b.store.getChat(chatId))?.labels?.length === 2,
      5_000,
      10,
    );
    // Well before the copy would have expired by itself.
    expect(Date.now() - cachedAt).toBeLessThan(TUNABLES.postgresChatCacheMs.value);
    await quiet(ACROSS_NODES_QUIET_MS);
    for (const c of [onA, onB]) {
      expect(c.of('chat-labels').filter((p) => p.chatId === chatId)).toHaveLength(1);
    }
  });
});
