import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { person } from '../../src/auth/actor.js';
import { parseQuery } from '../../src/search/rules.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { userDraft } from '../helpers/drafts.js';

const FULL = 2;
const NORMAL = 1;

describe.each([false, true])('SQLite appends (writer thread: %s)', (writerThread) => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sqlite-append-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits a search index batch without an fsync, and every other write with one', async () => {
    let raw: BetterSqlite3.Database | undefined;
    const store = await openSqliteStore(join(dir, 'chat.db'), {
      writerThread,
      onOpen: (database) => {
        raw = database;
      },
    });
    try {
      // What each write committed with, recorded inside its own transaction.
      raw?.exec(`CREATE TABLE synced (what TEXT, level INTEGER);
        CREATE TRIGGER index_sync AFTER UPDATE ON search_indexed BEGIN
          INSERT INTO synced SELECT 'index', synchronous FROM pragma_synchronous; END;
        CREATE TRIGGER message_sync AFTER INSERT ON messages BEGIN
          INSERT INTO synced SELECT 'message', synchronous FROM pragma_synchronous; END;`);
      const { chat } = await store.openChat({ userId: 'u1', userName: 'U', online: true });
      await store.appendMessage(userDraft(chat, 'one'));
      expect(await store.indexSearch(500)).toBe(1);
      await store.appendMessage(userDraft(chat, 'two'));
      expect(raw?.prepare('SELECT what, level FROM synced ORDER BY rowid').all()).toEqual([
        { what: 'message', level: FULL },
        { what: 'index', level: NORMAL },
        { what: 'message', level: FULL },
      ]);
      const found = await store.search({
        phrases: parseQuery('one'),
        text: 'one',
        viewer: person('s-1', 'Boss', 'superadmin'),
        limit: 20,
      });
      expect(found.hits.map((hit) => hit.message?.content)).toEqual(['one']);
    } finally {
      await store.close();
    }
  });
});
