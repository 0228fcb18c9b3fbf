/**
 * The v2 import sets each chat's read watermarks from the read flags as v2 left them,
 * holes included (a message unread among read ones): just below each side's oldest unread
 * message, or lastSeq when nothing is unread. So the first read after the import marks
 * every message it should, the holes too; a re-run that brings more messages moves them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEffect } from '../../src/chats/rules.js';
import { importV2 } from '../../src/import/import-v2.js';
import { openImportDatabase } from '../../src/import/open-database.js';
import type { SenderType } from '../../src/schemas/shapes.js';
import { openStore } from '../../src/store/open.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const oid = (n: number) => `65b000000000000000000${n.toString().padStart(3, '0')}`;
const at = (minute: number) => ({ $date: new Date(Date.UTC(2024, 0, 1, 0, minute)).toISOString() });
const HOLES = oid(1);
const ALL_READ = oid(2);

const chat = (id: string, userId: string) =>
  JSON.stringify({ _id: { $oid: id }, userId, userName: 'U', status: 'active', createdAt: at(0) });

let counter = 100;
/** `spec`: a letter a message: u/a/s for the sender, upper case when read; minute = place. */
const messages = (chatId: string, spec: string, firstMinute = 1) =>
  [...spec].map((letter, i) => {
    const lower = letter.toLowerCase();
    const senderType: SenderType = lower === 'u' ? 'user' : lower === 'a' ? 'admin' : 'system';
    return JSON.stringify({
      _id: { $oid: oid(counter++) },
      chatId: { $oid: chatId },
      senderId: senderType === 'user' ? 'u' : 'a',
      senderType,
      senderName: 'S',
      content: `${letter} ${i}`,
      messageType: 'text',
      isRead: letter !== lower,
      createdAt: at(firstMinute + i),
    });
  });

describe.each(await storeTargets())('v2 import read watermarks on $name', (target) => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await target.create();
    dir = mkdtempSync(join(tmpdir(), 'import-watermarks-'));
  });
  afterAll(async () => {
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const importLines = async (name: string, chats: string[], messageLines: string[]) => {
    writeFileSync(join(dir, `${name}-chats.json`), `${chats.join('\n')}\n`);
    writeFileSync(join(dir, `${name}-messages.json`), `${messageLines.join('\n')}\n`);
    return importV2({
      database: db.config,
      chatsFile: join(dir, `${name}-chats.json`),
      messagesFile: join(dir, `${name}-messages.json`),
    });
  };

  const watermarks = async () => {
    const { db: kysely, close } = await openImportDatabase(db.config);
    try {
      const rows = await kysely
        .selectFrom('chats')
        .select(['id', 'lastSeq', 'adminReadSeq', 'userReadSeq'])
        .orderBy('id')
        .execute();
      return rows.map((r) => [
        r.id,
        Number(r.lastSeq),
        Number(r.adminReadSeq),
        Number(r.userReadSeq),
      ]);
    } finally {
      await close();
    }
  };

  it('puts each watermark below the oldest unread message, or at lastSeq; the first read marks the holes', async () => {
    await importLines(
      'first',
      [chat(HOLES, 'u1'), chat(ALL_READ, 'u2')],
      [...messages(HOLES, 'UAuAUsUaU'), ...messages(ALL_READ, 'UASU')],
    );
    expect(await watermarks()).toEqual([
      [HOLES, 9, 2, 5],
      [ALL_READ, 4, 4, 4],
    ]);

    // A later export brings read messages after the hole: the watermarks stay below it.
    await importLines('second', [], messages(HOLES, 'UA', 20));
    expect(await watermarks()).toEqual([
      [HOLES, 11, 2, 5],
      [ALL_READ, 4, 4, 4],
    ]);

    const store = await openStore(db.config);
    try {
      await store.markRead(HOLES, readEffect('admin'));
      await store.markRead(HOLES, readEffect('user'));
      const { messages: stored } = await store.historyPage(HOLES, 1, 50);
      expect(stored.filter((m) => !m.isRead).map((m) => m.seq)).toEqual([]);
      expect((await store.getChat(HOLES))?.unreadCount).toBe(0);
    } finally {
      await store.close();
    }
    expect(await watermarks()).toEqual([
      [HOLES, 11, 11, 11],
      [ALL_READ, 4, 4, 4],
    ]);
  });
});
