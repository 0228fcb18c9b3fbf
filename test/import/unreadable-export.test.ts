/**
 * An export the import cannot read to its end (a file that is not UTF-8, text after an
 * array's closing bracket) stops it before it writes anything: found once the chats were
 * written, it left them stored without their messages, empty chats in the queue.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importV2 } from '../../src/import/import-v2.js';
import { openImportDatabase } from '../../src/import/open-database.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const at = (minute: number) => ({ $date: new Date(Date.UTC(2024, 0, 1, 0, minute)).toISOString() });
const chat = (id: string) =>
  JSON.stringify({ _id: id, userId: `user-${id}`, status: 'waiting', createdAt: at(1) });
const message = (id: string, chatId: string) =>
  JSON.stringify({
    _id: id,
    chatId,
    senderId: 's',
    senderType: 'user',
    content: 'hi',
    createdAt: at(2),
  });

describe.each(await storeTargets())(
  'an export that cannot be read to its end on $name',
  (target) => {
    let db: TestDatabase;
    let dir: string;

    beforeEach(async () => {
      db = await target.create();
    });

    afterEach(async () => {
      await db?.drop();
    });

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'import-unreadable-'));
      writeFileSync(join(dir, 'chats.json'), `${chat('c1')}\n${chat('c2')}\n`);
      // More chats than one batch commits (2,000), then one that is not UTF-8.
      const many = Array.from({ length: 2001 }, (_, i) => chat(`many-${i}`)).join('\n');
      writeFileSync(
        join(dir, 'chats-latin1.json'),
        Buffer.from(`${many}\n{"_id":"c\xe9"}\n`, 'latin1'),
      );
      writeFileSync(join(dir, 'messages.json'), `${message('m1', 'c1')}\n`);
      writeFileSync(
        join(dir, 'messages-latin1.json'),
        Buffer.from(`${message('m1', 'c1')}\n${message('m\xe9', 'c2')}\n`, 'latin1'),
      );
      writeFileSync(join(dir, 'messages-trailing.json'), `[${message('m1', 'c1')}] and more\n`);
    });

    afterAll(async () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const stored = async () => {
      const { db: kysely, close } = await openImportDatabase(db.config);
      try {
        const chats = await kysely.selectFrom('chats').select('id').execute();
        const messages = await kysely.selectFrom('messages').select('id').execute();
        return { chats: chats.length, messages: messages.length };
      } finally {
        await close();
      }
    };

    it.each([
      ['chats-latin1.json', 'messages.json', /chats-latin1\.json is not valid UTF-8: .*line 2002/],
      ['chats.json', 'messages-latin1.json', /messages-latin1\.json is not valid UTF-8: .*line 2/],
      ['chats.json', 'messages-trailing.json', /unexpected text after the JSON array/],
    ])(
      '%s with %s: refused, naming the problem, with nothing stored',
      async (chats, messages, problem) => {
        await expect(
          importV2({
            database: db.config,
            chatsFile: join(dir, chats),
            messagesFile: join(dir, messages),
          }),
        ).rejects.toThrow(problem);
        expect(await stored()).toEqual({ chats: 0, messages: 0 });
      },
    );
  },
);
