/**
 * Chat labels over REST and Socket.io, on each store: an admin who may view a chat sets
 * its whole set (trimmed, repeats dropped case-insensitively), every admin hears
 * `chat-labels`, the admins' chat objects carry them and `GET /api/chats/all?label=`
 * filters by them; users never get them, in any reply; bad input is a 400 naming the rule.
 */
import { describe, expect, it } from 'vitest';
import type { Chat } from '../../src/schemas/shapes.js';
import { assignChat, fetchUserChats, openChat, restSend } from '../helpers/flows.js';
import { ONE_NODE_QUIET_MS, quiet } from '../helpers/quiet.js';
import { api, refused, replyOf, request, succeeded } from '../helpers/server.js';
import { accepted } from '../helpers/sockets.js';
import { storeTargets } from '../helpers/stores.js';
import { useWorld } from '../helpers/world.js';

describe.each(await storeTargets())('chat labels on $name', (target) => {
  const world = useWorld(target);

  const setLabels = (chatId: string, adminId: string, labels: unknown, superadmin = false) =>
    api(
      world.server(),
      'PUT',
      `/api/chats/${chatId}/labels?adminId=${adminId}&isSuperAdmin=${superadmin}`,
      { labels },
    ).then((res) => replyOf('PUT /api/chats/:chatId/labels', res));

  it('sets the whole set, trimmed and without repeats, and tells every admin', async () => {
    const [user, admin, watcher] = await Promise.all([world.user(), world.admin(), world.admin()]);
    const chat = await openChat(world, user);
    await assignChat(world, chat, admin);
    const res = await setLabels(chat._id, admin.id, ['  Refund ', 'KYC', 'refund', 'kyc ']);
    expect(res.status).toBe(200);
    expect(succeeded(res).chat).toMatchObject({ _id: chat._id, labels: ['Refund', 'KYC'] });
    const heard = await watcher.client.waitFor('chat-labels', (p) => p.chatId === chat._id);
    expect(heard).toEqual({ chatId: chat._id, labels: ['Refund', 'KYC'] });
    // Replaced, not added to.
    expect(succeeded(await setLabels(chat._id, admin.id, ['vip'])).chat.labels).toEqual(['vip']);
    expect(succeeded(await setLabels(chat._id, admin.id, [])).chat.labels).toEqual([]);
    // Each set is in the chat's audit chain, with who set what.
    const audit = succeeded(
      await request(world.server(), 'GET /api/audit', {
        query: { chatId: chat._id, action: 'chat.labelled' },
      }),
    ).entries;
    expect(audit.map((e) => e.details.labels)).toEqual(['[]', '["vip"]', '["Refund","KYC"]']);
    expect(audit[0]?.actor).toMatchObject({ id: admin.id, role: 'admin' });
  });

  it("carries the labels on every chat object an admin gets: lists and the chats' events", async () => {
    const [user, admin] = await Promise.all([world.user(), world.admin()]);
    const chat = await openChat(world, user);
    succeeded(await setLabels(chat._id, admin.id, ['waiting-label']));
    const queue = succeeded(
      await request(world.server(), 'GET /api/chats/waiting', { query: { adminId: admin.id } }),
    ).chats;
    expect(queue.find((c) => c._id === chat._id)?.labels).toEqual(['waiting-label']);
    // A user's message tells the admins with the chat, labels and all.
    await restSend(world, user, 'user', { chatId: chat._id, content: 'hello' });
    const note = await admin.client.waitFor('message-notification', (p) => p.chatId === chat._id);
    expect(note.chat?.labels).toEqual(['waiting-label']);
    await assignChat(world, chat, admin);
    const mine = succeeded(
      await request(world.server(), 'GET /api/chats/admin/:adminId', {
        params: { adminId: admin.id },
      }),
    ).chats;
    expect(mine.find((c) => c._id === chat._id)?.labels).toEqual(['waiting-label']);
    const all = succeeded(
      await request(world.server(), 'GET /api/chats/all', {
        query: { label: 'WAITING-LABEL' },
      }),
    ).chats;
    expect(all.map((c) => c._id)).toEqual([chat._id]);
  });

  it('filters GET /api/chats/all by label with the status, case not counting', async () => {
    const label = world.uid('lbl');
    const [u1, u2, u3, admin] = await Promise.all([
      world.user(),
      world.user(),
      world.user(),
      world.admin({ superadmin: true }),
    ]);
    const [a, b, c] = await Promise.all([
      openChat(world, u1),
      openChat(world, u2),
      openChat(world, u3),
    ]);
    succeeded(await setLabels(a._id, admin.id, [label], true));
    succeeded(await setLabels(b._id, admin.id, [label.toUpperCase(), 'other'], true));
    succeeded(await setLabels(c._id, admin.id, ['other'], true));
    await assignChat(world, b, admin);
    const ids = async (query: { label: string; status?: 'waiting' | 'active' }) =>
      succeeded(await request(world.server(), 'GET /api/chats/all', { query }))
        .chats.map((x) => x._id)
        .sort();
    expect(await ids({ label })).toEqual([a._id, b._id].sort());
    expect(await ids({ label, status: 'active' })).toEqual([b._id]);
    expect(await ids({ label: `  ${label}  ` })).toEqual([a._id, b._id].sort());
    const blank = await api(world.server(), 'GET', '/api/chats/all?label=%20');
    expect(blank.status).toBe(400);
  });

  it('never gives a user the labels: open, list, join, send, read, close, rate', async () => {
    const [user, admin] = await Promise.all([world.user(), world.admin()]);
    const chat = await openChat(world, user);
    await assignChat(world, chat, admin);
    succeeded(await setLabels(chat._id, admin.id, ['angry', 'fraud-check']));
    const seen: Chat[] = [];
    seen.push(
      succeeded(
        await request(world.server(), 'POST /api/chats', {
          body: { userId: user.id, userName: user.name },
        }),
      ).chat,
    );
    seen.push(...succeeded(await fetchUserChats(world.server(), user.id)).chats);
    const joined = accepted(
      await user.client.emitAck('join-user', { userId: user.id, userName: user.name }),
    ).chat;
    if (joined) seen.push(joined);
    seen.push(
      succeeded(await restSend(world, user, 'user', { chatId: chat._id, content: 'hi' })).chat,
    );
    seen.push(
      accepted(await user.client.emitAck('send-message', { chatId: chat._id, content: 'again' }))
        .chat,
    );
    seen.push(
      accepted(
        await user.client.emitAck('mark-read', {
          chatId: chat._id,
          readerId: user.id,
          readerType: 'user',
        }),
      ).chat,
    );
    seen.push(
      succeeded(
        await request(world.server(), 'POST /api/status', {
          body: { userId: user.id, online: true },
        }),
      ).chat ?? chat,
    );
    seen.push(
      succeeded(
        await request(world.server(), 'PATCH /api/chats/:chatId/close', {
          params: { chatId: chat._id },
          body: { userId: user.id },
        }),
      ).chat,
    );
    seen.push(
      succeeded(
        await request(world.server(), 'POST /api/chats/:chatId/rating', {
          params: { chatId: chat._id },
          body: { score: 4, userId: user.id },
        }),
      ).chat,
    );
    expect(seen).toHaveLength(9);
    for (const c of seen) {
      expect(c._id).toBe(chat._id);
      expect(c, String(seen.indexOf(c))).not.toHaveProperty('labels');
    }
    await quiet(ONE_NODE_QUIET_MS);
    expect(user.client.received.filter((r) => r.event === 'chat-labels')).toEqual([]);
    expect(JSON.stringify(user.client.received)).not.toContain('fraud-check');
    // The admin still gets them on the closed chat.
    expect(
      succeeded(await request(world.server(), 'GET /api/chats/all', { query: {} })).chats.find(
        (c) => c._id === chat._id,
      )?.labels,
    ).toEqual(['angry', 'fraud-check']);
  });

  it('refuses an admin who may not view the chat (403) and an unknown chat (404), changing nothing', async () => {
    const [user, holder, other, watcher] = await Promise.all([
      world.user(),
      world.admin(),
      world.admin(),
      world.admin(),
    ]);
    const chat = await openChat(world, user);
    await assignChat(world, chat, holder);
    succeeded(await setLabels(chat._id, holder.id, ['kept']));
    await watcher.client.waitFor('chat-labels', (p) => p.chatId === chat._id);
    const res = await setLabels(chat._id, other.id, ['theirs']);
    expect([res.status, refused(res).code]).toEqual([403, 'FORBIDDEN']);
    const unknown = await setLabels('0'.repeat(24), holder.id, ['x']);
    expect([unknown.status, refused(unknown).code]).toEqual([404, 'CHAT_NOT_FOUND']);
    await quiet(ONE_NODE_QUIET_MS);
    expect(watcher.client.of('chat-labels').filter((p) => p.chatId === chat._id)).toHaveLength(1);
    const mine = succeeded(
      await request(world.server(), 'GET /api/chats/admin/:adminId', {
        params: { adminId: holder.id },
      }),
    ).chats;
    expect(mine.find((c) => c._id === chat._id)?.labels).toEqual(['kept']);
  });

  it.each([
    ['not a list', 'refund', /^labels: /],
    ['an empty label', [''], /^labels\.0: must be 1 to 50 characters after trimming/],
    ['a blank label', ['ok', '   '], /^labels\.1: must be 1 to 50 characters after trimming/],
    ['a label over 50', ['x'.repeat(51)], /^labels\.0: must be 1 to 50/],
    ['a label with a line break', ['a\nb'], /^labels\.0: must not contain control/],
    ['a label with a paragraph separator', ['a\u2029b'], /^labels\.0: must not contain control/],
    ['a label with a NUL', ['a\u0000b'], /^labels\.0: must not contain a NUL/],
    ['a label with a bidi override', ['a\u202eb'], /^labels\.0: must not contain bidirectional/],
    [
      'a label of zero-width spaces',
      ['\u200b\u200b'],
      /^labels\.0: must contain a visible character/,
    ],
    [
      'a label of a joiner and a mark',
      ['\u200d\u0301'],
      /^labels\.0: must contain a visible character/,
    ],
    [
      'a label of blanks that are letters or symbols (Hangul filler, blank Braille)',
      ['\u3164\u2800'],
      /^labels\.0: must contain a visible character/,
    ],
    ['a label that is not text', [42], /^labels\.0: /],
    [
      '21 distinct labels',
      Array.from({ length: 21 }, (_, i) => `l${i}`),
      /^labels: at most 20 labels per chat/,
    ],
  ])('refuses %s with 400 naming the rule', async (_name, labels, message) => {
    const [user, admin] = await Promise.all([world.user(), world.admin()]);
    const chat = await openChat(world, user);
    await assignChat(world, chat, admin);
    const res = await setLabels(chat._id, admin.id, labels);
    expect([res.status, refused(res).code]).toEqual([400, 'VALIDATION_ERROR']);
    expect(refused(res).error).toMatch(message);
  });

  it('takes labels in any script, a symbol alone, and a word with a zero-width non-joiner in it', async () => {
    const [user, admin] = await Promise.all([world.user(), world.admin()]);
    const chat = await openChat(world, user);
    await assignChat(world, chat, admin);
    const labels = ['возврат', 'to‘lov', '💳', 'می\u200cخواهم'];
    const res = await setLabels(chat._id, admin.id, labels);
    expect(res.status).toBe(200);
    expect(succeeded(res).chat.labels).toEqual(labels);
  });

  it('takes 20 distinct labels, and 25 that are 20 once repeats are dropped', async () => {
    const [user, admin] = await Promise.all([world.user(), world.admin()]);
    const chat = await openChat(world, user);
    await assignChat(world, chat, admin);
    const twenty = Array.from({ length: 20 }, (_, i) => `l${i}`);
    const res = await setLabels(chat._id, admin.id, [...twenty, 'L0', 'L1', 'l2', 'L3', 'l4']);
    expect(succeeded(res).chat.labels).toEqual(twenty);
  });
});
