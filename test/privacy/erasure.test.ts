/**
 * DELETE /api/users/:userId on each store: no text or name of the erased user is left in
 * any table (every text column scanned, PostgreSQL's search vectors too), seqs and counts
 * stay, the audit chains still verify with the user pseudonymised, the search no longer
 * finds the texts, the user's sockets are disconnected; a repeat answers 200, an unknown
 * user 404, a malformed id 400, and only superadmins may erase.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pseudonym } from '../../src/audit/chain.js';
import { verifyAudit } from '../../src/audit/verify.js';
import type { RunningServer } from '../../src/server.js';
import { openStore } from '../../src/store/open.js';
import { ERASED_TEXT } from '../../src/store/privacy.js';
import { fullHistory } from '../helpers/audit.js';
import { api, replyOf, startTestServer, succeeded } from '../helpers/server.js';
import { connectClient } from '../helpers/sockets.js';
import { storeTargets } from '../helpers/stores.js';
import { whereStored } from '../helpers/text-scan.js';
import { JWT_ENV, signToken } from '../helpers/tokens.js';
import { upload, uploaded } from '../helpers/uploads.js';
import { useWorld } from '../helpers/world.js';

const AS_SUPER = '?adminId=eraser&isSuperAdmin=true';
/** Seeds, scans or purges thousands of rows: up to 10 s on a machine shared by other workers. */
const HEAVY_TEST_MS = 90_000;

async function send(server: RunningServer, fields: Record<string, unknown>) {
  const res = await api(server, 'POST', '/api/messages', fields);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

describe.each(await storeTargets())('erasure on $name', (target) => {
  it(
    'leaves no text or name of the user in any table, keeps counts, and the audit log verifies',
    async () => {
      const db = await target.create();
      const server = await startTestServer(db.config);
      // A lowercase word: the search index keeps words lowercased.
      const marker = `zq${randomUUID().replaceAll('-', '').slice(0, 10)}`;
      const userId = `erase-${marker}`;
      const userName = `Olim ${marker}`;
      const user = { senderId: userId, senderType: 'user', senderName: userName };
      const admin = { senderId: 'er-admin', senderType: 'admin', senderName: 'Ali' };
      let closedChatId = '';
      let openChatId = '';
      let keptChatId = '';
      try {
        const socket = await connectClient(server.url);
        expect((await socket.emitAck('join-user', { userId, userName })).success).toBe(true);

        const open = async () => {
          const res = await api(server, 'POST', '/api/chats', { userId, userName });
          return (res.body.chat as { _id: string })._id;
        };
        closedChatId = await open();
        await send(server, {
          ...user,
          chatId: closedChatId,
          content: `my card ${marker} is stuck`,
          // A careless client's key made of what it knows of the user.
          clientMessageId: `${marker}-1`,
        });
        const assigned = await api(server, 'POST', '/api/chats/assign', {
          chatId: closedChatId,
          adminId: 'er-admin',
          adminName: 'Ali',
        });
        expect(assigned.status).toBe(200);
        await send(server, {
          ...admin,
          chatId: closedChatId,
          content: `Hello ${marker}, checking`,
        });
        await send(server, {
          ...admin,
          chatId: closedChatId,
          content: `customer ${marker} called twice`,
          internal: true,
        });
        const closed = await api(server, 'PATCH', `/api/chats/${closedChatId}/close`, {
          adminId: 'er-admin',
        });
        expect(closed.status).toBe(200);
        const rated = await api(server, 'POST', `/api/chats/${closedChatId}/rating`, {
          userId,
          score: 2,
          comment: `slow, ${marker}`,
        });
        expect(rated.status, JSON.stringify(rated.body)).toBe(200);

        openChatId = await open();
        await server.store.recordCustomerContext(
          userId,
          JSON.stringify({ email: `${marker}@example.com` }),
        );
        const file = uploaded(
          await upload(server, {
            bytes: `statement of ${marker}`,
            name: `${marker}.txt`,
            type: 'text/plain',
            fields: { ...user, chatId: openChatId },
          }),
        );
        await send(server, { ...user, chatId: openChatId, content: '', attachmentId: file.id });
        await send(server, { ...user, chatId: openChatId, content: `second ${marker} chat` });

        // Someone else's chat stays as it is.
        const kept = await api(server, 'POST', '/api/chats', {
          userId: 'er-other',
          userName: 'Zara',
        });
        keptChatId = (kept.body.chat as { _id: string })._id;
        await send(server, {
          senderId: 'er-other',
          senderType: 'user',
          senderName: 'Zara',
          chatId: keptChatId,
          content: 'keepsake words',
        });

        const before = await Promise.all(
          [closedChatId, openChatId].map((id) => fullHistory(server.url, id)),
        );
        const disconnected = new Promise<void>((resolve) =>
          socket.socket.once('disconnect', () => resolve()),
        );

        const res = replyOf(
          'DELETE /api/users/:userId',
          await api(server, 'DELETE', `/api/users/${userId}${AS_SUPER}`),
        );
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(succeeded(res)).toMatchObject({
          userId,
          alreadyErased: false,
          chats: 2,
          messages: 4,
          notes: 1,
          attachments: 1,
        });
        expect(succeeded(res).auditEntries).toBeGreaterThan(0);
        await disconnected;

        // Counts and seqs stay; texts and the user's names do not.
        for (const [i, chatId] of [closedChatId, openChatId].entries()) {
          const after = await fullHistory(server.url, chatId);
          expect(after.map((m) => [m.seq, m.senderType])).toEqual(
            before[i]?.map((m) => [m.seq, m.senderType]),
          );
          for (const m of after) {
            expect(m.content).toBe(ERASED_TEXT);
            if (m.senderType === 'user') expect(m.senderName).toBe(ERASED_TEXT);
          }
        }
        const chat = await server.store.getChat(closedChatId);
        expect(chat).toMatchObject({
          status: 'closed',
          userName: ERASED_TEXT,
          rating: { score: 2, comment: ERASED_TEXT },
        });
        expect((await server.store.getChat(openChatId))?.status).toBe('closed');
        expect(await fullHistory(server.url, keptChatId)).toMatchObject([
          { content: 'keepsake words' },
        ]);
        const download = await fetch(`${server.url}${file.url}`);
        expect(download.status).toBe(404);

        // The search finds nothing of it (SQLite's indexer catches up within 2 s).
        await server.store.indexSearch(1000);
        const searched = await api(server, 'GET', `/api/search?q=${marker}`);
        expect(searched.status).toBe(200);
        expect(searched.body.results).toEqual([]);

        const again = replyOf(
          'DELETE /api/users/:userId',
          await api(server, 'DELETE', `/api/users/${userId}${AS_SUPER}`),
        );
        expect(again.status).toBe(200);
        expect(succeeded(again)).toMatchObject({ alreadyErased: true, chats: 0, messages: 0 });
      } finally {
        await server.close();
      }
      expect(await whereStored(db.config, [marker])).toEqual([]);
      // The scan finds what is there: the other user's text, in the messages and the index.
      expect(await whereStored(db.config, ['keepsake'])).toContain('messages.content has keepsake');
      const store = await openStore(db.config);
      try {
        const verified = await verifyAudit(store.audit);
        expect(verified.ok, JSON.stringify(verified)).toBe(true);
        const key = await store.audit.key();
        const sealed = pseudonym(key, userId);
        const byUser = await store.audit.list({ actorId: sealed, limit: 50 });
        expect(byUser.entries.map((e) => e.action)).toContain('chat.rated');
        const erased = await store.audit.list({ action: 'user.erased', limit: 5 });
        expect(erased.entries[0]?.details).toMatchObject({ userId: sealed, chats: 2, messages: 4 });
        const opened = await store.audit.list({
          chatId: closedChatId,
          action: 'chat.opened',
          limit: 1,
        });
        expect(opened.entries[0]?.details).toEqual({
          userId: sealed,
          userName: pseudonym(key, userName),
        });
        expect(await store.privacy.wasErased(userId)).toBe(true);
      } finally {
        await store.close();
        await db.drop();
      }
    },
    HEAVY_TEST_MS,
  );
});

describe.each(await storeTargets())('erasure refusals on $name', (target) => {
  const world = useWorld(target);

  it('an unknown user is 404 USER_NOT_FOUND, a malformed id 400 naming it', async () => {
    const unknown = await api(
      world.server(),
      'DELETE',
      `/api/users/nobody-${randomUUID()}${AS_SUPER}`,
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('USER_NOT_FOUND');
    const malformed = await api(
      world.server(),
      'DELETE',
      `/api/users/${'x'.repeat(300)}${AS_SUPER}`,
    );
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatch(/^userId\b/);
  });

  it("an erased user's pseudonym is no one to erase again, nor to act as", async () => {
    const server = world.server();
    const userId = world.uid('pseudo');
    const opened = await api(server, 'POST', '/api/chats', { userId, userName: 'P' });
    const chatId = (opened.body.chat as { _id: string })._id;
    await send(server, {
      senderId: userId,
      senderType: 'user',
      senderName: 'P',
      chatId,
      content: 'hi',
    });
    expect((await api(server, 'DELETE', `/api/users/${userId}${AS_SUPER}`)).status).toBe(200);
    const sealed = (await server.store.getChat(chatId))?.userId ?? '';
    expect(sealed).toMatch(/^erased:[0-9a-f]{32}$/);
    const erasures = async () =>
      (await server.store.audit.list({ action: 'user.erased', limit: 200 })).entries.filter(
        (e) => e.details.userId === sealed,
      ).length;
    expect(await erasures()).toBe(1);
    // A DELETE naming the pseudonym finds its person erased: nothing again, no second entry.
    const again = await api(server, 'DELETE', `/api/users/${sealed}${AS_SUPER}`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ alreadyErased: true, chats: 0, messages: 0 });
    expect(await erasures()).toBe(1);
    const unknown = await api(server, 'DELETE', `/api/users/erased:${'ab'.repeat(16)}${AS_SUPER}`);
    expect(unknown.status).toBe(404);
    // Nor does anyone write as it (AUTH_MODE=none believes payloads; a token is refused).
    const posing = await api(server, 'POST', '/api/chats', { userId: sealed, userName: 'P' });
    expect(posing.status).toBe(400);
    expect(posing.body.error).toMatch(/pseudonym/);
  });

  it('an admin who is not a superadmin is refused, and nothing changes', async () => {
    const user = await world.user();
    const res = await api(world.server(), 'POST', '/api/chats', {
      userId: user.id,
      userName: user.name,
    });
    const chatId = (res.body.chat as { _id: string })._id;
    const refused = await api(world.server(), 'DELETE', `/api/users/${user.id}?adminId=plain`);
    expect(refused.status).toBe(403);
    expect((await world.server().store.getChat(chatId))?.userName).toBe(user.name);
  });
});

describe('erasure with tokens', async () => {
  const [sqlite] = await storeTargets();
  if (!sqlite) throw new Error('the embedded store is always a target');
  const world = useWorld(sqlite, JWT_ENV);

  it('answers 401 without a token, 403 to the user and admins, 200 to superadmins', async () => {
    const userId = world.uid('tok-user');
    const token = await signToken(userId, 'user');
    const opened = await api(
      world.server(),
      'POST',
      '/api/chats',
      { userId, userName: 'U' },
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    expect(opened.status).toBe(200);
    expect((await api(world.server(), 'DELETE', `/api/users/${userId}`)).status).toBe(401);
    for (const [sub, role] of [
      [userId, 'user'],
      ['tok-admin', 'admin'],
    ] as const) {
      const res = await api(world.server(), 'DELETE', `/api/users/${userId}`, undefined, {
        headers: { authorization: `Bearer ${await signToken(sub, role)}` },
      });
      expect(res.status).toBe(403);
    }
    const res = await api(world.server(), 'DELETE', `/api/users/${userId}`, undefined, {
      headers: { authorization: `Bearer ${await signToken('tok-super', 'superadmin')}` },
    });
    expect(res.status).toBe(200);
  });
});
