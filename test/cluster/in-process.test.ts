/**
 * Two nodes in one process (one PostgreSQL database, one Redis): events cross nodes,
 * access changes on one node take sockets out of the room on the other, presence is
 * shared, and concurrent sends through both nodes reach every socket in seq order.
 * The cluster suites with real processes and nginx are beside this file.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rooms } from '../../src/schemas/rooms.js';
import type { RunningServer } from '../../src/server.js';
import { waitUntil } from '../helpers/processes.js';
import { ACROSS_NODES_QUIET_MS, quiet } from '../helpers/quiet.js';
import { REDIS_TEST_URL, redisReachable } from '../helpers/redis.js';
import { api, request, succeeded } from '../helpers/server.js';
import { connectClient, type TestClient } from '../helpers/sockets.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { startTwoNodes } from '../helpers/two-nodes.js';

const postgres = (await storeTargets()).filter((t) => t.name === 'postgres');
const redis = await redisReachable(!!process.env.CI);

describe.each(redis ? postgres : [])('two nodes on $name and Redis', (target) => {
  let db: TestDatabase;
  let a: RunningServer;
  let b: RunningServer;
  const clients: TestClient[] = [];
  const uid = (p: string) => `${p}-${randomUUID().slice(0, 8)}`;
  /** Whether `client`'s socket, on `node`, is in the chat's room. */
  const inRoom = async (node: RunningServer, client: TestClient, chatId: string) => {
    const [socket] = await node.io.in(client.socket.id ?? '').fetchSockets();
    return socket?.rooms.has(rooms.chat(chatId)) ?? false;
  };
  const connect = async (node: RunningServer) => {
    const c = await connectClient(node.url);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    db = await target.create();
    // A database of its own: the stream, presence and limits of other suites stay apart.
    const env = { REDIS_URL: `${REDIS_TEST_URL}/5` };
    ({ a, b } = await startTwoNodes(db.config, env));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('health reports Redis up on both', async () => {
    for (const node of [a, b]) {
      expect((await api(node, 'GET', '/health')).body).toMatchObject({ redis: 'up' });
    }
  });

  it('a user on node A and an admin on node B hear each other; the room follows access across nodes', async () => {
    const userId = uid('user');
    const [user, admin, other] = [await connect(a), await connect(b), await connect(b)];
    const adminId = uid('admin');
    const otherId = uid('admin');
    await admin.emitAck('join-admin', { adminId, adminName: 'Ali' });
    await other.emitAck('join-admin', { adminId: otherId, adminName: 'Vali' });
    await user.emitAck('join-user', { userId, userName: 'U' });
    expect(await admin.waitFor('user-status', (p) => p.userId === userId)).toMatchObject({
      online: true,
    });
    const opened = await request(a, 'POST /api/chats', { body: { userId, userName: 'U' } });
    const { chat } = succeeded(opened);
    expect(chat.userOnline).toBe(true);
    await admin.waitFor('new-chat', (p) => p.chat._id === chat._id);
    for (const c of [user, admin, other]) {
      expect(await c.emitAck('join-chat', { chatId: chat._id })).toMatchObject({ success: true });
    }
    // Taken on node A; the other admin's socket is on node B.
    const taken = await api(a, 'POST', '/api/chats/assign', {
      chatId: chat._id,
      adminId,
      adminName: 'Ali',
    });
    expect(taken.status).toBe(200);
    await user.waitFor('admin-joined');
    await waitUntil('the take took the other admin out of the room on node B', async () => {
      return !(await inRoom(b, other, chat._id));
    });
    const sent = await user.emitAck('send-message', { chatId: chat._id, content: 'hello' });
    expect(sent.success).toBe(true);
    await admin.waitFor('new-message');
    expect(await admin.waitFor('message-notification', (p) => p.chatId === chat._id)).toMatchObject(
      { message: { content: 'hello' } },
    );
    await quiet(ACROSS_NODES_QUIET_MS);
    expect(other.of('new-message')).toEqual([]);
  });

  it('an admin connected to either node is known and online to the other: the picker lists them, a transfer may name them', async () => {
    const [onB, holderId, userId] = [uid('admin'), uid('admin'), uid('user')];
    const socket = await connect(b);
    await socket.emitAck('join-admin', { adminId: onB, adminName: 'Bobur' });
    const listed = await request(a, 'GET /api/admins', { query: { adminId: holderId } });
    expect(listed.status).toBe(200);
    const { admins } = succeeded(listed);
    expect(admins.find((x) => x.id === onB)).toMatchObject({ online: true });
    // The caller (seen just now, over REST only) is known, not connected.
    expect(admins.find((x) => x.id === holderId)).toMatchObject({ online: false });

    const opened = await request(a, 'POST /api/chats', { body: { userId, userName: 'U' } });
    const chatId = succeeded(opened).chat._id;
    await api(a, 'POST', '/api/chats/assign', { chatId, adminId: holderId, adminName: 'H' });
    const moved = await api(a, 'POST', '/api/chats/transfer', {
      chatId,
      fromAdminId: holderId,
      toAdminId: onB,
      toAdminName: 'Bobur',
    });
    expect(moved.status).toBe(200);
    socket.close();
    await waitUntil('node A sees the admin on node B gone', async () => {
      const again = await request(a, 'GET /api/admins', { query: { adminId: holderId } });
      return succeeded(again).admins.some((x) => x.id === onB && !x.online);
    });
  });

  it('a socket still in a chat room after losing access (its leave lost) hears no message, read receipt or typing of it', async () => {
    const userId = uid('user');
    const adminId = uid('admin');
    const [user, admin, other] = [await connect(a), await connect(b), await connect(b)];
    await admin.emitAck('join-admin', { adminId, adminName: 'Ali' });
    await other.emitAck('join-admin', { adminId: uid('admin'), adminName: 'Vali' });
    await user.emitAck('join-user', { userId, userName: 'U' });
    const opened = await request(a, 'POST /api/chats', { body: { userId, userName: 'U' } });
    const chatId = succeeded(opened).chat._id;
    for (const c of [user, admin, other]) {
      expect(await c.emitAck('join-chat', { chatId })).toMatchObject({ success: true });
    }
    const taken = await api(a, 'POST', '/api/chats/assign', { chatId, adminId, adminName: 'Ali' });
    expect(taken.status).toBe(200);
    await user.waitFor('admin-joined');
    await waitUntil('the take took the other admin out of the room on node B', async () => {
      return !(await inRoom(b, other, chatId));
    });
    // Put the socket back, as if the leave had been lost.
    b.io.in(other.socket.id ?? '').socketsJoin(rooms.chat(chatId));
    await waitUntil('the other admin back in the room', () => inRoom(b, other, chatId));

    const byChat = (p: { chatId: string }) => p.chatId === chatId;
    await user.emitAck('typing', { chatId, userId, userName: 'U', isTyping: true });
    await user.emitAck('send-message', { chatId, content: 'after the take' });
    await user.emitAck('mark-read', { chatId, readerId: userId, readerType: 'user' });
    // The assignee, on the same node, hears all three.
    await admin.waitFor('typing', byChat);
    await admin.waitFor('new-message');
    await admin.waitFor('messages-read', byChat);
    await quiet(ACROSS_NODES_QUIET_MS);
    for (const event of ['typing', 'new-message', 'messages-read']) {
      expect(other.of(event), event).toEqual([]);
    }
  });

  it('concurrent sends through both nodes to one chat reach every socket on every node in seq order', async () => {
    const userId = uid('user');
    const adminId = uid('admin');
    const opened = await request(a, 'POST /api/chats', { body: { userId, userName: 'U' } });
    const chatId = succeeded(opened).chat._id;
    await api(b, 'POST', '/api/chats/assign', { chatId, adminId, adminName: 'A' });
    const watchers = [await connect(a), await connect(a), await connect(b), await connect(b)];
    for (const w of watchers) await w.emitAck('join-chat', { chatId });
    const N = 200;
    const send = (node: RunningServer, i: number) =>
      i % 2 === 0
        ? api(node, 'POST', '/api/messages', {
            chatId,
            senderId: userId,
            senderType: 'user',
            senderName: 'U',
            content: `u${i}`,
          })
        : api(node, 'POST', '/api/messages', {
            chatId,
            senderId: adminId,
            senderType: 'admin',
            senderName: 'A',
            content: `a${i}`,
          });
    const replies = await Promise.all(
      Array.from({ length: N }, (_, i) => send(i % 4 < 2 ? a : b, i)),
    );
    expect(replies.every((r) => r.status === 200)).toBe(true);
    await waitUntil('every watcher has every message', () =>
      watchers.every((w) => w.of('new-message').length >= N),
    );
    for (const w of watchers) {
      const seqs = w.of('new-message').map((p) => p.message.seq);
      expect(seqs).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    }
  });
});
