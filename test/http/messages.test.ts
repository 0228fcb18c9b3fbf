import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/schemas/shapes.js';
import { TUNABLES } from '../../src/tunables.js';
import { assignChat, fetchHistory, forChat, openChat, restSend } from '../helpers/flows.js';
import { ONE_NODE_QUIET_MS, quiet } from '../helpers/quiet.js';
import { api, type RestResponse, refused, replyOf, succeeded } from '../helpers/server.js';
import { storeTargets } from '../helpers/stores.js';
import { useWorld } from '../helpers/world.js';

describe.each(await storeTargets())('messages on $name', (target) => {
  const world = useWorld(target);

  it('a user message: stored with seq, new-message to the chat room, notification to all admins while unassigned', async () => {
    const [user, adminA, adminB, roomMember, otherUser] = await Promise.all([
      world.user(),
      world.admin(),
      world.admin(),
      world.bystander(),
      world.user(),
    ]);
    const chat = await openChat(world, user);
    await roomMember.emitAck('join-chat', { chatId: chat._id });
    const res = await restSend(world, user, 'user', { chatId: chat._id, content: 'I need help' });
    expect(res.status).toBe(200);
    const { message } = succeeded(res);
    expect(message).toMatchObject({
      chatId: chat._id,
      seq: 1,
      senderId: user.id,
      senderType: 'user',
      senderName: user.name,
      content: 'I need help',
      messageType: 'text',
      fileUrl: null,
      isRead: false,
      readAt: null,
      clientMessageId: null,
    });
    expect(message._id).toMatch(/^[0-9a-f]{24}$/);
    expect(res.body.chat).toMatchObject({ lastMessage: 'I need help', unreadCount: 1 });

    expect(await roomMember.waitFor('new-message')).toEqual({ message });
    const note = await adminA.client.waitFor('message-notification', forChat(chat._id));
    expect(note).toMatchObject({
      chatId: chat._id,
      message,
      chat: { _id: chat._id, unreadCount: 1 },
    });
    await adminB.client.waitFor('message-notification', forChat(chat._id));
    await quiet(ONE_NODE_QUIET_MS);
    expect(user.client.of('message-notification')).toHaveLength(0);
    expect(otherUser.client.of('new-message')).toHaveLength(0);
  });

  it('once assigned, user messages notify only the assignee; admin messages notify the user', async () => {
    const [user, admin, otherAdmin] = await Promise.all([
      world.user(),
      world.admin(),
      world.admin(),
    ]);
    const chat = await openChat(world, user);
    await assignChat(world, chat, admin);
    await restSend(world, user, 'user', { chatId: chat._id, content: 'hello' });
    await admin.client.waitFor('message-notification', forChat(chat._id));

    const reply = await restSend(world, admin, 'admin', {
      chatId: chat._id,
      content: 'hi, how can I help?',
    });
    expect(reply.status).toBe(200);
    expect(reply.body.message).toMatchObject({ seq: 2, senderType: 'admin' });
    expect(reply.body.chat).toMatchObject({ unreadCount: 1, lastMessage: 'hi, how can I help?' });
    const toUser = await user.client.waitFor('message-notification', forChat(chat._id));
    expect(toUser).toEqual({ chatId: chat._id, message: reply.body.message });
    await quiet(ONE_NODE_QUIET_MS);
    expect(otherAdmin.client.of('message-notification').filter(forChat(chat._id))).toHaveLength(0);
  });

  it('an admin may not write to a chat they have not taken; another user may not write at all', async () => {
    const [user, admin, stranger] = await Promise.all([world.user(), world.admin(), world.user()]);
    const chat = await openChat(world, user);
    const byAdmin = await restSend(world, admin, 'admin', { chatId: chat._id, content: 'x' });
    expect(byAdmin.status).toBe(403);
    const byStranger = await restSend(world, stranger, 'user', { chatId: chat._id, content: 'x' });
    expect(byStranger.status).toBe(403);
    const history = await api(world.server(), 'GET', `/api/messages/${chat._id}`);
    expect(history.body.messages).toEqual([]);
  });

  it('without chatId a user message goes to their open chat, created (and announced) if none', async () => {
    const [user, admin] = await Promise.all([world.user(), world.admin()]);
    const res = await restSend(world, user, 'user', { content: 'first words' });
    expect(res.status).toBe(200);
    const { chat } = succeeded(res);
    expect(chat).toMatchObject({ userId: user.id, status: 'waiting', lastMessage: 'first words' });
    await admin.client.waitFor('new-chat', (p) => p.chat._id === chat._id);
    const second = await restSend(world, user, 'user', { content: 'more' });
    expect(second.body.message).toMatchObject({ chatId: chat._id, seq: 2 });
    const adminWithoutChat = await restSend(world, admin, 'admin', { content: 'x' });
    expect(adminWithoutChat.status).toBe(400);
    expect(refused(adminWithoutChat).error).toMatch(/chatId/);
  });

  it('a retried clientMessageId stores one message and answers both sends with it', async () => {
    const [user, roomMember] = await Promise.all([world.user(), world.bystander()]);
    const chat = await openChat(world, user);
    await roomMember.emitAck('join-chat', { chatId: chat._id });
    const send = () =>
      restSend(world, user, 'user', { chatId: chat._id, content: 'once', clientMessageId: 'c-1' });
    const first = await send();
    const second = await send();
    expect(second.status).toBe(200);
    expect(second.body.message).toEqual(first.body.message);
    const concurrent = await Promise.all(
      Array.from({ length: 10 }, () =>
        restSend(world, user, 'user', {
          chatId: chat._id,
          content: 'burst',
          clientMessageId: 'c-2',
        }),
      ),
    );
    expect(concurrent.every((r) => r.status === 200)).toBe(true);
    const ids = new Set(concurrent.map((r) => succeeded(r).message._id));
    expect(ids.size).toBe(1);
    const history = await fetchHistory(world.server(), chat._id);
    expect(succeeded(history).messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(history.body.pagination).toMatchObject({ total: 2 });
    await quiet(ONE_NODE_QUIET_MS);
    expect(roomMember.of('new-message')).toHaveLength(2);
  });

  it("a clientMessageId the other side already used is a 409, not an acknowledgement of the other's message", async () => {
    const [user, admin] = await Promise.all([world.user(), world.admin()]);
    const chat = await openChat(world, user);
    await assignChat(world, chat, admin);
    const mine = await restSend(world, user, 'user', {
      chatId: chat._id,
      content: 'from the user',
      clientMessageId: 'shared-1',
    });
    expect(mine.status).toBe(200);
    const theirs = await restSend(world, admin, 'admin', {
      chatId: chat._id,
      content: 'from the admin',
      clientMessageId: 'shared-1',
    });
    expect(theirs.status).toBe(409);
    expect(refused(theirs).code).toBe('CLIENT_MESSAGE_ID_TAKEN');
    // Over a socket the same, and a fresh id goes through.
    const ack = await admin.client.emitAck('send-message', {
      chatId: chat._id,
      content: 'from the admin',
      clientMessageId: 'shared-1',
    });
    expect(ack).toMatchObject({ success: false, code: 'CLIENT_MESSAGE_ID_TAKEN' });
    const fresh = await restSend(world, admin, 'admin', {
      chatId: chat._id,
      content: 'from the admin',
      clientMessageId: 'shared-2',
    });
    expect(fresh.status).toBe(200);
    const history = await fetchHistory(world.server(), chat._id);
    expect(succeeded(history).messages.map((m) => m.content)).toEqual([
      'from the user',
      'from the admin',
    ]);
  });

  it('a retry of a send stored before the chat closed gets its message; a new send gets 409 CHAT_CLOSED', async () => {
    const [user, roomMember] = await Promise.all([world.user(), world.bystander()]);
    const chat = await openChat(world, user);
    const send = (clientMessageId: string) =>
      restSend(world, user, 'user', { chatId: chat._id, content: 'last words', clientMessageId });
    const first = await send('before-close');
    expect(first.status).toBe(200);
    const closed = await api(world.server(), 'PATCH', `/api/chats/${chat._id}/close`, {
      closedBy: user.id,
    });
    expect(closed.status).toBe(200);
    await roomMember.emitAck('join-chat', { chatId: chat._id });
    const retry = await send('before-close');
    expect(retry.status).toBe(200);
    expect(retry.body.message).toEqual(first.body.message);
    const fresh = await send('after-close');
    expect(fresh.status).toBe(409);
    expect(refused(fresh).code).toBe('CHAT_CLOSED');
    await quiet(ONE_NODE_QUIET_MS);
    expect(roomMember.of('new-message')).toEqual([]);
    const history = await fetchHistory(world.server(), chat._id);
    expect(succeeded(history).messages.map((m) => m.seq)).toEqual([1]);
  });

  it('keeps the first 100 characters as lastMessage and takes image messages with a fileUrl', async () => {
    const user = await world.user();
    const chat = await openChat(world, user);
    const long = 'ж'.repeat(250);
    const res = await restSend(world, user, 'user', { chatId: chat._id, content: long });
    expect(succeeded(res).chat.lastMessage).toBe('ж'.repeat(100));
    const image = await restSend(world, user, 'user', {
      chatId: chat._id,
      content: '',
      messageType: 'image',
      fileUrl: 'https://cdn.example/receipt.png',
    });
    expect(image.status).toBe(200);
    expect(image.body.message).toMatchObject({
      messageType: 'image',
      fileUrl: 'https://cdn.example/receipt.png',
    });
    expect(succeeded(image).chat.lastMessage).toBe('[image]');
  });

  it('history: v2 pages newest-first by page, each page oldest→newest; cursors after/before', async () => {
    const user = await world.user();
    const chat = await openChat(world, user);
    for (let i = 1; i <= 7; i++) {
      await restSend(world, user, 'user', { chatId: chat._id, content: `m${i}` });
    }
    const seqs = (res: RestResponse<'GET /api/messages/:chatId'>) =>
      succeeded(res).messages.map((m) => m.seq);
    const path = `/api/messages/${chat._id}`;
    // The query strings as a client writes them.
    const get = async (query = '') =>
      replyOf('GET /api/messages/:chatId', await api(world.server(), 'GET', `${path}${query}`));

    const page1 = await get('?page=1&limit=3');
    expect(seqs(page1)).toEqual([5, 6, 7]);
    expect(page1.body.pagination).toEqual({ page: 1, limit: 3, total: 7, pages: 3 });
    const page3 = await get('?page=3&limit=3');
    expect(seqs(page3)).toEqual([1]);
    const beyond = await get('?page=9&limit=3');
    expect(seqs(beyond)).toEqual([]);

    const defaults = await get();
    expect(defaults.body.pagination).toEqual({ page: 1, limit: 50, total: 7, pages: 1 });

    const after = await get('?after=2&limit=3');
    expect(seqs(after)).toEqual([3, 4, 5]);
    expect(after.body.pagination).toEqual({ limit: 3, hasMore: true });
    const afterEnd = await get('?after=5&limit=3');
    expect(seqs(afterEnd)).toEqual([6, 7]);
    expect(afterEnd.body.pagination).toEqual({ limit: 3, hasMore: false });

    const before = await get('?before=6&limit=3');
    expect(seqs(before)).toEqual([3, 4, 5]);
    expect(before.body.pagination).toEqual({ limit: 3, hasMore: true });
    const beforeStart = await get('?before=3&limit=5');
    expect(seqs(beforeStart)).toEqual([1, 2]);
    expect(beforeStart.body.pagination).toEqual({ limit: 5, hasMore: false });
    // A cursor past the end reads the newest before it, and says older ones remain.
    for (const past of [9, 1000, 2_147_483_647]) {
      const beforePastEnd = await get(`?before=${past}&limit=3`);
      expect(seqs(beforePastEnd), `before=${past}`).toEqual([5, 6, 7]);
      expect(beforePastEnd.body.pagination).toEqual({ limit: 3, hasMore: true });
    }

    const tooMany = await get('?limit=201');
    expect(tooMany.status).toBe(400);
    expect(refused(tooMany).error).toMatch(/limit/);
  });

  it('history replies stop at historyPageMaxBytes; pages keep their newest, cursors still reach every message', async () => {
    const user = await world.user();
    const chat = await openChat(world, user);
    // Control characters are valid text and JSON writes each as a 6-byte escape: these
    // 20 messages are ~1.2 MB of JSON, over the budget.
    const escaped = '\u0001'.repeat(LIMITS.contentChars);
    const total = 22;
    for (let i = 1; i <= total; i++) {
      const content = i <= 2 ? `short ${i}` : escaped;
      expect((await restSend(world, user, 'user', { chatId: chat._id, content })).status).toBe(200);
    }
    const budget = TUNABLES.historyPageMaxBytes.value;
    const path = `/api/messages/${chat._id}`;
    const get = async (query: string) => {
      const res = replyOf(
        'GET /api/messages/:chatId',
        await api(world.server(), 'GET', path + query),
      );
      const messages = succeeded(res).messages;
      // The reply is the envelope around the messages; the messages alone are within it.
      expect(Number(res.headers.get('content-length'))).toBeLessThan(budget + 200);
      expect(Buffer.byteLength(JSON.stringify(messages))).toBeLessThanOrEqual(budget);
      return { seqs: messages.map((m) => m.seq), pagination: succeeded(res).pagination };
    };

    const page = await get('?page=1&limit=50');
    expect(page.pagination).toEqual({ page: 1, limit: 50, total, pages: 1 });
    const kept = page.seqs.length;
    expect(kept).toBeGreaterThan(1);
    expect(kept).toBeLessThan(total);
    expect(page.seqs).toEqual(Array.from({ length: kept }, (_, i) => total - kept + 1 + i));

    // Forwards from the start and backwards from the end, each as far as hasMore says.
    const forwards: number[] = [];
    for (let after = 0, more = true; more; ) {
      const read = await get(`?after=${after}&limit=200`);
      forwards.push(...read.seqs);
      after = read.seqs[read.seqs.length - 1] ?? after;
      more = 'hasMore' in read.pagination && read.pagination.hasMore;
    }
    expect(forwards).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const backwards: number[][] = [];
    for (let before = total + 1, more = true; more; ) {
      const read = await get(`?before=${before}&limit=200`);
      backwards.unshift(read.seqs);
      before = read.seqs[0] ?? before;
      more = 'hasMore' in read.pagination && read.pagination.hasMore;
    }
    expect(backwards.length).toBeGreaterThan(1);
    expect(backwards.flat()).toEqual(forwards);
  });

  it('an admin read marks user messages read, zeroes unreadCount and tells the chat room', async () => {
    const [user, admin, roomMember] = await Promise.all([
      world.user(),
      world.admin(),
      world.bystander(),
    ]);
    const chat = await openChat(world, user);
    await assignChat(world, chat, admin);
    await roomMember.emitAck('join-chat', { chatId: chat._id });
    await restSend(world, user, 'user', { chatId: chat._id, content: 'a' });
    await restSend(world, user, 'user', { chatId: chat._id, content: 'b' });
    await restSend(world, admin, 'admin', { chatId: chat._id, content: 'c' });

    const read = await api(world.server(), 'POST', '/api/messages/read', {
      chatId: chat._id,
      readerId: admin.id,
      readerType: 'admin',
    });
    expect(read.status).toBe(200);
    expect(read.body.chat).toMatchObject({ unreadCount: 0 });
    expect(await roomMember.waitFor('messages-read')).toEqual({
      chatId: chat._id,
      readerId: admin.id,
      readerType: 'admin',
    });
    const history = await fetchHistory(world.server(), chat._id);
    const { messages } = succeeded(history);
    expect(messages.map((m) => [m.senderType, m.isRead])).toEqual([
      ['user', true],
      ['user', true],
      ['admin', false],
    ]);
    expect(typeof messages[0]?.readAt).toBe('string');

    await api(world.server(), 'POST', '/api/messages/read', {
      chatId: chat._id,
      readerId: user.id,
      readerType: 'user',
    });
    const after = await fetchHistory(world.server(), chat._id);
    expect(succeeded(after).messages.every((m) => m.isRead === true)).toBe(true);
  });

  it('typing over REST reaches the chat room and stores nothing', async () => {
    const [user, roomMember, outsider] = await Promise.all([
      world.user(),
      world.bystander(),
      world.bystander(),
    ]);
    const chat = await openChat(world, user);
    await roomMember.emitAck('join-chat', { chatId: chat._id });
    const payload = { chatId: chat._id, userId: user.id, userName: user.name, isTyping: true };
    const res = await api(world.server(), 'POST', '/api/messages/typing', payload);
    expect(res.status).toBe(200);
    expect(await roomMember.waitFor('typing')).toEqual(payload);
    await quiet(ONE_NODE_QUIET_MS);
    expect(outsider.of('typing')).toHaveLength(0);
    const history = await api(world.server(), 'GET', `/api/messages/${chat._id}`);
    expect(history.body.messages).toEqual([]);
  });

  it('POST /status sets userOnline on the open chat and tells the assignee only', async () => {
    const [user, admin, otherAdmin] = await Promise.all([
      world.user(),
      world.admin(),
      world.admin(),
    ]);
    const chat = await openChat(world, user);
    await assignChat(world, chat, admin);
    const res = await api(world.server(), 'POST', '/api/status', {
      userId: user.id,
      online: false,
    });
    expect(res.status).toBe(200);
    expect(res.body.chat).toMatchObject({ _id: chat._id, userOnline: false });
    expect(await admin.client.waitFor('user-status', forChat(chat._id))).toEqual({
      chatId: chat._id,
      userId: user.id,
      online: false,
    });
    await quiet(ONE_NODE_QUIET_MS);
    expect(otherAdmin.client.of('user-status').filter(forChat(chat._id))).toHaveLength(0);
  });
});
