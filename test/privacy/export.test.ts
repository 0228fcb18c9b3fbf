/**
 * GET /api/users/:userId/export on each store: the document matches its documented schema
 * exactly; a superadmin's holds every chat with its messages in seq order, attachments'
 * metadata and download paths, rating, context, labels and notes; the user's own has no
 * notes and no labels; others are refused. A user with 10,000 messages is exported and
 * erased in bounded time.
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { openImportDatabase } from '../../src/import/open-database.js';
import { UserExportReply } from '../../src/schemas/replies.js';
import { ERASED_TEXT } from '../../src/store/privacy.js';
import { TUNABLES } from '../../src/tunables.js';
import { seedClosedChats, seedLongChat } from '../helpers/bulk-seed.js';
import { expectCutShort } from '../helpers/cut-download.js';
import { api, startTestServer } from '../helpers/server.js';
import { storeTargets } from '../helpers/stores.js';
import { JWT_ENV, signToken } from '../helpers/tokens.js';
import { download, upload, uploaded } from '../helpers/uploads.js';
import { useWorld } from '../helpers/world.js';

const AS_SUPER = '?adminId=exporter&isSuperAdmin=true';
/** Seeds, scans or purges thousands of rows: up to 10 s on a machine shared by other workers. */
const HEAVY_TEST_MS = 90_000;

const ExportDocument = UserExportReply.extend({ success: UserExportReply.shape.withNotes });

/** The export as JSON, checked against its documented schema as test servers check every reply. */
async function exported(url: string, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}${path}`, { headers });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`export: ${res.status} ${text}`);
  const json: unknown = JSON.parse(text);
  const body = ExportDocument.parse(json);
  expect(
    isDeepStrictEqual(JSON.parse(JSON.stringify(body)), json),
    'no field beyond the schema',
  ).toBe(true);
  return { body, contentType: res.headers.get('content-type') };
}

describe.each(await storeTargets())('export on $name', (target) => {
  const world = useWorld(target);

  it("a superadmin's export holds the user's chats, messages in seq order, attachments, rating, context, labels and notes", async () => {
    const server = world.server();
    const userId = world.uid('exp-user');
    const user = { senderId: userId, senderType: 'user', senderName: 'Olim' };
    const first = await api(server, 'POST', '/api/chats', { userId, userName: 'Olim' });
    const chatId = (first.body.chat as { _id: string })._id;
    for (const content of ['one', 'two', 'three']) {
      expect(
        (await api(server, 'POST', '/api/messages', { ...user, chatId, content })).status,
      ).toBe(200);
    }
    const file = uploaded(
      await upload(server, {
        bytes: 'receipt',
        name: 'receipt.txt',
        type: 'text/plain',
        fields: { ...user, chatId },
      }),
    );
    const sent = await api(server, 'POST', '/api/messages', {
      ...user,
      chatId,
      content: '',
      attachmentId: file.id,
    });
    expect(sent.status).toBe(200);
    const note = await api(server, 'POST', '/api/messages', {
      chatId,
      senderId: 'exp-admin',
      senderType: 'admin',
      senderName: 'Ali',
      content: 'called the bank',
      internal: true,
    });
    expect(note.status).toBe(200);
    expect(
      (await api(server, 'PUT', `/api/chats/${chatId}/labels${AS_SUPER}`, { labels: ['refund'] }))
        .status,
    ).toBe(200);
    await server.store.recordCustomerContext(userId, JSON.stringify({ kyc: 'full' }));
    expect((await api(server, 'PATCH', `/api/chats/${chatId}/close`, { userId })).status).toBe(200);
    expect(
      (
        await api(server, 'POST', `/api/chats/${chatId}/rating`, {
          userId,
          score: 5,
          comment: 'fast',
        })
      ).status,
    ).toBe(200);
    const second = await api(server, 'POST', '/api/chats', { userId, userName: 'Olim' });
    const secondId = (second.body.chat as { _id: string })._id;

    const res = await exported(server.url, `/api/users/${userId}/export${AS_SUPER}`);
    expect(res.contentType).toMatch(/^application\/json/);
    const doc = res.body;
    expect(doc).toMatchObject({ success: true, userId, withNotes: true });
    expect(doc.chats.map((c) => c.chat._id).sort()).toEqual([chatId, secondId].sort());
    const chat = doc.chats.find((c) => c.chat._id === chatId);
    expect(chat?.chat).toMatchObject({
      labels: ['refund'],
      ctx: { kyc: 'full' },
      rating: { score: 5, comment: 'fast' },
    });
    expect(chat?.messages.map((m) => [m.seq, m.content])).toEqual([
      [1, 'one'],
      [2, 'two'],
      [3, 'three'],
      [4, ''],
    ]);
    const attachment = chat?.messages[3]?.attachment;
    expect(attachment).toMatchObject({
      id: file.id,
      name: 'receipt.txt',
      contentType: 'text/plain',
    });
    expect((await download(server, attachment?.url ?? '')).status).toBe(200);
    expect(chat?.notes?.map((n) => n.content)).toEqual(['called the bank']);
    expect(doc.chats.find((c) => c.chat._id === secondId)?.messages).toEqual([]);

    const recorded = await server.store.audit.list({
      action: 'user.exported',
      actorId: 'exporter',
      limit: 5,
    });
    expect(recorded.entries[0]).toMatchObject({
      chatId: null,
      details: { userId, withNotes: true },
    });
  });

  it('a HEAD is no export: nothing is read out or recorded as user.exported', async () => {
    const user = await world.user();
    await api(world.server(), 'POST', '/api/chats', { userId: user.id, userName: user.name });
    const exports = async () =>
      (
        await world.server().store.audit.list({ action: 'user.exported', limit: 200 })
      ).entries.filter((e) => e.details.userId === user.id);
    await fetch(`${world.server().url}/api/users/${user.id}/export${AS_SUPER}`, {
      method: 'HEAD',
    });
    expect(await exports()).toEqual([]);
    await exported(world.server().url, `/api/users/${user.id}/export${AS_SUPER}`);
    expect(await exports()).toHaveLength(1);
  });

  it('an unknown user is 404 USER_NOT_FOUND, a malformed id 400, a plain admin 403', async () => {
    const unknown = await api(
      world.server(),
      'GET',
      `/api/users/${world.uid('nobody')}/export${AS_SUPER}`,
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('USER_NOT_FOUND');
    const malformed = await api(
      world.server(),
      'GET',
      `/api/users/${'x'.repeat(300)}/export${AS_SUPER}`,
    );
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatch(/^userId\b/);
    const user = await world.user();
    await api(world.server(), 'POST', '/api/chats', { userId: user.id, userName: user.name });
    expect(
      (await api(world.server(), 'GET', `/api/users/${user.id}/export?adminId=plain`)).status,
    ).toBe(403);
  });

  it('a user without a chat whom an upload no message used names is exported with no chats, and recorded', async () => {
    const server = world.server();
    const userId = world.uid('exp-upload');
    uploaded(
      await upload(server, {
        bytes: 'passport',
        name: 'passport.txt',
        type: 'text/plain',
        fields: { senderId: userId, senderType: 'user', senderName: 'Olim' },
      }),
    );
    const res = await exported(server.url, `/api/users/${userId}/export${AS_SUPER}`);
    expect(res.body).toMatchObject({ userId, chats: [] });
    const recorded = await server.store.audit.list({ action: 'user.exported', limit: 200 });
    expect(recorded.entries.filter((e) => e.details.userId === userId)).toHaveLength(1);
  });

  it("the user's uploads no message carries (in no chat yet, or in their chat unsent) are in the export's uploads, each downloadable, and no one else's", async () => {
    const server = world.server();
    const userId = world.uid('exp-unsent');
    const user = { senderId: userId, senderType: 'user', senderName: 'Olim' };
    const opened = await api(server, 'POST', '/api/chats', { userId, userName: 'Olim' });
    const chatId = (opened.body.chat as { _id: string })._id;
    const send = (name: string, fields: Record<string, string>) =>
      upload(server, { bytes: name, name, type: 'text/plain', fields });
    const loose = uploaded(await send('passport.txt', user));
    const unsent = uploaded(await send('statement.txt', { ...user, chatId }));
    const sent = uploaded(await send('receipt.txt', { ...user, chatId }));
    await api(server, 'POST', '/api/messages', {
      ...user,
      chatId,
      content: '',
      attachmentId: sent.id,
    });
    const agent = { senderId: 'exp-agent', senderType: 'admin', senderName: 'Ali' };
    await api(server, 'POST', '/api/chats/assign', {
      chatId,
      adminId: 'exp-agent',
      adminName: 'Ali',
    });
    uploaded(await send('agents-draft.txt', { ...agent, chatId }));
    uploaded(await send('someone-else.txt', { ...user, senderId: `${userId}-2` }));

    const res = await exported(server.url, `/api/users/${userId}/export${AS_SUPER}`);
    expect(res.body.uploads.map((u) => u.name).sort()).toEqual(['passport.txt', 'statement.txt']);
    for (const file of res.body.uploads) {
      expect([loose.id, unsent.id]).toContain(file.id);
      const got = await download(server, file.url);
      expect(got.bytes.toString()).toBe(file.name);
    }
    // The one sent is the message's: there, not repeated.
    const messages = res.body.chats.flatMap((c) => c.messages);
    expect(messages.map((m) => m.attachment?.name)).toEqual(['receipt.txt']);
  });

  it("an admin's unsent upload in another customer's chat is not in the export of a user who has the admin's id", async () => {
    const server = world.server();
    const userId = world.uid('exp-shared-id');
    const user = { senderId: userId, senderType: 'user', senderName: 'Olim' };
    const send = (name: string, fields: Record<string, string>) =>
      upload(server, { bytes: name, name, type: 'text/plain', fields });
    uploaded(await send('passport.txt', user));
    // Another customer's chat, taken by an admin whose id is the user's.
    const customer = world.uid('exp-customer');
    const theirs = await api(server, 'POST', '/api/chats', { userId: customer, userName: 'Zara' });
    const chatId = (theirs.body.chat as { _id: string })._id;
    await api(server, 'POST', '/api/chats/assign', { chatId, adminId: userId, adminName: 'Ali' });
    const admin = { senderId: userId, senderType: 'admin', senderName: 'Ali' };
    uploaded(await send('zaras-contract.txt', { ...admin, chatId }));

    const res = await exported(server.url, `/api/users/${userId}/export${AS_SUPER}`);
    expect(res.body.uploads.map((u) => u.name)).toEqual(['passport.txt']);
  });

  it('a user whose chats retention deleted, named by their audit entries, is exported with no chats; once erased, 404', async () => {
    const db = await target.create();
    const server = await startTestServer(db.config);
    const userId = 'exp-purged';
    try {
      const opened = await api(server, 'POST', '/api/chats', { userId, userName: 'Olim' });
      const chatId = (opened.body.chat as { _id: string })._id;
      expect((await api(server, 'PATCH', `/api/chats/${chatId}/close`, { userId })).status).toBe(
        200,
      );
      const purged = await server.store.privacy.purgeClosedBefore(
        new Date(Date.now() + 60_000).toISOString(),
        100,
      );
      expect(purged.chats).toBe(1);
      const res = await exported(server.url, `/api/users/${userId}/export${AS_SUPER}`);
      expect(res.body).toMatchObject({ userId, chats: [] });
      const erased = await api(server, 'DELETE', `/api/users/${userId}${AS_SUPER}`);
      expect(erased.status, JSON.stringify(erased.body)).toBe(200);
      const after = await api(server, 'GET', `/api/users/${userId}/export${AS_SUPER}`);
      expect(after.status).toBe(404);
      expect(after.body.code).toBe('USER_NOT_FOUND');
    } finally {
      await server.close();
      await db.drop();
    }
  });

  it('cuts the reply short, never a document that looks whole, when retention deletes a chat while it streams', async () => {
    const db = await target.create();
    await seedClosedChats(db.config, {
      prefix: 'exp-racing',
      count: 1,
      messages: TUNABLES.exportPageMessages.value * 3,
      closedAt: '2025-01-01T00:00:00.000Z',
    });
    const server = await startTestServer(db.config);
    const read = server.store.historyCursor.bind(server.store);
    let purged = false;
    const spy = vi.spyOn(server.store, 'historyCursor').mockImplementation(async (id, cursor) => {
      const page = await read(id, cursor);
      if (!purged) {
        purged = true;
        await server.store.privacy.purgeClosedBefore('2026-01-01T00:00:00.000Z', 10);
      }
      return page;
    });
    try {
      const url = `${server.url}/api/users/exp-racing-user-1/export${AS_SUPER}`;
      await expectCutShort(url, 'json', () => purged);
    } finally {
      spy.mockRestore();
      await server.close();
      await db.drop();
    }
  });

  it('cuts the reply short, never a chat without its last notes that looks whole, when retention deletes it while its notes stream', async () => {
    const db = await target.create();
    await seedClosedChats(db.config, {
      prefix: 'exp-noting',
      count: 1,
      messages: 2,
      closedAt: '2025-01-01T00:00:00.000Z',
    });
    // A page of notes and one more: retention deletes the chat between the two pages.
    const seeded = await openImportDatabase(db.config);
    await seeded.db
      .insertInto('notes')
      .values(
        Array.from({ length: TUNABLES.exportPageMessages.value + 1 }, (_, i) => ({
          id: `exp-noting-n${i}`,
          chatId: 'exp-noting-1',
          afterSeq: 2,
          senderId: 'seed-admin',
          senderName: 'Seed admin',
          content: `note ${i}`,
          clientMessageId: null,
          createdAt: '2025-01-01T00:00:00.000Z',
        })),
      )
      .execute();
    await seeded.close();
    const server = await startTestServer(db.config);
    const read = server.store.privacy.notesAfter.bind(server.store.privacy);
    let reads = 0;
    const spy = vi
      .spyOn(server.store.privacy, 'notesAfter')
      .mockImplementation(async (chatId, after, limit) => {
        if (++reads === 2)
          await server.store.privacy.purgeClosedBefore('2026-01-01T00:00:00.000Z', 10);
        return read(chatId, after, limit);
      });
    try {
      const url = `${server.url}/api/users/exp-noting-user-1/export${AS_SUPER}`;
      await expectCutShort(url, 'json', () => reads === 2);
    } finally {
      spy.mockRestore();
      await server.close();
      await db.drop();
    }
  });

  it(
    'a user with 10,000 messages is exported and erased in bounded time',
    async () => {
      const db = await target.create();
      const userId = 'long-user';
      await seedLongChat(db.config, userId, 10_000);
      const server = await startTestServer(db.config);
      try {
        let started = performance.now();
        const res = await exported(server.url, `/api/users/${userId}/export${AS_SUPER}`);
        const exportMs = performance.now() - started;
        const messages = res.body.chats[0]?.messages ?? [];
        expect(messages).toHaveLength(10_000);
        expect(messages.every((m, i) => m.seq === i + 1)).toBe(true);
        started = performance.now();
        const erased = await api(server, 'DELETE', `/api/users/${userId}${AS_SUPER}`);
        const eraseMs = performance.now() - started;
        expect(erased.status, JSON.stringify(erased.body)).toBe(200);
        expect(erased.body).toMatchObject({ chats: 1, messages: 10_000 });
        const chatId = res.body.chats[0]?.chat._id ?? '';
        const last = await api(server, 'GET', `/api/messages/${chatId}?before=10001&limit=5`);
        expect((last.body.messages as { content: string }[]).map((m) => m.content)).toEqual(
          Array(5).fill(ERASED_TEXT),
        );
        console.info(
          `10,000 messages on ${target.name}: export ${Math.round(exportMs)} ms, erasure ${Math.round(eraseMs)} ms (wall time, shared machine)`,
        );
        // Bounded: far under the request timeout on a busy machine.
        expect(exportMs).toBeLessThan(20_000);
        expect(eraseMs).toBeLessThan(20_000);
      } finally {
        await server.close();
        await db.drop();
      }
    },
    HEAVY_TEST_MS,
  );
});

describe('export with tokens', async () => {
  const [sqlite] = await storeTargets();
  if (!sqlite) throw new Error('the embedded store is always a target');
  const world = useWorld(sqlite, JWT_ENV);
  const bearer = async (sub: string, role: 'user' | 'admin' | 'superadmin') => ({
    authorization: `Bearer ${await signToken(sub, role)}`,
  });

  it('the user exports themself without notes or labels; other users and admins 403, no token 401, superadmins 200 with notes', async () => {
    const userId = world.uid('tok-exp');
    const headers = await bearer(userId, 'user');
    const opened = await api(
      world.server(),
      'POST',
      '/api/chats',
      { userId, userName: 'U' },
      { headers },
    );
    const chatId = (opened.body.chat as { _id: string })._id;
    const superadmin = await bearer('tok-super', 'superadmin');
    await api(
      world.server(),
      'POST',
      '/api/messages',
      { chatId, senderId: userId, senderType: 'user', senderName: 'U', content: 'hi' },
      { headers },
    );
    await api(
      world.server(),
      'PUT',
      `/api/chats/${chatId}/labels`,
      { labels: ['vip'] },
      { headers: superadmin },
    );
    const note = await api(
      world.server(),
      'POST',
      '/api/messages',
      {
        chatId,
        senderId: 'tok-super',
        senderType: 'admin',
        senderName: 'S',
        content: 'internal',
        internal: true,
      },
      { headers: superadmin },
    );
    expect(note.status, JSON.stringify(note.body)).toBe(200);

    const own = await exported(world.server().url, `/api/users/${userId}/export`, headers);
    expect(own.body.withNotes).toBe(false);
    expect(own.body.chats[0]?.notes).toBeUndefined();
    expect(own.body.chats[0]?.chat.labels).toBeUndefined();
    expect(own.body.chats[0]?.messages.map((m) => m.content)).toEqual(['hi']);

    expect((await api(world.server(), 'GET', `/api/users/${userId}/export`)).status).toBe(401);
    for (const [sub, role] of [
      ['tok-other', 'user'],
      ['tok-admin', 'admin'],
    ] as const) {
      const res = await api(world.server(), 'GET', `/api/users/${userId}/export`, undefined, {
        headers: await bearer(sub, role),
      });
      expect(res.status).toBe(403);
    }
    const full = await exported(world.server().url, `/api/users/${userId}/export`, superadmin);
    expect(full.body.chats[0]?.notes?.map((n) => n.content)).toEqual(['internal']);
    expect(full.body.chats[0]?.chat.labels).toEqual(['vip']);
  });
});
