/**
 * A user erased on the desk (DELETE /api/users/:userId) is not brought back by a later run of
 * the v2 import: their chats in the export, stored or not, are refused with their messages,
 * so no text, name or id of theirs is stored again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImportDatabase } from '../../src/import/open-database.js';
import { api, startTestServer } from '../helpers/server.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { importLines } from './export-files.js';

const at = (minute: number) => ({ $date: new Date(Date.UTC(2024, 0, 1, 0, minute)).toISOString() });
const chat = (id: string, userId: string, status = 'waiting') =>
  JSON.stringify({ _id: id, userId, userName: `Name of ${userId}`, status, createdAt: at(1) });
const message = (id: string, chatId: string, senderId: string, content: string) =>
  JSON.stringify({ _id: id, chatId, senderId, senderType: 'user', content, createdAt: at(2) });

describe.each(await storeTargets())('v2 import after an erasure on $name', (target) => {
  let db: TestDatabase;
  let dir: string;

  const importFiles = (name: string, chats: string[], messages: string[]) =>
    importLines(db.config, dir, name, chats, messages);

  beforeAll(async () => {
    db = await target.create();
    dir = mkdtempSync(join(tmpdir(), 'import-erased-'));
    await importFiles(
      'first',
      [chat('1', 'alice'), chat('3', 'bob')],
      [message('m1', '1', 'alice', 'alice here'), message('b1', '3', 'bob', 'bob here')],
    );
    const server = await startTestServer(db.config);
    try {
      const erased = await api(
        server,
        'DELETE',
        '/api/users/alice?adminId=eraser&isSuperAdmin=true',
      );
      expect(erased.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  afterAll(async () => {
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("refuses messages for the erased user's stored chat though the export lists no chat of theirs", async () => {
    const summary = await importFiles(
      'messages-only',
      [chat('5', 'dave')],
      [message('m9', '1', 'alice', 'alice once more')],
    );
    expect(summary.messages).toMatchObject({ imported: 0, rejected: 1 });
    expect(summary.reasons).toEqual([
      expect.objectContaining({ collection: 'messages', reason: 'chat-rejected', count: 1 }),
    ]);
  });

  it("refuses the erased user's chats, stored or new, with their messages; others import as before", async () => {
    const summary = await importFiles(
      'later',
      [chat('1', 'alice'), chat('2', 'alice', 'closed'), chat('3', 'bob'), chat('4', 'carol')],
      [
        message('m1', '1', 'alice', 'alice here'),
        message('m2', '1', 'alice', 'alice again'),
        message('m3', '2', 'alice', 'alice long ago'),
        message('b2', '3', 'bob', 'bob again'),
        message('c1', '4', 'carol', 'carol here'),
      ],
    );
    const reasons = Object.fromEntries(
      summary.reasons.map((r) => [`${r.collection} ${r.outcome} ${r.reason}`, r.count]),
    );
    expect(reasons).toEqual({
      'chats rejected user-erased': 2,
      'messages rejected chat-rejected': 3,
    });
    expect(summary.chats).toMatchObject({ imported: 1, skipped: 1, rejected: 2 });
    expect(summary.messages).toMatchObject({ imported: 2, skipped: 0, rejected: 3 });

    const { db: kysely, close } = await openImportDatabase(db.config);
    try {
      const chats = await kysely.selectFrom('chats').select(['id', 'userId', 'userName']).execute();
      expect(chats.filter((c) => c.userId === 'alice' || c.userName.includes('alice'))).toEqual([]);
      const texts = await kysely.selectFrom('messages').select(['chatId', 'content']).execute();
      expect(texts.filter((m) => m.content.includes('alice'))).toEqual([]);
    } finally {
      await close();
    }
  });
});
