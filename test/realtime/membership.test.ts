/**
 * Room membership follows access: when a chat is taken, locked, transferred, unlocked or
 * closed, every socket in `chat-<id>` that may no longer view it leaves the room at once,
 * so the chat's next message, typing indicator and read receipt do not reach it.
 */
import { describe, expect, it } from 'vitest';
import { isAboutChat, openChat } from '../helpers/flows.js';
import { ONE_NODE_QUIET_MS, quiet } from '../helpers/quiet.js';
import { api } from '../helpers/server.js';
import type { TestClient } from '../helpers/sockets.js';
import { storeTargets } from '../helpers/stores.js';
import { type Person, useWorld } from '../helpers/world.js';

const [sqlite] = await storeTargets();

describe.each(sqlite ? [sqlite] : [])('room membership on $name', (target) => {
  const world = useWorld(target);

  /** A waiting chat whose room the user, two queue admins and a superadmin have joined. */
  async function scene() {
    const user = await world.user();
    const chat = await openChat(world, user);
    const [first, second, boss] = await Promise.all([
      world.admin(),
      world.admin(),
      world.admin({ superadmin: true }),
    ]);
    for (const p of [user, first, second, boss]) {
      expect(await p.client.emitAck('join-chat', { chatId: chat._id })).toMatchObject({
        success: true,
      });
    }
    return { user, chat, first, second, boss };
  }

  const post = (path: string, body: unknown) => api(world.server(), 'POST', path, body);

  /** The user writes, types and reads; answers which of `clients` heard each of the three. */
  async function chatActivity(user: Person, chatId: string, clients: TestClient[]) {
    const before = clients.map((c) => c.received.length);
    const ack = await user.client.emitAck('send-message', { chatId, content: 'private' });
    expect(ack.success).toBe(true);
    await user.client.emitAck('typing', {
      chatId,
      userId: user.id,
      userName: user.name,
      isTyping: true,
    });
    await user.client.emitAck('mark-read', { chatId, readerId: user.id, readerType: 'user' });
    await quiet(ONE_NODE_QUIET_MS);
    return clients.map((c, i) =>
      c.received
        .slice(before[i])
        .filter((r) => isAboutChat(r.payload, chatId))
        .map((r) => r.event)
        .filter((e) => ['new-message', 'typing', 'messages-read'].includes(e)),
    );
  }

  const ALL = ['new-message', 'typing', 'messages-read'];

  it.each(['assign', 'lock'])(
    '%s: the admins who joined while it waited leave; the taker and superadmin stay',
    async (how) => {
      const { user, chat, first, second, boss } = await scene();
      const res = await post(`/api/chats/${how}`, {
        chatId: chat._id,
        adminId: first.id,
        adminName: first.name,
      });
      expect(res.status).toBe(200);
      const [taker, other, superadmin] = await chatActivity(user, chat._id, [
        first.client,
        second.client,
        boss.client,
      ]);
      expect(taker).toEqual(ALL);
      expect(superadmin).toEqual(ALL);
      expect(other).toEqual([]);
      // And it cannot simply join again.
      expect(await second.client.emitAck('join-chat', { chatId: chat._id })).toMatchObject({
        success: false,
        code: 'FORBIDDEN',
      });
    },
  );

  it('transfer: the previous assignee leaves, the new one may join', async () => {
    const { user, chat, first, second, boss } = await scene();
    await post('/api/chats/assign', { chatId: chat._id, adminId: first.id, adminName: first.name });
    const res = await post('/api/chats/transfer', {
      chatId: chat._id,
      fromAdminId: first.id,
      toAdminId: second.id,
      toAdminName: second.name,
    });
    expect(res.status).toBe(200);
    expect(await second.client.emitAck('join-chat', { chatId: chat._id })).toMatchObject({
      success: true,
    });
    const [previous, next, superadmin] = await chatActivity(user, chat._id, [
      first.client,
      second.client,
      boss.client,
    ]);
    expect(previous).toEqual([]);
    expect(next).toEqual(ALL);
    expect(superadmin).toEqual(ALL);
  });

  it('unlock: the chat waits again, so its previous assignee still sees it; others who lost it stay out', async () => {
    const { user, chat, first, second, boss } = await scene();
    await post('/api/chats/lock', { chatId: chat._id, adminId: first.id, adminName: first.name });
    const res = await post('/api/chats/unlock', { chatId: chat._id, adminId: first.id });
    expect(res.status).toBe(200);
    const [previous, other, superadmin] = await chatActivity(user, chat._id, [
      first.client,
      second.client,
      boss.client,
    ]);
    expect(previous).toEqual(ALL);
    expect(superadmin).toEqual(ALL);
    // It left the room when the chat was locked, and a waiting chat may be joined again.
    expect(other).toEqual([]);
    expect(await second.client.emitAck('join-chat', { chatId: chat._id })).toMatchObject({
      success: true,
    });
  });

  it('close: queue admins hear that it closed, then leave; the superadmin stays', async () => {
    const { user, chat, first, second, boss } = await scene();
    const closed = await api(world.server(), 'PATCH', `/api/chats/${chat._id}/close`);
    expect(closed.status).toBe(200);
    await second.client.waitFor('chat-closed');
    await quiet(ONE_NODE_QUIET_MS);
    // A closed chat takes no messages; its room still carries read receipts.
    const before = [first, second, boss].map((p) => p.client.received.length);
    await user.client.emitAck('mark-read', {
      chatId: chat._id,
      readerId: user.id,
      readerType: 'user',
    });
    await quiet(ONE_NODE_QUIET_MS);
    const heard = [first, second, boss].map((p, i) =>
      p.client.received.slice(before[i]).map((r) => r.event),
    );
    expect(heard).toEqual([[], [], ['messages-read']]);
  });

  it('close of an assigned chat: the assignee keeps the room', async () => {
    const { user, chat, first, second } = await scene();
    await post('/api/chats/assign', { chatId: chat._id, adminId: first.id, adminName: first.name });
    await api(world.server(), 'PATCH', `/api/chats/${chat._id}/close`, { adminId: first.id });
    await quiet(ONE_NODE_QUIET_MS);
    const before = [first, second].map((p) => p.client.received.length);
    await user.client.emitAck('mark-read', {
      chatId: chat._id,
      readerId: user.id,
      readerType: 'user',
    });
    await quiet(ONE_NODE_QUIET_MS);
    expect(
      [first, second].map((p, i) => p.client.received.slice(before[i]).map((r) => r.event)),
    ).toEqual([['messages-read'], []]);
  });
});
