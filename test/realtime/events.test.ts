import { describe, expect, it } from 'vitest';
import { assignChat, fetchUserChats, forChat, isAboutChat, openChat } from '../helpers/flows.js';
import { waitUntil } from '../helpers/processes.js';
import { ONE_NODE_QUIET_MS, quiet } from '../helpers/quiet.js';
import { api, succeeded } from '../helpers/server.js';
import { accepted, connectClient, joinAs } from '../helpers/sockets.js';
import { storeTargets } from '../helpers/stores.js';
import { useWorld } from '../helpers/world.js';

describe.each(await storeTargets())('socket events on $name', (target) => {
  const world = useWorld(target);

  it('send-message acks with the stored message and chat, and fans out like REST', async () => {
    const [user, admin] = await Promise.all([world.user(), world.admin()]);
    const chat = await openChat(world, user);
    await assignChat(world, chat, admin);
    await admin.client.emitAck('join-chat', { chatId: chat._id });
    await user.client.emitAck('join-chat', { chatId: chat._id });

    const ack = await user.client.emitAck('send-message', {
      chatId: chat._id,
      content: 'via socket',
      clientMessageId: 'k1',
    });
    expect(ack).toMatchObject({
      success: true,
      message: {
        chatId: chat._id,
        seq: 1,
        senderId: user.id,
        senderType: 'user',
        content: 'via socket',
        clientMessageId: 'k1',
      },
      chat: { _id: chat._id, unreadCount: 1 },
    });
    expect(await admin.client.waitFor('new-message')).toEqual({ message: ack.message });
    const note = await admin.client.waitFor('message-notification', forChat(chat._id));
    expect(note.message).toEqual(ack.message);

    // The ack came after the commit: a read sees it.
    const history = await api(world.server(), 'GET', `/api/messages/${chat._id}?after=0`);
    expect(history.body.messages).toEqual([ack.message]);

    const retry = await user.client.emitAck('send-message', {
      chatId: chat._id,
      content: 'via socket',
      clientMessageId: 'k1',
    });
    expect(retry.message).toEqual(ack.message);

    const reply = await admin.client.emitAck('send-message', {
      chatId: chat._id,
      content: 'answer',
    });
    expect(reply).toMatchObject({
      success: true,
      message: { seq: 2, senderType: 'admin', senderId: admin.id },
    });
    expect(await user.client.waitFor('message-notification', forChat(chat._id))).toEqual({
      chatId: chat._id,
      message: reply.message,
    });
  });

  it('events work without an acknowledgement callback (v2 clients pass none)', async () => {
    const [admin] = await Promise.all([world.admin()]);
    const client = await connectClient(world.server().url);
    const userId = world.uid('user');
    client.socket.emit('join-user', { userId, userName: 'No Ack' });
    const chat = await openChat(world, { id: userId, name: 'No Ack', client });
    client.socket.emit('join-chat', { chatId: chat._id });
    // Without an ack, only the server can tell when the join is done (on a busy machine it
    // may come after a fixed pause).
    await waitUntil('the socket to be in the chat room', async () =>
      (await world.server().io.in(`chat-${chat._id}`).fetchSockets()).some(
        (s) => s.id === client.socket.id,
      ),
    );
    await assignChat(world, chat, admin);
    await quiet(ONE_NODE_QUIET_MS);
    await api(world.server(), 'POST', '/api/messages', {
      chatId: chat._id,
      senderId: admin.id,
      senderType: 'admin',
      senderName: admin.name,
      content: 'ping',
    });
    const got = await client.waitFor('new-message');
    expect(got.message.content).toBe('ping');
    client.socket.emit('send-message', { chatId: chat._id, content: 'reply without ack' });
    const seen = await admin.client.waitFor(
      'message-notification',
      (p) => p.message.content === 'reply without ack',
    );
    expect(seen.message.seq).toBe(2);
    client.close();
  });

  it('join-user marks the user online and tells the admins; the last tab closing marks them offline', async () => {
    const admin = await world.admin();
    const userId = world.uid('user');
    const firstTab = await connectClient(world.server().url);
    const secondTab = await connectClient(world.server().url);
    await firstTab.emitAck('join-user', { userId, userName: 'Tabs' });
    // No chat yet: the change is announced without one.
    expect(await admin.client.waitFor('user-status', (p) => p.userId === userId)).toEqual({
      chatId: null,
      userId,
      online: true,
    });
    // A chat opened while its user is connected starts online.
    const chat = await openChat(world, { id: userId, name: 'Tabs', client: firstTab });
    expect(chat.userOnline).toBe(true);
    expect(await admin.client.waitFor('new-chat', (p) => p.chat._id === chat._id)).toMatchObject({
      chat: { userOnline: true },
    });
    // A second tab changes nothing, so nothing is announced.
    await secondTab.emitAck('join-user', { userId, userName: 'Tabs' });
    await quiet(ONE_NODE_QUIET_MS);
    expect(admin.client.of('user-status').filter((p) => p.userId === userId)).toHaveLength(1);
    const online = await fetchUserChats(world.server(), userId);
    expect(succeeded(online).chats[0]?.userOnline).toBe(true);

    firstTab.close();
    await quiet(ONE_NODE_QUIET_MS);
    const stillOnline = admin.client.of('user-status').filter((p) => p.online === false);
    expect(stillOnline.filter(forChat(chat._id))).toHaveLength(0);

    secondTab.close();
    expect(
      await admin.client.waitFor('user-status', (p) => forChat(chat._id)(p) && p.online === false),
    ).toEqual({ chatId: chat._id, userId, online: false });
    const offline = await fetchUserChats(world.server(), userId);
    expect(succeeded(offline).chats[0]?.userOnline).toBe(false);
  });

  it('join-chat: the chat user and admins may join; another user is refused; unknown ids are 404', async () => {
    const [user, stranger, admin] = await Promise.all([world.user(), world.user(), world.admin()]);
    const chat = await openChat(world, user);
    expect(await user.client.emitAck('join-chat', { chatId: chat._id })).toMatchObject({
      success: true,
    });
    expect(await admin.client.emitAck('join-chat', { chatId: chat._id })).toMatchObject({
      success: true,
    });
    const refused = await stranger.client.emitAck('join-chat', { chatId: chat._id });
    expect(refused).toMatchObject({ success: false, code: 'FORBIDDEN' });
    const missing = await user.client.emitAck('join-chat', { chatId: '000000000000000000000000' });
    expect(missing).toMatchObject({ success: false, code: 'CHAT_NOT_FOUND' });

    await api(world.server(), 'POST', '/api/messages', {
      chatId: chat._id,
      senderId: user.id,
      senderType: 'user',
      senderName: user.name,
      content: 'private',
    });
    await admin.client.waitFor('new-message');
    await quiet(ONE_NODE_QUIET_MS);
    expect(stranger.client.of('new-message')).toHaveLength(0);
  });

  it('leave-chat stops delivery to that socket', async () => {
    const [user, watcher] = await Promise.all([world.user(), world.bystander()]);
    const chat = await openChat(world, user);
    await watcher.emitAck('join-chat', { chatId: chat._id });
    expect(await watcher.emitAck('leave-chat', { chatId: chat._id })).toEqual({ success: true });
    await user.client.emitAck('send-message', { chatId: chat._id, content: 'after leave' });
    await quiet(ONE_NODE_QUIET_MS);
    expect(watcher.of('new-message')).toHaveLength(0);
  });

  it('a leave-chat sent right after a join-chat of the chat, before its answer, leaves the socket out', async () => {
    const [admin, customer] = await Promise.all([world.admin(), world.user()]);
    const chat = await openChat(world, customer);
    await customer.client.emitAck('join-chat', { chatId: chat._id });
    const join = admin.client.emitAck('join-chat', { chatId: chat._id });
    const leave = admin.client.emitAck('leave-chat', { chatId: chat._id });
    expect(await join).toEqual({ success: true, chatId: chat._id });
    expect(await leave).toEqual({ success: true });
    const heard = admin.client.received.length;

    await customer.client.emitAck('send-message', { chatId: chat._id, content: 'after leave' });
    await admin.client.waitFor('message-notification', forChat(chat._id));
    await quiet(ONE_NODE_QUIET_MS);
    expect(admin.client.received.slice(heard).map((r) => r.event)).not.toContain('new-message');
  });

  it('a socket that joins as someone else leaves the rooms it was in as the one before', async () => {
    const [turncoat, admin, customer] = await Promise.all([
      world.admin(),
      world.admin(),
      world.user(),
    ]);
    const chat = await openChat(world, customer);
    await turncoat.client.emitAck('join-chat', { chatId: chat._id });
    await admin.client.emitAck('join-chat', { chatId: chat._id });
    // The admin now joins as a user of their own: no longer an admin, nor in the chat.
    const asUser = await joinAs(turncoat.client, world.uid('user'), { role: 'user' });

    await customer.client.emitAck('send-message', { chatId: chat._id, content: 'for admins' });
    const later = await world.user();
    await openChat(world, later);
    // What the other admin hears, the former admin does not.
    await admin.client.waitFor('new-message', forChat(chat._id));
    await admin.client.waitFor('new-chat', (p) => p.chat.userId === later.id);
    await quiet(ONE_NODE_QUIET_MS);
    expect(turncoat.client.of('new-message')).toHaveLength(0);
    expect(turncoat.client.of('message-notification')).toHaveLength(0);
    expect(turncoat.client.of('new-chat').filter((p) => p.chat.userId === later.id)).toEqual([]);

    // The same join again keeps what the socket joined as that person.
    const mine = await openChat(world, asUser);
    await asUser.client.emitAck('join-chat', { chatId: mine._id });
    await joinAs(asUser.client, asUser.id, { role: 'user' });
    await assignChat(world, mine, admin);
    await admin.client.emitAck('send-message', { chatId: mine._id, content: 'still here?' });
    expect(await asUser.client.waitFor('new-message', forChat(mine._id))).toMatchObject({
      message: { content: 'still here?' },
    });
  });

  it('a socket that joined chats as nobody leaves them when it joins as someone', async () => {
    const boss = await world.admin({ superadmin: true });
    for (const next of ['user', 'admin'] as const) {
      const [holder, customer, socket] = await Promise.all([
        world.admin(),
        world.user(),
        world.bystander(),
      ]);
      const chat = await openChat(world, customer);
      await assignChat(world, chat, holder);
      await boss.client.emitAck('join-chat', { chatId: chat._id });
      // With AUTH_MODE=none a socket that names nobody may join any chat (v2's trusted caller).
      accepted(await socket.emitAck('join-chat', { chatId: chat._id }));
      await joinAs(socket, world.uid(next), { role: next, superadmin: false });

      await customer.client.emitAck('send-message', { chatId: chat._id, content: 'private' });
      await boss.client.waitFor('new-message', forChat(chat._id));
      // Nor does it hear the chat once it changes hands (it is nobody's viewer any more).
      await api(world.server(), 'PATCH', `/api/chats/${chat._id}/close`, { adminId: holder.id });
      await boss.client.waitFor('chat-closed', forChat(chat._id));
      await quiet(ONE_NODE_QUIET_MS);
      expect(socket.received.filter((r) => isAboutChat(r.payload, chat._id))).toEqual([]);
    }
  });

  it('a chat the new self may view stays joined: a v2 widget that joins its chat before saying who it is', async () => {
    for (const racing of [false, true]) {
      const customer = await world.user();
      const chat = await openChat(world, customer);
      const widget = await world.bystander();
      // As v2 allowed: join-chat first, join-user after (awaited, or back to back).
      const joinChat = widget.emitAck('join-chat', { chatId: chat._id });
      if (!racing) accepted(await joinChat);
      const joinUser = widget.emitAck('join-user', {
        userId: customer.id,
        userName: customer.name,
      });
      expect(await joinChat).toEqual({ success: true, chatId: chat._id });
      accepted(await joinUser);

      await customer.client.emitAck('send-message', { chatId: chat._id, content: 'still mine' });
      expect(await widget.waitFor('new-message', forChat(chat._id))).toMatchObject({
        message: { content: 'still mine' },
      });
    }
  });

  it('a join-chat overtaken by a join as someone else, sent before its answer, enters no room', async () => {
    const boss = await world.admin({ superadmin: true });
    for (const next of ['user', 'admin'] as const) {
      const [holder, customer] = await Promise.all([world.admin(), world.user()]);
      const chat = await openChat(world, customer);
      await assignChat(world, chat, holder);
      await boss.client.emitAck('join-chat', { chatId: chat._id });
      await customer.client.emitAck('join-chat', { chatId: chat._id });
      // Back to back, no ack awaited: the holder's socket asks for their chat, then
      // becomes someone who may not view it.
      const joinChat = holder.client.emitAck('join-chat', { chatId: chat._id });
      const becomes =
        next === 'user'
          ? holder.client.emitAck('join-user', { userId: world.uid('user'), userName: 'U' })
          : holder.client.emitAck('join-admin', { adminId: world.uid('admin'), adminName: 'A' });
      // Both are answered as if taken in turn: the chat joined, then left with the rest.
      expect(await joinChat).toEqual({ success: true, chatId: chat._id });
      accepted(await becomes);
      const heard = holder.client.received.length;

      await customer.client.emitAck('send-message', { chatId: chat._id, content: 'private' });
      await customer.client.emitAck('typing', {
        chatId: chat._id,
        userId: customer.id,
        userName: customer.name,
        isTyping: true,
      });
      await boss.client.waitFor('new-message', forChat(chat._id));
      await boss.client.waitFor('typing', forChat(chat._id));
      await quiet(ONE_NODE_QUIET_MS);
      const since = holder.client.received.slice(heard);
      expect(since.filter((r) => isAboutChat(r.payload, chat._id))).toEqual([]);
    }
  });

  it('typing goes to the others in the chat room, not back to the typist', async () => {
    const [user, admin] = await Promise.all([world.user(), world.admin()]);
    const chat = await openChat(world, user);
    await assignChat(world, chat, admin);
    await user.client.emitAck('join-chat', { chatId: chat._id });
    await admin.client.emitAck('join-chat', { chatId: chat._id });
    const payload = { chatId: chat._id, userId: user.id, userName: user.name, isTyping: true };
    expect(await user.client.emitAck('typing', payload)).toEqual({ success: true });
    expect(await admin.client.waitFor('typing')).toEqual(payload);
    await quiet(ONE_NODE_QUIET_MS);
    expect(user.client.of('typing')).toHaveLength(0);
  });

  it('mark-read over the socket zeroes unread and tells the room', async () => {
    const [user, admin] = await Promise.all([world.user(), world.admin()]);
    const chat = await openChat(world, user);
    await assignChat(world, chat, admin);
    await user.client.emitAck('join-chat', { chatId: chat._id });
    await user.client.emitAck('send-message', { chatId: chat._id, content: 'unread' });
    const ack = await admin.client.emitAck('mark-read', {
      chatId: chat._id,
      readerId: admin.id,
      readerType: 'admin',
    });
    expect(ack).toMatchObject({ success: true, chat: { unreadCount: 0 } });
    expect(await user.client.waitFor('messages-read')).toEqual({
      chatId: chat._id,
      readerId: admin.id,
      readerType: 'admin',
    });
  });

  it('ping answers pong', async () => {
    const client = await world.bystander();
    expect(await client.emitAck('ping')).toEqual({ success: true });
    const pong = await client.waitFor('pong');
    expect(Number.isNaN(Date.parse(pong.timestamp))).toBe(false);
  });

  it('send-message from a socket that joined as nobody is refused', async () => {
    const user = await world.user();
    const chat = await openChat(world, user);
    const anonymous = await world.bystander();
    const ack = await anonymous.emitAck('send-message', { chatId: chat._id, content: 'who am I' });
    expect(ack).toMatchObject({ success: false, code: 'NOT_IDENTIFIED' });
    const history = await api(world.server(), 'GET', `/api/messages/${chat._id}`);
    expect(history.body.messages).toEqual([]);
  });
});
