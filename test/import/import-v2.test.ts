/**
 * The v2 import at scale, on each store: 2,000 chats × 50 messages (100,000), exported in
 * mixed relaxed/canonical Extended JSON; read back directly and through the server.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importV2 } from '../../src/import/import-v2.js';
import { openImportDatabase } from '../../src/import/open-database.js';
import { fetchHistory } from '../helpers/flows.js';
import { api, startTestServer, succeeded } from '../helpers/server.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { type ExpectedChat, generateExport } from './generate-export.js';

const CHATS = 2000;
const MESSAGES_PER_CHAT = 50;
const SLOW = 60_000;

let dir: string;
let expected: ExpectedChat[];
const files = (form: string) => ({
  chatsFile: join(dir, form, 'chats.json'),
  messagesFile: join(dir, form, 'messages.json'),
});

// One export serves every store: the import only reads it.
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'import-v2-'));
  mkdirSync(join(dir, 'first'));
  mkdirSync(join(dir, 'second'));
  const size = { chats: CHATS, messagesPerChat: MESSAGES_PER_CHAT };
  // The same documents twice: chats as a JSON array and messages as JSON lines, alternating
  // relaxed and canonical; then the other way round, all canonical.
  expected = generateExport({
    dir: join(dir, 'first'),
    ...size,
    chatsForm: 'array',
    messagesForm: 'lines',
    mode: 'mixed',
  });
  generateExport({
    dir: join(dir, 'second'),
    ...size,
    chatsForm: 'lines',
    messagesForm: 'array',
    mode: 'canonical',
  });
}, SLOW);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(await storeTargets())('importing a v2 export into $name', (target) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await target.create();
  }, SLOW);

  afterAll(async () => {
    await db?.drop();
  });

  it(
    'imports every chat and message: seq 1..n by createdAt, chat fields recomputed, users offline',
    async () => {
      const summary = await importV2({ database: db.config, ...files('first') });
      expect(summary.chats).toEqual({
        imported: CHATS,
        skipped: 0,
        rejected: 0,
        importedClosed: 0,
        pastRetention: 0,
      });
      expect(summary.messages).toEqual({
        imported: CHATS * MESSAGES_PER_CHAT,
        skipped: 0,
        rejected: 0,
        pastRetention: 0,
      });
      expect(summary.reasons).toEqual([]);
      console.info(
        `[import ${target.name}] ${summary.messages.imported} messages in ${summary.seconds.toFixed(2)} s: ${Math.round(summary.messagesPerSecond)} messages/s`,
      );

      const { db: kysely, close } = await openImportDatabase(db.config);
      try {
        const chats = await kysely.selectFrom('chats').selectAll().execute();
        const messages = await kysely
          .selectFrom('messages')
          .select(['id', 'chatId', 'seq'])
          .orderBy('chatId')
          .orderBy('seq')
          .execute();
        expect(chats).toHaveLength(CHATS);
        expect(messages).toHaveLength(CHATS * MESSAGES_PER_CHAT);
        const idsByChat = new Map<string, string[]>();
        for (const m of messages) {
          const ids = idsByChat.get(m.chatId) ?? [];
          expect(Number(m.seq)).toBe(ids.length + 1);
          ids.push(m.id);
          idsByChat.set(m.chatId, ids);
        }
        const byId = new Map(chats.map((c) => [c.id, c]));
        for (const want of expected) {
          expect(idsByChat.get(want.id)).toEqual(want.messageIds);
          expect(byId.get(want.id)).toMatchObject({
            status: want.status,
            lastSeq: MESSAGES_PER_CHAT,
            unreadCount: want.unreadCount,
            lastMessage: want.lastMessage,
            lastMessageAt: want.lastMessageAt,
            userOnline: 0,
          });
        }
      } finally {
        await close();
      }
    },
    SLOW,
  );

  it(
    'a second run, on the same data exported in the other forms, imports nothing and skips all',
    async () => {
      const summary = await importV2({ database: db.config, ...files('second') });
      expect(summary.chats).toEqual({
        imported: 0,
        skipped: CHATS,
        rejected: 0,
        importedClosed: 0,
        pastRetention: 0,
      });
      expect(summary.messages).toEqual({
        imported: 0,
        skipped: CHATS * MESSAGES_PER_CHAT,
        rejected: 0,
        pastRetention: 0,
      });
    },
    SLOW,
  );

  it('the server serves the imported history, and a new message continues at seq n + 1', async () => {
    const server = await startTestServer(db.config);
    try {
      const open = expected.find((c) => c.status === 'waiting');
      if (!open) throw new Error('the generated export has a waiting chat');
      const history = await fetchHistory(server, open.id, { after: '0', limit: '200' });
      expect(history.status).toBe(200);
      const page = succeeded(history).messages;
      expect(page.map((m) => m._id)).toEqual(open.messageIds);
      expect(page.map((m) => m.seq)).toEqual(open.messageIds.map((_, i) => i + 1));

      const listed = await api(server, 'GET', `/api/chats/user/${open.userId}`);
      expect(listed.body.chats).toEqual([
        expect.objectContaining({
          _id: open.id,
          unreadCount: open.unreadCount,
          lastMessage: open.lastMessage,
          userOnline: false,
        }),
      ]);

      const sent = await api(server, 'POST', '/api/messages', {
        chatId: open.id,
        senderId: open.userId,
        senderType: 'user',
        senderName: 'User',
        content: 'after the move',
      });
      expect(sent.status).toBe(200);
      expect(sent.body.message).toMatchObject({ seq: MESSAGES_PER_CHAT + 1 });
      expect(sent.body.chat).toMatchObject({
        unreadCount: open.unreadCount + 1,
        lastMessage: 'after the move',
      });
    } finally {
      await server.close();
    }
  });
});
