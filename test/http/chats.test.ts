import { describe, expect, it } from 'vitest';
import type { Chat } from '../helpers/flows.js';
import { waitUntil } from '../helpers/processes.js';
import { ONE_NODE_QUIET_MS, quiet } from '../helpers/quiet.js';
import { api, request, succeeded } from '../helpers/server.js';
import { storeTargets } from '../helpers/stores.js';
import { type Person, useWorld, type World } from '../helpers/world.js';

const byChat = (chatId: string) => (p: { chatId: string }) => p.chatId === chatId;

async function openChatFor(world: World, user: Person): Promise<Chat> {
  const res = await request(world.server(), 'POST /api/chats', {
    body: { userId: user.id, userName: user.name },
  });
  expect(res.status).toBe(200);
  return succeeded(res).chat;
}

async function assign(world: World, chat: Chat, admin: Person) {
  return api(world.server(), 'POST', '/api/chats/assign', {
    chatId: chat._id,
    adminId: admin.id,
    adminName: admin.name,
  });
}

describe.each(await storeTargets())('chat lifecycle over REST on $name', (target) => {
  const world = useWorld(target);

  it('opens a waiting chat once per user and tells every admin, nobody else', async () => {
    const [adminA, adminB, user, otherUser] = await Promise.all([
      world.admin(),
      world.admin(),
      world.user(),
      world.user(),
    ]);
    const first = await request(world.server(), 'POST /api/chats', {
      body: { userId: user.id, userName: user.name },
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ success: true, isNew: true });
    const { chat } = succeeded(first);
    expect(chat._id).toMatch(/^[0-9a-f]{24}$/);
    expect(chat).toMatchObject({
      userId: user.id,
      userName: user.name,
      status: 'waiting',
      assignedAdminId: null,
      isLocked: false,
      unreadCount: 0,
      lastMessage: '',
    });

    const again = await api(world.server(), 'POST', '/api/chats', {
      userId: user.id,
      userName: user.name,
    });
    expect(again.body).toMatchObject({ success: true, isNew: false, chat: { _id: chat._id } });

    await adminA.client.waitFor('new-chat', (p) => p.chat._id === chat._id);
    await adminB.client.waitFor('new-chat', (p) => p.chat._id === chat._id);
    await quiet(ONE_NODE_QUIET_MS);
    const forThisChat = (c: Person) =>
      c.client.of('new-chat').filter((p) => p.chat._id === chat._id);
    expect(forThisChat(adminA)).toHaveLength(1);
    expect(user.client.of('new-chat')).toHaveLength(0);
    expect(otherUser.client.of('new-chat')).toHaveLength(0);
  });

  it('new ids sort by creation time', async () => {
    const a = await openChatFor(world, await world.user());
    // An id holds whole seconds: the next chat is made in a later one.
    const madeIn = Number.parseInt(a._id.slice(0, 8), 16);
    await waitUntil('the clock is past the second `a` was made in', () => {
      return Date.now() / 1000 >= madeIn + 1;
    });
    const b = await openChatFor(world, await world.user());
    expect(a._id < b._id).toBe(true);
  });

  it('assigns a waiting chat: chat-taken to admins, admin-joined to that user only', async () => {
    const [admin, watcher, user, otherUser] = await Promise.all([
      world.admin(),
      world.admin(),
      world.user(),
      world.user(),
    ]);
    const chat = await openChatFor(world, user);
    const res = await assign(world, chat, admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      success: true,
      chat: {
        _id: chat._id,
        status: 'active',
        assignedAdminId: admin.id,
        assignedAdminName: admin.name,
      },
    });
    expect(await watcher.client.waitFor('chat-taken', byChat(chat._id))).toEqual({
      chatId: chat._id,
      adminId: admin.id,
      adminName: admin.name,
    });
    expect(await user.client.waitFor('admin-joined', byChat(chat._id))).toEqual({
      chatId: chat._id,
      adminName: admin.name,
    });
    await quiet(ONE_NODE_QUIET_MS);
    expect(otherUser.client.of('admin-joined')).toHaveLength(0);
    expect(user.client.of('chat-taken')).toHaveLength(0);
  });

  it('refuses to take a chat held by another admin with 409 naming the holder', async () => {
    const [winner, loser, user] = await Promise.all([world.admin(), world.admin(), world.user()]);
    const chat = await openChatFor(world, user);
    expect((await assign(world, chat, winner)).status).toBe(200);
    const lost = await assign(world, chat, loser);
    expect(lost.status).toBe(409);
    expect(lost.body).toMatchObject({
      success: false,
      code: 'CHAT_TAKEN',
      assignedTo: winner.name,
      assignedAdminId: winner.id,
    });
    expect(typeof lost.body.error).toBe('string');
  });

  it('answers 404 for an unknown chat id', async () => {
    const admin = await world.admin();
    const res = await api(world.server(), 'POST', '/api/chats/assign', {
      chatId: 'ffffffffffffffffffffffff',
      adminId: admin.id,
      adminName: admin.name,
    });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ success: false, code: 'CHAT_NOT_FOUND' });
  });

  it('locks: assigns to the caller, tells admins with the chat, and blocks other admins', async () => {
    const [admin, other, user] = await Promise.all([world.admin(), world.admin(), world.user()]);
    const chat = await openChatFor(world, user);
    const res = await api(world.server(), 'POST', '/api/chats/lock', {
      chatId: chat._id,
      adminId: admin.id,
      adminName: admin.name,
    });
    expect(res.status).toBe(200);
    expect(res.body.chat).toMatchObject({
      status: 'active',
      isLocked: true,
      lockedByAdminId: admin.id,
      lockedByAdminName: admin.name,
      assignedAdminId: admin.id,
    });
    const locked = await other.client.waitFor('chat-locked', byChat(chat._id));
    expect(locked).toMatchObject({
      chatId: chat._id,
      lockedByAdminId: admin.id,
      lockedByAdminName: admin.name,
    });
    expect(locked.chat._id).toBe(chat._id);
    await user.client.waitFor('admin-joined', byChat(chat._id));

    const stolen = await api(world.server(), 'POST', '/api/chats/lock', {
      chatId: chat._id,
      adminId: other.id,
      adminName: other.name,
    });
    expect(stolen.status).toBe(409);
    expect(stolen.body).toMatchObject({ code: 'CHAT_TAKEN', assignedTo: admin.name });
  });

  it('unlock: only the assignee or a superadmin; back to waiting and unassigned', async () => {
    const [admin, other, superadmin, user] = await Promise.all([
      world.admin(),
      world.admin(),
      world.admin({ superadmin: true }),
      world.user(),
    ]);
    const chat = await openChatFor(world, user);
    await api(world.server(), 'POST', '/api/chats/lock', {
      chatId: chat._id,
      adminId: admin.id,
      adminName: admin.name,
    });

    const refused = await api(world.server(), 'POST', '/api/chats/unlock', {
      chatId: chat._id,
      adminId: other.id,
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ success: false, code: 'FORBIDDEN' });
    const unchanged = await request(world.server(), 'GET /api/chats/admin/:adminId', {
      params: { adminId: admin.id },
    });
    expect(succeeded(unchanged).chats.map((c) => c._id)).toContain(chat._id);

    const res = await api(world.server(), 'POST', '/api/chats/unlock', {
      chatId: chat._id,
      adminId: superadmin.id,
      isSuperAdmin: true,
    });
    expect(res.status).toBe(200);
    expect(res.body.chat).toMatchObject({
      status: 'waiting',
      isLocked: false,
      lockedByAdminId: null,
      assignedAdminId: null,
      assignedAdminName: null,
    });
    const unlocked = await other.client.waitFor('chat-unlocked', byChat(chat._id));
    expect(unlocked.chat.status).toBe('waiting');
  });

  it('transfers: out to the old admin, in to the new one, admin-changed to the user', async () => {
    const [from, to, bystanderAdmin, user] = await Promise.all([
      world.admin(),
      world.admin(),
      world.admin(),
      world.user(),
    ]);
    const chat = await openChatFor(world, user);
    await assign(world, chat, from);
    const res = await api(world.server(), 'POST', '/api/chats/transfer', {
      chatId: chat._id,
      fromAdminId: from.id,
      toAdminId: to.id,
      toAdminName: to.name,
    });
    expect(res.status).toBe(200);
    expect(res.body.chat).toMatchObject({
      assignedAdminId: to.id,
      assignedAdminName: to.name,
      status: 'active',
    });
    expect(await from.client.waitFor('chat-transferred-out', byChat(chat._id))).toEqual({
      chatId: chat._id,
      toAdminName: to.name,
    });
    const incoming = await to.client.waitFor('chat-transferred-in');
    expect(incoming.chat).toMatchObject({ _id: chat._id, assignedAdminId: to.id });
    expect(await user.client.waitFor('admin-changed', byChat(chat._id))).toEqual({
      chatId: chat._id,
      adminName: to.name,
    });
    await quiet(ONE_NODE_QUIET_MS);
    expect(bystanderAdmin.client.of('chat-transferred-in')).toHaveLength(0);
    expect(bystanderAdmin.client.of('chat-transferred-out')).toHaveLength(0);
    expect(to.client.of('chat-transferred-out')).toHaveLength(0);
  });

  it("a transfer names the target by their own name, not by the transferrer's toAdminName", async () => {
    const [from, to, user] = await Promise.all([world.admin(), world.admin(), world.user()]);
    const chat = await openChatFor(world, user);
    await assign(world, chat, from);
    const res = await api(world.server(), 'POST', '/api/chats/transfer', {
      chatId: chat._id,
      fromAdminId: from.id,
      toAdminId: to.id,
      toAdminName: 'Security Team',
    });
    expect(res.status).toBe(200);
    expect(res.body.chat).toMatchObject({ assignedAdminId: to.id, assignedAdminName: to.name });
    expect(await user.client.waitFor('admin-changed', byChat(chat._id))).toEqual({
      chatId: chat._id,
      adminName: to.name,
    });
    expect(await from.client.waitFor('chat-transferred-out', byChat(chat._id))).toEqual({
      chatId: chat._id,
      toAdminName: to.name,
    });
  });

  it('refuses a transfer by an admin who does not hold the chat; a superadmin may', async () => {
    const [holder, intruder, superadmin, target2, user] = await Promise.all([
      world.admin(),
      world.admin(),
      world.admin({ superadmin: true }),
      world.admin(),
      world.user(),
    ]);
    const chat = await openChatFor(world, user);
    await assign(world, chat, holder);
    const refused = await api(world.server(), 'POST', '/api/chats/transfer', {
      chatId: chat._id,
      fromAdminId: intruder.id,
      toAdminId: target2.id,
      toAdminName: target2.name,
    });
    expect(refused.status).toBe(403);
    const bySuper = await api(world.server(), 'POST', '/api/chats/transfer', {
      chatId: chat._id,
      fromAdminId: holder.id,
      toAdminId: target2.id,
      toAdminName: target2.name,
      isSuperAdmin: true,
    });
    expect(bySuper.status).toBe(200);
    expect(bySuper.body.chat).toMatchObject({ assignedAdminId: target2.id });
    void superadmin;
  });

  it('closes: chat-closed to the chat room and the user, then no assignment and no message', async () => {
    const [admin, user, roomMember, otherAdmin] = await Promise.all([
      world.admin(),
      world.user(),
      world.bystander(),
      world.admin(),
    ]);
    const chat = await openChatFor(world, user);
    await assign(world, chat, admin);
    expect((await roomMember.emitAck('join-chat', { chatId: chat._id })).success).toBe(true);

    const res = await api(world.server(), 'PATCH', `/api/chats/${chat._id}/close`);
    expect(res.status).toBe(200);
    expect(res.body.chat).toMatchObject({ status: 'closed' });
    expect(await roomMember.waitFor('chat-closed')).toEqual({ chatId: chat._id });
    expect(await user.client.waitFor('chat-closed')).toEqual({ chatId: chat._id });
    await quiet(ONE_NODE_QUIET_MS);
    expect(user.client.of('chat-closed')).toHaveLength(1);
    expect(otherAdmin.client.of('chat-closed')).toHaveLength(0);

    const take = await assign(world, chat, otherAdmin);
    expect(take.status).toBe(409);
    expect(take.body.code).toBe('CHAT_CLOSED');
    const send = await api(world.server(), 'POST', '/api/messages', {
      chatId: chat._id,
      senderId: user.id,
      senderType: 'user',
      senderName: user.name,
      content: 'hello?',
    });
    expect(send.status).toBe(409);
    expect(send.body.code).toBe('CHAT_CLOSED');

    const reopened = await openChatFor(world, user);
    expect(reopened._id).not.toBe(chat._id);
  });

  it('close is refused to another user and to an admin who does not hold the chat', async () => {
    const [holder, otherAdmin, user, otherUser] = await Promise.all([
      world.admin(),
      world.admin(),
      world.user(),
      world.user(),
    ]);
    const chat = await openChatFor(world, user);
    await assign(world, chat, holder);
    const path = `/api/chats/${chat._id}/close`;
    expect((await api(world.server(), 'PATCH', path, { userId: otherUser.id })).status).toBe(403);
    expect((await api(world.server(), 'PATCH', path, { adminId: otherAdmin.id })).status).toBe(403);
    expect((await api(world.server(), 'PATCH', path, { userId: user.id })).status).toBe(200);
  });

  it('lists: the user, the waiting queue (locks respected), an admin, and all by status', async () => {
    const [admin, other, user, waitingUser] = await Promise.all([
      world.admin(),
      world.admin(),
      world.user(),
      world.user(),
    ]);
    const mine = await openChatFor(world, user);
    const waiting = await openChatFor(world, waitingUser);
    await assign(world, mine, admin);

    const byUser = await request(world.server(), 'GET /api/chats/user/:userId', {
      params: { userId: user.id },
    });
    expect(succeeded(byUser).chats.map((c) => c._id)).toEqual([mine._id]);

    const queue = await request(world.server(), 'GET /api/chats/waiting', {
      query: { adminId: other.id },
    });
    const queued = succeeded(queue).chats.map((c) => c._id);
    expect(queued).toContain(waiting._id);
    expect(queued).not.toContain(mine._id);

    const assigned = await request(world.server(), 'GET /api/chats/admin/:adminId', {
      params: { adminId: admin.id },
    });
    expect(succeeded(assigned).chats.map((c) => c._id)).toEqual([mine._id]);

    const active = await request(world.server(), 'GET /api/chats/all', {
      query: { status: 'active' },
    });
    expect(succeeded(active).chats.every((c) => c.status === 'active')).toBe(true);
    expect(succeeded(active).chats.map((c) => c._id)).toContain(mine._id);
    const all = await request(world.server(), 'GET /api/chats/all', {});
    expect(succeeded(all).chats.map((c) => c._id)).toEqual(
      expect.arrayContaining([mine._id, waiting._id]),
    );
  });
});
