/**
 * A store that fails to open leaves nothing open behind it: the lock beside the file is
 * let go, so the next start (or an import) is not refused as if a server still ran.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore, SqliteFileInUse } from '../../src/store/sqlite.js';
import { lockBeside } from '../../src/store/sqlite-lock.js';
import { userDraft } from '../helpers/drafts.js';

const dir = mkdtempSync(join(tmpdir(), 'sqlite-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A database whose record of migrations names one this build does not have. */
function fromANewerBuild(path: string): void {
  const db = new BetterSqlite3(path);
  db.exec(
    'CREATE TABLE kysely_migration (name varchar(255) PRIMARY KEY, timestamp varchar(255) NOT NULL)',
  );
  db.prepare('INSERT INTO kysely_migration VALUES (?, ?)').run('9999_from_the_future', 'now');
  db.close();
}

describe.each([false, true])('an SQLite store (writer thread: %s)', (writerThread) => {
  it('whose migration fails lets the file and its lock go', async () => {
    const path = join(dir, `${writerThread ? 'thread' : 'loop'}-newer.db`);
    fromANewerBuild(path);
    const attempt = () => openSqliteStore(path, { writerThread });
    await expect(attempt()).rejects.toThrow(/9999_from_the_future/);
    // Refused for the same reason again, not as a file some process still holds.
    const again = await attempt().catch((err: unknown) => err);
    expect(again).not.toBeInstanceOf(SqliteFileInUse);
    expect(String(again)).toMatch(/9999_from_the_future/);
    lockBeside(path).close();
  });
});

describe('an SQLite store on the writer thread', () => {
  it('whose writer fails as it closes still lets the file and its lock go', async () => {
    const path = join(dir, 'close-fails.db');
    const store = await openSqliteStore(path, {
      writerThread: true,
      onWriter: (writer) => {
        const close = writer.close.bind(writer);
        writer.close = async () => {
          await close();
          throw new Error('the writer refused to close');
        };
      },
    });
    await expect(store.close()).rejects.toThrow(/refused to close/);
    lockBeside(path).close();
  });
});

describe('an SQLite store', () => {
  it('checkpoints its WAL after the pages it is told (SQLITE_WAL_AUTOCHECKPOINT)', async () => {
    let raw: BetterSqlite3.Database | undefined;
    const store = await openSqliteStore(join(dir, 'checkpoint.db'), {
      walAutocheckpointPages: 4321,
      onOpen: (database) => {
        raw = database;
      },
    });
    try {
      expect(raw?.pragma('wal_autocheckpoint', { simple: true })).toBe(4321);
    } finally {
      await store.close();
    }
  });

  it('on the writer thread, checkpoints the appends it commits there after the pages it is told', async () => {
    // The thread's connection commits the appends, and SQLite checkpoints on the connection
    // that commits: the WAL stays near the size told instead of SQLite's 1000 pages.
    const path = join(dir, 'thread-checkpoint.db');
    const pages = 100;
    const store = await openSqliteStore(path, {
      writerThread: true,
      walAutocheckpointPages: pages,
    });
    try {
      const { chat } = await store.openChat({ userId: 'u1', userName: 'U', online: true });
      for (let i = 0; i < 400; i++) await store.appendMessage(userDraft(chat, `message ${i}`));
      const pageSize = 4096;
      expect(statSync(`${path}-wal`).size).toBeLessThan(3 * pages * pageSize);
    } finally {
      await store.close();
    }
  });
});
