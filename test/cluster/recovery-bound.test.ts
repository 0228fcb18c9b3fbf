/**
 * With Redis, recovering a reconnecting client's session reads the stream from where the
 * client left: a node reads at most RECOVERY_MAX_STREAM_ENTRIES entries for it. A client
 * back after fewer gets what it missed; one back after more is not recovered (it starts
 * afresh and catches up over REST) instead of having the node read the whole stream.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { REDIS_TEST_URL, redisReachable } from '../helpers/redis.js';
import { api, startTestServer } from '../helpers/server.js';
import { connectClient, joinAs, type TestClient } from '../helpers/sockets.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const sqlite = (await storeTargets()).filter((t) => t.name === 'sqlite');
const redis = await redisReachable(!!process.env.CI);
const MAX_ENTRIES = 20;

describe.each(redis ? sqlite : [])('recovery through Redis on $name', (target) => {
  let db: TestDatabase;
  let server: RunningServer;
  let user: TestClient;
  let chatId: string;
  const userId = `recovering-${randomUUID().slice(0, 8)}`;

  const adminSays = async (content: string) => {
    const sent = await api(server, 'POST', '/api/messages', {
      chatId,
      senderId: 'recovery-admin',
      senderType: 'admin',
      senderName: 'Admin',
      content,
    });
    expect(sent.status).toBe(200);
  };

  /** Drops the user's transport, lets `missed` messages go by, reconnects: recovered? */
  const awayFor = async (missed: number): Promise<boolean> => {
    const gone = new Promise((resolve) => user.socket.once('disconnect', resolve));
    user.socket.io.engine.close();
    await gone;
    for (let i = 0; i < missed; i++) await adminSays(`while away ${missed}/${i}`);
    const back = new Promise<boolean>((resolve) =>
      user.socket.once('connect', () => resolve(user.socket.recovered)),
    );
    user.socket.connect();
    return back;
  };

  beforeAll(async () => {
    db = await target.create();
    server = await startTestServer(db.config, {
      REDIS_URL: `${REDIS_TEST_URL}/7`,
      REDIS_PREFIX: `recovery-test-${randomUUID().slice(0, 8)}`,
      RECOVERY_MAX_STREAM_ENTRIES: String(MAX_ENTRIES),
    });
    user = await connectClient(server.url);
    await joinAs(user, userId, { role: 'user' });
    const opened = await api(server, 'POST', '/api/chats', { userId, userName: 'U' });
    chatId = (opened.body.chat as { _id: string })._id;
    const taken = await api(server, 'POST', '/api/chats/assign', {
      chatId,
      adminId: 'recovery-admin',
      adminName: 'Admin',
    });
    expect(taken.status).toBe(200);
    await user.emitAck('join-chat', { chatId });
    // A broadcast received gives the client an offset to recover from.
    await adminSays('hello');
    await user.waitFor('new-message', (p) => p.message.content === 'hello');
  });
  afterAll(async () => {
    user?.close();
    await server?.close();
    await db?.drop();
  });

  it('a client back after a few broadcasts is recovered and gets what it missed', async () => {
    expect(await awayFor(3)).toBe(true);
    await user.waitFor('new-message', (p) => p.message.content === 'while away 3/2');
  });

  it('a client back after more stream entries than the bound is not recovered', async () => {
    expect(await awayFor(MAX_ENTRIES + 1)).toBe(false);
  });
});
