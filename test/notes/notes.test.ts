import { describe, expect, it } from 'vitest';
import { assignChat, fetchHistory, forChat, openChat, restSend } from '../helpers/flows.js';
import { ONE_NODE_QUIET_MS, quiet } from '../helpers/quiet.js';
import { api, noteReplyOf, refused, replyOf, succeeded } from '../helpers/server.js';
import { accepted, failed } from '../helpers/sockets.js';
import { storeTargets } from '../helpers/stores.js';
import { useWorld } from '../helpers/world.js';

describe.each(await storeTargets())('internal notes on $name', (target) => {
  const world = useWorld(target);

  /** A chat with `messages` user messages, assigned to `admin`. */
  async function chatWith(messages: number) {
    const [user, admin] = await Promise.all([world.user(), world.admin()]);
    const chat = await openChat(world, user);
    await assignChat(world, chat, admin);
    await user.client.emitAck('join-chat', { chatId: chat._id });
    for (let i = 1; i <= messages; i++) {
      await restSend(world, user, 'user', { chatId: chat._id, content: `m${i}` });
    }
    return { user, admin, chat };
  }

  it('an admin writes a note: stored after the last seq, takes no seq, leaves the chat alone, reaches admins only', async () => {
    const { user, admin, chat } = await chatWith(2);
    const [superadmin, bystander] = await Promise.all([
      world.admin({ superadmin: true }),
      world.bystander(),
    ]);
    await superadmin.client.emitAck('join-chat', { chatId: chat._id });
    await bystander.emitAck('join-chat', { chatId: chat._id });
    const before = await world.server().store.getChat(chat._id);

    const ack = accepted(
      await admin.client.emitAck('send-message', {
        chatId: chat._id,
        content: 'Refund asked for; bank answers in 2 days',
        internal: true,
      }),
    );
    expect(ack.note).toMatchObject({
      chatId: chat._id,
      afterSeq: 2,
      senderId: admin.id,
      senderName: admin.name,
      content: 'Refund asked for; bank answers in 2 days',
    });
    expect(ack.note._id).toMatch(/^[0-9a-f]{24}$/);
    expect(Object.keys(ack.note).sort()).toEqual(
      ['_id', 'afterSeq', 'chatId', 'content', 'createdAt', 'senderId', 'senderName'].sort(),
    );

    // The admin with the chat open, and the assignee (in their own room, not the chat's).
    expect(await superadmin.client.waitFor('note-added')).toEqual({
      chatId: chat._id,
      note: ack.note,
    });
    expect(await admin.client.waitFor('note-added')).toEqual({ chatId: chat._id, note: ack.note });

    const after = await world.server().store.getChat(chat._id);
    expect(after).toMatchObject({
      lastMessage: before?.lastMessage,
      unreadCount: before?.unreadCount,
      lastMessageAt: before?.lastMessageAt,
    });
    // The audit log has the note, in the chat's chain: who, which note, never its text.
    const audit = await world.server().store.audit.chainEntries(`chat:${chat._id}`, 0, 100);
    const entry = audit.find((e) => e.action === 'note.added');
    expect(entry).toMatchObject({
      actor: { id: admin.id, role: 'admin' },
      chatId: chat._id,
      details: { noteId: ack.note._id, afterSeq: 2 },
    });
    expect(JSON.stringify(entry)).not.toContain('Refund asked for');
    const next = await restSend(world, user, 'user', { chatId: chat._id, content: 'm3' });
    expect(succeeded(next).message.seq).toBe(3);

    await quiet(ONE_NODE_QUIET_MS);
    expect(user.client.of('note-added')).toEqual([]);
    expect(bystander.of('note-added')).toEqual([]);
    expect(JSON.stringify(user.client.received)).not.toContain('Refund asked for');
    expect(JSON.stringify(bystander.received)).not.toContain('Refund asked for');
  });

  it('a user (the chat user too) may not write a note, by socket or REST: 403, nothing stored', async () => {
    const { user, chat } = await chatWith(1);
    const bySocket = failed(
      await user.client.emitAck('send-message', {
        chatId: chat._id,
        content: 'a note?',
        internal: true,
      }),
    );
    expect(bySocket).toMatchObject({ code: 'FORBIDDEN', error: expect.stringMatching(/admins/) });
    const byRest = await api(world.server(), 'POST', '/api/messages', {
      chatId: chat._id,
      senderId: user.id,
      senderType: 'user',
      senderName: user.name,
      content: 'a note?',
      internal: true,
    });
    expect(byRest.status).toBe(403);
    const notes = await world.server().store.notes.inRange({
      chatId: chat._id,
      from: 0,
      to: null,
      max: 10,
    });
    expect(notes).toEqual([]);
  });

  it('an admin who may not view the chat may not write a note; a superadmin and the assignee (REST) may', async () => {
    const { admin, chat } = await chatWith(1);
    const [other, superadmin] = await Promise.all([
      world.admin(),
      world.admin({ superadmin: true }),
    ]);
    const refusedNote = failed(
      await other.client.emitAck('send-message', {
        chatId: chat._id,
        content: 'x',
        internal: true,
      }),
    );
    expect(refusedNote.code).toBe('FORBIDDEN');
    const bySuperadmin = accepted(
      await superadmin.client.emitAck('send-message', {
        chatId: chat._id,
        content: 'seen by a lead',
        internal: true,
      }),
    );
    expect(bySuperadmin.note).toMatchObject({ senderId: superadmin.id, afterSeq: 1 });
    const byRest = noteReplyOf(
      await api(world.server(), 'POST', '/api/messages', {
        chatId: chat._id,
        senderId: admin.id,
        senderType: 'admin',
        senderName: admin.name,
        content: 'checked by a lead',
        internal: true,
      }),
    );
    expect(byRest.status).toBe(200);
    expect(succeeded(byRest).note).toMatchObject({ afterSeq: 1, content: 'checked by a lead' });
  });

  it('a note is text: empty, a file, no chatId or a NUL are 400 naming the problem', async () => {
    const { admin, chat } = await chatWith(0);
    const send = (fields: Record<string, unknown>) =>
      admin.client.emitAck('send-message', { chatId: chat._id, internal: true, ...fields });
    expect(failed(await send({ content: '  ' }))).toMatchObject({
      code: 'VALIDATION_ERROR',
      error: expect.stringMatching(/^content:/),
    });
    expect(failed(await send({ content: 'x', attachmentId: 'a'.repeat(24) })).error).toMatch(
      /^internal: .*text only/,
    );
    expect(failed(await send({ content: 'x', messageType: 'image' })).error).toMatch(/^internal:/);
    expect(failed(await send({ content: 'x', fileUrl: 'https://x.test/a.png' })).error).toMatch(
      /^internal:/,
    );
    expect(failed(await send({ content: 'a\u0000b' })).error).toMatch(/^content:/);
    expect(failed(await send({ content: 'x'.repeat(10_001) })).error).toMatch(/^content:/);
    expect(failed(await send({ content: 'x', internal: 'yes' })).error).toMatch(/^internal:/);
    const noChat = failed(
      await admin.client.emitAck('send-message', { content: 'x', internal: true }),
    );
    expect(noChat).toMatchObject({
      code: 'VALIDATION_ERROR',
      error: expect.stringMatching(/chatId/),
    });
    const unknown = failed(await send({ chatId: 'f'.repeat(24), content: 'x' }));
    expect(unknown.code).toBe('CHAT_NOT_FOUND');
  });

  it("a card number in a note is masked before it is stored or sent, as in a message's content", async () => {
    const { admin, chat } = await chatWith(1);
    const ack = accepted(
      await admin.client.emitAck('send-message', {
        chatId: chat._id,
        content: 'customer card 4111 1111 1111 1111',
        internal: true,
      }),
    );
    expect(ack.note.content).toBe('customer card 4111 11** **** 1111');
    const stored = await world.server().store.notes.inRange({
      chatId: chat._id,
      from: 0,
      to: null,
      max: 10,
    });
    expect(stored.map((n) => n.content)).toEqual(['customer card 4111 11** **** 1111']);
  });

  it('a retried clientMessageId stores one note and announces it once', async () => {
    const { admin, chat } = await chatWith(1);
    const watcher = await world.admin({ superadmin: true });
    await watcher.client.emitAck('join-chat', { chatId: chat._id });
    const send = () =>
      admin.client.emitAck('send-message', {
        chatId: chat._id,
        content: 'once',
        clientMessageId: 'n-1',
        internal: true,
      });
    const first = accepted(await send());
    const second = accepted(await send());
    expect(second.note).toEqual(first.note);
    await quiet(ONE_NODE_QUIET_MS);
    expect(watcher.client.of('note-added')).toHaveLength(1);
    const other = await world.admin({ superadmin: true });
    const taken = failed(
      await other.client.emitAck('send-message', {
        chatId: chat._id,
        content: 'mine',
        clientMessageId: 'n-1',
        internal: true,
      }),
    );
    expect(taken.code).toBe('CLIENT_MESSAGE_ID_TAKEN');
  });

  it('history: notes only with includeNotes=1, in a separate array, each page with the notes among its messages', async () => {
    const { user, admin, chat } = await chatWith(0);
    const note = async (content: string) =>
      accepted(
        await admin.client.emitAck('send-message', { chatId: chat._id, content, internal: true }),
      ).note;
    const n0 = await note('before any message');
    for (let i = 1; i <= 4; i++) {
      await restSend(world, user, 'user', { chatId: chat._id, content: `m${i}` });
      if (i === 2) await note('after m2');
    }
    const n4 = await note('after m4');
    const all = succeeded(await fetchHistory(world.server(), chat._id, { includeNotes: '1' }));
    expect(all.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(all.notes?.map((n) => [n.afterSeq, n.content])).toEqual([
      [0, 'before any message'],
      [2, 'after m2'],
      [4, 'after m4'],
    ]);
    expect(all.notes?.[0]).toEqual(n0);
    expect(all.notes?.[2]).toEqual(n4);

    const plain = succeeded(await fetchHistory(world.server(), chat._id));
    expect(plain).not.toHaveProperty('notes');
    expect(JSON.stringify(plain)).not.toContain('after m2');

    const afterSeqs = async (query: Record<string, string>) =>
      succeeded(
        await fetchHistory(world.server(), chat._id, { ...query, includeNotes: '1' }),
      ).notes?.map((n) => n.afterSeq);
    // v2 pages of 2: page 1 is m3–m4 (and what follows), page 2 is m1–m2 (and what precedes).
    expect(await afterSeqs({ page: '1', limit: '2' })).toEqual([4]);
    expect(await afterSeqs({ page: '2', limit: '2' })).toEqual([0, 2]);
    expect(await afterSeqs({ page: '3', limit: '2' })).toEqual([]);
    // Cursors: before=3 is m1–m2; after=2 is m3–m4, from the cursor's own seq on.
    expect(await afterSeqs({ before: '3', limit: '2' })).toEqual([0, 2]);
    expect(await afterSeqs({ before: '4', limit: '2' })).toEqual([2]);
    expect(await afterSeqs({ after: '2', limit: '2' })).toEqual([2, 4]);
    expect(await afterSeqs({ after: '4' })).toEqual([4]);
    expect(await afterSeqs({ after: '0', limit: '1' })).toEqual([0]);
  });

  it('history: includeNotes is a 400 when it is not 0/1/true/false', async () => {
    const { chat } = await chatWith(0);
    const res = await api(world.server(), 'GET', `/api/messages/${chat._id}?includeNotes=yes`);
    expect(res.status).toBe(400);
    expect(refused(replyOf('GET /api/messages/:chatId', res)).error).toMatch(/^includeNotes:/);
  });

  it('the assignee hears of a note in their own room without the chat open; others not', async () => {
    const { admin, chat } = await chatWith(1);
    const [writer, idle] = await Promise.all([world.admin({ superadmin: true }), world.admin()]);
    const ack = accepted(
      await writer.client.emitAck('send-message', {
        chatId: chat._id,
        content: 'for the assignee',
        internal: true,
      }),
    );
    expect(await admin.client.waitFor('note-added', forChat(chat._id))).toEqual({
      chatId: chat._id,
      note: ack.note,
    });
    await quiet(ONE_NODE_QUIET_MS);
    expect(idle.client.of('note-added')).toEqual([]);
  });
});
