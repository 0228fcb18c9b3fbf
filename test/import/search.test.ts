/**
 * The v2 importer copies messages with INSERT … SELECT, not through the append: the
 * search indexes (PostgreSQL: message_search's statement trigger; SQLite: the importer's
 * own catch-up of the FTS5 index before it ends) must cover what it wrote, with no
 * rebuild, on each store: searchable as soon as the import returns, texts and names typed
 * decomposed by a query typed precomposed too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importV2 } from '../../src/import/import-v2.js';
import { api, startTestServer } from '../helpers/server.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { importLines } from './export-files.js';
import { type ExpectedChat, generateExport } from './generate-export.js';

describe.each(await storeTargets())('imported messages are searchable on $name', (target) => {
  let db: TestDatabase;
  let dir: string;
  let expected: ExpectedChat[];

  beforeAll(async () => {
    db = await target.create();
    dir = mkdtempSync(join(tmpdir(), 'import-search-'));
    expected = generateExport({
      dir,
      chats: 20,
      messagesPerChat: 12,
      chatsForm: 'array',
      messagesForm: 'lines',
      mode: 'relaxed',
    });
    await importV2({
      database: db.config,
      chatsFile: join(dir, 'chats.json'),
      messagesFile: join(dir, 'messages.json'),
    });
  }, 60_000);
  afterAll(async () => {
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds an imported message by its words and numbers right after the import', async () => {
    const server = await startTestServer(db.config);
    try {
      // "message 3 of chat 17": the dashes make it one phrase, in this order.
      const res = await api(server, 'GET', '/api/search?q=message-3-of-chat-17');
      expect(res.status).toBe(200);
      const results = res.body.results as { message?: { _id: string } }[];
      expect(results.map((r) => r.message?._id)).toEqual([expected[17]?.messageIds[3]]);
    } finally {
      await server.close();
    }
  });

  it('finds an imported text and user name typed decomposed by a query typed precomposed', async () => {
    const nfd = (s: string) => s.normalize('NFD');
    const at = { $date: '2024-01-01T00:01:00.000Z' };
    await importLines(
      db.config,
      dir,
      'decomposed',
      [
        JSON.stringify({
          _id: 'nfd-1',
          userId: 'nfd-u',
          userName: nfd('Йўлдош'),
          status: 'waiting',
          createdAt: at,
        }),
      ],
      [
        JSON.stringify({
          _id: 'nfd-m1',
          chatId: 'nfd-1',
          senderId: 'nfd-u',
          senderType: 'user',
          senderName: 'U',
          content: nfd('Щётка café'),
          createdAt: at,
        }),
      ],
    );
    const server = await startTestServer(db.config);
    try {
      const found = async (q: string) => {
        const res = await api(server, 'GET', `/api/search?q=${encodeURIComponent(q)}`);
        expect(res.status).toBe(200);
        const results = res.body.results as { chat: { _id: string }; message?: { _id: string } }[];
        return results.map((r) => r.message?._id ?? `chat:${r.chat._id}`);
      };
      expect(await found('щетка café')).toEqual(['nfd-m1']);
      expect(await found('йўлдош')).toEqual(['chat:nfd-1']);
    } finally {
      await server.close();
    }
  });
});
