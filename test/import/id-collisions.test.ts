/**
 * An export whose ids are already stored for something else (a second v2 deployment's
 * string ids, a hand-edited export): its rows are refused, naming the stored row, and the
 * stored chat and history stay as they were. The same ids for the same things (a re-run)
 * are still skipped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openImportDatabase } from '../../src/import/open-database.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { importLines } from './export-files.js';

const at = (minute: number) => ({ $date: new Date(Date.UTC(2024, 0, 1, 0, minute)).toISOString() });

const chat = (id: string, userId: string) =>
  JSON.stringify({ _id: id, userId, userName: userId, status: 'waiting', createdAt: at(1) });

const message = (id: string, chatId: string, senderId: string, content: string) =>
  JSON.stringify({
    _id: id,
    chatId,
    senderId,
    senderType: 'user',
    senderName: senderId,
    content,
    createdAt: at(2),
  });

describe.each(await storeTargets())(
  'v2 import of ids stored for something else on $name',
  (target) => {
    let db: TestDatabase;
    let dir: string;

    const importFiles = (name: string, chats: string[], messages: string[]) =>
      importLines(db.config, dir, name, chats, messages);

    beforeAll(async () => {
      db = await target.create();
      dir = mkdtempSync(join(tmpdir(), 'import-collisions-'));
      // The first deployment: chat "1" is alice's.
      await importFiles('first', [chat('1', 'alice')], [message('m1', '1', 'alice', 'alice here')]);
    });

    afterAll(async () => {
      await db?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("refuses a chat whose id is another user's stored chat, and its messages, leaving that chat as it was", async () => {
      const summary = await importFiles(
        'second',
        [chat('1', 'carol')],
        [message('m2', '1', 'carol', 'carol here')],
      );
      expect(summary.chats).toMatchObject({ imported: 0, skipped: 0, rejected: 1 });
      expect(summary.messages).toMatchObject({ imported: 0, skipped: 0, rejected: 1 });
      const reasons = Object.fromEntries(
        summary.reasons.map((r) => [`${r.collection} ${r.reason}`, r.count]),
      );
      expect(reasons).toEqual({ 'chats id-taken': 1, 'messages chat-rejected': 1 });

      const { db: kysely, close } = await openImportDatabase(db.config);
      try {
        const history = await kysely
          .selectFrom('messages')
          .select(['senderId', 'content'])
          .where('chatId', '=', '1')
          .execute();
        expect(history).toEqual([{ senderId: 'alice', content: 'alice here' }]);
      } finally {
        await close();
      }
    });

    it('refuses a message whose id is stored in another chat, where it was counted as stored', async () => {
      const summary = await importFiles(
        'third',
        [chat('2', 'dave')],
        [message('m1', '2', 'dave', 'dave here')],
      );
      expect(summary.chats).toMatchObject({ imported: 1, rejected: 0 });
      expect(summary.messages).toMatchObject({ imported: 0, skipped: 0, rejected: 1 });
      expect(summary.reasons).toEqual([
        expect.objectContaining({ collection: 'messages', reason: 'id-taken', count: 1 }),
      ]);
    });

    it('still skips the same chat and message of the same user (a re-run)', async () => {
      const summary = await importFiles(
        'again',
        [chat('1', 'alice')],
        [message('m1', '1', 'alice', 'alice here')],
      );
      expect(summary.chats).toMatchObject({ imported: 0, skipped: 1, rejected: 0 });
      expect(summary.messages).toMatchObject({ imported: 0, skipped: 1, rejected: 0 });
    });
  },
);
