/**
 * Erasure across two nodes in one process (one PostgreSQL database, one Redis): a DELETE
 * answered by one node disconnects the erased user's sockets on the other, and the other
 * node reads the erased chat at once rather than its cached copy.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { ERASED_TEXT } from '../../src/store/privacy.js';
import { REDIS_TEST_URL, redisReachable } from '../helpers/redis.js';
import { api } from '../helpers/server.js';
import { connectClient, type TestClient } from '../helpers/sockets.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { startTwoNodes } from '../helpers/two-nodes.js';

const postgres = (await storeTargets()).filter((t) => t.name === 'postgres');
const redis = await redisReachable(!!process.env.CI);

describe.each(redis ? postgres : [])('erasure on two nodes on $name and Redis', (target) => {
  let db: TestDatabase;
  let a: RunningServer;
  let b: RunningServer;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    db = await target.create();
    ({ a, b } = await startTwoNodes(db.config, { REDIS_URL: `${REDIS_TEST_URL}/10` }));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it("a DELETE on one node disconnects the user's sockets on the other, which reads the erased chat at once", async () => {
    const userId = `cl-erase-${randomUUID().slice(0, 8)}`;
    const onB = await connectClient(b.url);
    clients.push(onB);
    expect((await onB.emitAck('join-user', { userId, userName: 'Olim' })).success).toBe(true);
    const sent = await onB.emitAck('send-message', {
      userId,
      userName: 'Olim',
      content: 'private words',
    });
    if (!sent.success) throw new Error(JSON.stringify(sent));
    const chatId = sent.message.chatId;
    // B holds the chat row in its cache now.
    expect((await b.store.getChat(chatId))?.userName).toBe('Olim');
    const disconnected = new Promise<void>((resolve) =>
      onB.socket.once('disconnect', () => resolve()),
    );

    const res = await api(a, 'DELETE', `/api/users/${userId}?adminId=cl-super&isSuperAdmin=true`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await disconnected;
    expect(await b.store.getChat(chatId)).toMatchObject({
      status: 'closed',
      userName: ERASED_TEXT,
    });
  });
});
