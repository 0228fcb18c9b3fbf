/**
 * Two nodes behave as one server: every event of the contract (docs/protocol.md, "Socket.io events") reaches
 * the right sockets whichever node they are on, whether they are connected to a node
 * directly over WebSocket or through nginx with long-polling; and no socket hears what
 * it should not. Rate limits are on (as in production) and shared through Redis; nginx
 * passes each client's address on (TRUST_PROXY), so limits count clients, not the proxy.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerEventPayload } from '../../src/schemas/events.js';
import {
  type Cluster,
  clusterPrerequisites,
  printOutputOnFailure,
  startCluster,
  twoNodeUrls,
} from '../helpers/cluster.js';
import { freshAddress, nodeBehind } from '../helpers/cluster-client.js';
import {
  adminAt,
  closeAll,
  count,
  joinChat,
  openChatAt,
  postAt,
  userAt,
} from '../helpers/cluster-people.js';
import { type Chat, forChat } from '../helpers/flows.js';
import { waitUntil } from '../helpers/processes.js';
import { ACROSS_NODES_QUIET_MS, quiet } from '../helpers/quiet.js';
import { api } from '../helpers/server.js';

const ready = await clusterPrerequisites();

describe.skipIf(!ready)('two nodes behind nginx: the whole contract', () => {
  let cluster: Cluster;
  printOutputOnFailure(() => cluster);
  let node1: string;
  let node2: string;
  let proxy: string;

  beforeAll(async () => {
    cluster = await startCluster({ env: { RATE_LIMIT: 'on' } });
    [node1, node2] = twoNodeUrls(cluster);
    proxy = cluster.nginx.url;
  });
  afterAll(async () => {
    closeAll();
    await cluster?.stop();
  });

  const byChat = (chatId: string) => forChat(chatId);
  const withChat = (chatId: string) => (p: { chat: { _id: string } }) => p.chat._id === chatId;

  it('reports Redis and the store on every node, and through nginx', async () => {
    for (const url of [node1, node2, proxy]) {
      const health = await api({ url }, 'GET', '/health');
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({
        status: 'OK',
        store: { kind: 'postgres', status: 'up' },
        redis: 'up',
      });
    }
  });

  it('a chat from its opening to its close, its people spread over both nodes and nginx', async () => {
    // user on node 2; admin 1 on node 1; admin 2 on node 2; an admin long-polling through nginx.
    const user = await userAt(node2);
    const [admin1, admin2, poller] = await Promise.all([
      adminAt(node1),
      adminAt(node2),
      adminAt(proxy, { transports: ['polling'] }),
    ]);
    const admins = [admin1, admin2, poller];

    // new-chat to every admin; the user is connected (on the other node): online.
    const chat = await openChatAt(node1, user);
    expect(chat.userOnline).toBe(true);
    for (const a of admins) {
      expect(await a.client.waitFor('new-chat', withChat(chat._id))).toMatchObject({
        chat: { _id: chat._id, status: 'waiting', userOnline: true },
      });
    }

    // A waiting chat: every admin may watch it. A user's message: new-message to the
    // room, message-notification to every admin (no assignee yet).
    await Promise.all([
      joinChat(user, chat._id),
      joinChat(admin1, chat._id),
      joinChat(admin2, chat._id),
    ]);
    const first = await user.client.emitAck('send-message', { chatId: chat._id, content: 'hello' });
    expect(first).toMatchObject({ success: true, message: { seq: 1 } });
    for (const a of [admin1, admin2]) {
      expect(await a.client.waitFor('new-message', byChat(chat._id))).toEqual({
        message: first.message,
      });
    }
    for (const a of admins) {
      expect(await a.client.waitFor('message-notification', byChat(chat._id))).toMatchObject({
        chatId: chat._id,
        message: first.message,
        chat: { _id: chat._id },
      });
    }

    // typing crosses nodes, not back to the typist.
    user.client.socket.emit('typing', {
      chatId: chat._id,
      userId: user.id,
      userName: user.name,
      isTyping: true,
    });
    expect(await admin1.client.waitFor('typing', byChat(chat._id))).toEqual({
      chatId: chat._id,
      userId: user.id,
      userName: user.name,
      isTyping: true,
    });

    // Admin 1 takes it through node 2: chat-taken to every admin, admin-joined to the
    // user; admin 2 (node 2) and the poller lose the room on every node.
    await postAt(node2, '/api/chats/assign', {
      chatId: chat._id,
      adminId: admin1.id,
      adminName: admin1.name,
    });
    for (const a of admins) {
      expect(await a.client.waitFor('chat-taken', byChat(chat._id))).toEqual({
        chatId: chat._id,
        adminId: admin1.id,
        adminName: admin1.name,
      });
    }
    expect(await user.client.waitFor('admin-joined', byChat(chat._id))).toEqual({
      chatId: chat._id,
      adminName: admin1.name,
    });
    const second = await user.client.emitAck('send-message', {
      chatId: chat._id,
      content: 'still there?',
    });
    expect(
      await admin1.client.waitFor(
        'new-message',
        (p) => forChat(chat._id)(p) && p.message.seq === 2,
      ),
    ).toEqual({ message: second.message });
    expect(
      await admin1.client.waitFor(
        'message-notification',
        (p) => p.message?.seq === 2 && forChat(chat._id)(p),
      ),
    ).toMatchObject({ message: second.message });
    await quiet(ACROSS_NODES_QUIET_MS);
    expect(count(admin2, 'new-message', byChat(chat._id))).toBe(1);
    expect(count(admin2, 'message-notification', byChat(chat._id))).toBe(1);
    expect(count(poller, 'message-notification', byChat(chat._id))).toBe(1);
    expect((await admin2.client.emitAck('join-chat', { chatId: chat._id })).success).toBe(false);

    // The admin answers from node 1; the user on node 2 hears it, and reads it.
    const reply = await admin1.client.emitAck('send-message', { chatId: chat._id, content: 'yes' });
    expect(await user.client.waitFor('new-message', (p) => p.message.seq === 3)).toEqual({
      message: reply.message,
    });
    expect(await user.client.waitFor('message-notification', byChat(chat._id))).toEqual({
      chatId: chat._id,
      message: reply.message,
    });
    const read = await user.client.emitAck('mark-read', {
      chatId: chat._id,
      readerId: user.id,
      readerType: 'user',
    });
    expect(read.success).toBe(true);
    expect(await admin1.client.waitFor('messages-read', byChat(chat._id))).toEqual({
      chatId: chat._id,
      readerId: user.id,
      readerType: 'user',
    });

    // Transfer through nginx to admin 2: out to admin 1 (node 1), in to admin 2 (node 2),
    // admin-changed to the user.
    await postAt(proxy, '/api/chats/transfer', {
      chatId: chat._id,
      fromAdminId: admin1.id,
      toAdminId: admin2.id,
      toAdminName: admin2.name,
    });
    expect(await admin1.client.waitFor('chat-transferred-out', byChat(chat._id))).toEqual({
      chatId: chat._id,
      toAdminName: admin2.name,
    });
    expect(await admin2.client.waitFor('chat-transferred-in', withChat(chat._id))).toMatchObject({
      chat: { _id: chat._id, assignedAdminId: admin2.id },
    });
    expect(await user.client.waitFor('admin-changed', byChat(chat._id))).toEqual({
      chatId: chat._id,
      adminName: admin2.name,
    });
    await joinChat(admin2, chat._id);
    const afterTransfer = await user.client.emitAck('send-message', {
      chatId: chat._id,
      content: 'new admin?',
    });
    expect(await admin2.client.waitFor('new-message', (p) => p.message.seq === 4)).toEqual({
      message: afterTransfer.message,
    });
    await quiet(ACROSS_NODES_QUIET_MS);
    expect(admin1.client.of('new-message').some((p) => p.message.seq === 4)).toBe(false);

    // Close through node 1: chat-closed to the room (admin 2 on node 2) and the user.
    const closed = await api({ url: node1 }, 'PATCH', `/api/chats/${chat._id}/close`);
    expect(closed.status).toBe(200);
    expect(await user.client.waitFor('chat-closed', byChat(chat._id))).toEqual({
      chatId: chat._id,
    });
    expect(await admin2.client.waitFor('chat-closed', byChat(chat._id))).toEqual({
      chatId: chat._id,
    });
    await quiet(ACROSS_NODES_QUIET_MS);
    expect(count(user, 'chat-closed', byChat(chat._id))).toBe(1);
  });

  it('lock and unlock reach every admin; a polling user and a polling admin talk through nginx', async () => {
    const user = await userAt(proxy, { transports: ['polling'] });
    const [admin1, admin2, poller] = await Promise.all([
      adminAt(node1),
      adminAt(node2),
      adminAt(proxy, { transports: ['websocket', 'polling'] }),
    ]);
    const chat = await openChatAt(node2, user);
    await poller.client.waitFor('new-chat', withChat(chat._id));

    // Locked by the poller through node 1: chat-locked to every admin, admin-joined to the user.
    await postAt(node1, '/api/chats/lock', {
      chatId: chat._id,
      adminId: poller.id,
      adminName: poller.name,
    });
    for (const a of [admin1, admin2, poller]) {
      expect(await a.client.waitFor('chat-locked', byChat(chat._id))).toMatchObject({
        chatId: chat._id,
        lockedByAdminId: poller.id,
        lockedByAdminName: poller.name,
        chat: { _id: chat._id, isLocked: true },
      });
    }
    expect(await user.client.waitFor('admin-joined', byChat(chat._id))).toEqual({
      chatId: chat._id,
      adminName: poller.name,
    });

    // Both long-polling, wherever nginx put them.
    await Promise.all([joinChat(user, chat._id), joinChat(poller, chat._id)]);
    const ask = await user.client.emitAck('send-message', {
      chatId: chat._id,
      content: 'by polling',
    });
    expect(await poller.client.waitFor('new-message', byChat(chat._id))).toEqual({
      message: ask.message,
    });
    const answer = await poller.client.emitAck('send-message', {
      chatId: chat._id,
      content: 'me too',
    });
    expect(await user.client.waitFor('message-notification', byChat(chat._id))).toEqual({
      chatId: chat._id,
      message: answer.message,
    });

    // Unlocked through node 2: chat-unlocked to every admin.
    await postAt(node2, '/api/chats/unlock', {
      chatId: chat._id,
      adminId: poller.id,
      isSuperAdmin: false,
    });
    for (const a of [admin1, admin2, poller]) {
      expect(await a.client.waitFor('chat-unlocked', byChat(chat._id))).toMatchObject({
        chatId: chat._id,
        chat: { _id: chat._id, isLocked: false, status: 'waiting' },
      });
    }
  });

  it('user-status: once per change to the assignee, wherever the user connects and leaves', async () => {
    const [admin1, admin2] = await Promise.all([adminAt(node1), adminAt(node2)]);
    const user = await userAt(node2);
    const chat = await openChatAt(node1, user);
    await postAt(node1, '/api/chats/assign', {
      chatId: chat._id,
      adminId: admin1.id,
      adminName: admin1.name,
    });
    // (Its first join-user, before the chat existed, was announced with chatId null.)
    const status = (online: boolean) => (p: ServerEventPayload<'user-status'>) =>
      p.chatId === chat._id && p.userId === user.id && p.online === online;
    const changes = (online: boolean) => count(admin1, 'user-status', status(online));

    // Its only socket (node 2) leaves: offline, told to the assignee on node 1.
    user.client.close();
    await waitUntil('offline reaches the assignee', () => changes(false) === 1, 10_000);
    // Back through nginx (a tab), then a second tab on node 1: online once.
    const tab1 = await userAt(proxy, { id: user.id, transports: ['polling'] });
    const tab2 = await userAt(node1, { id: user.id });
    await waitUntil('online reaches the assignee', () => changes(true) === 1, 10_000);
    // One tab closes: still online (the other is on another node).
    tab1.client.close();
    await quiet(ACROSS_NODES_QUIET_MS);
    expect(changes(false)).toBe(1);
    // The last one closes: offline, once.
    tab2.client.close();
    await waitUntil('offline again', () => changes(false) === 2, 10_000);
    await quiet(ACROSS_NODES_QUIET_MS);
    expect([changes(true), changes(false)]).toEqual([1, 2]);
    expect(admin1.client.of('user-status').filter(status(false))[0]).toEqual({
      chatId: chat._id,
      userId: user.id,
      online: false,
    });
    // The assignee only: not every admin.
    expect(count(admin2, 'user-status', (p) => p.chatId === chat._id)).toBe(0);
  });

  it('REST sends through nginx fan out to sockets on both nodes', async () => {
    const user = await userAt(node1);
    const admin = await adminAt(node2);
    const chat: Chat = await openChatAt(proxy, user);
    await postAt(proxy, '/api/chats/assign', {
      chatId: chat._id,
      adminId: admin.id,
      adminName: admin.name,
    });
    await Promise.all([joinChat(user, chat._id), joinChat(admin, chat._id)]);
    const sent = await postAt(proxy, '/api/messages', {
      chatId: chat._id,
      senderId: admin.id,
      senderType: 'admin',
      senderName: admin.name,
      content: 'over REST',
    });
    expect(await user.client.waitFor('new-message', byChat(chat._id))).toEqual({
      message: sent.message,
    });
    const read = await postAt(proxy, '/api/messages/read', {
      chatId: chat._id,
      readerId: user.id,
      readerType: 'user',
    });
    expect(read.success).toBe(true);
    expect(await admin.client.waitFor('messages-read', byChat(chat._id))).toMatchObject({
      readerId: user.id,
    });
    await postAt(proxy, '/api/messages/typing', {
      chatId: chat._id,
      userId: admin.id,
      userName: admin.name,
      isTyping: false,
    });
    expect(await user.client.waitFor('typing', byChat(chat._id))).toMatchObject({
      isTyping: false,
    });
    await postAt(node2, '/api/status', { userId: user.id, online: true });
    expect(await admin.client.waitFor('user-status', (p) => p.userId === user.id)).toEqual({
      chatId: chat._id,
      userId: user.id,
      online: true,
    });
  });

  it('nginx passes each client address on: the connection limit counts clients, not the proxy', async () => {
    // 80 raw polling handshakes at once from one address through nginx: over the per-IP
    // budget (bursts of 30)...
    const flooder = freshAddress();
    const statuses = await Promise.all(
      Array.from({ length: 80 }, () => handshakeFrom(proxy, flooder)),
    );
    expect(statuses.filter((s) => s === 403).length).toBeGreaterThan(0);
    // ...while another client, through the same nginx and to the same node, still gets in.
    const target = await nodeBehind(cluster.nginx, flooder);
    let other = freshAddress();
    while ((await nodeBehind(cluster.nginx, other)) !== target) other = freshAddress();
    expect(await handshakeFrom(proxy, other)).toBe(200);
  });
});

/** One raw Engine.io polling handshake from a local address; its status. */
function handshakeFrom(url: string, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/socket.io/?EIO=4&transport=polling`,
      { localAddress: address, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
