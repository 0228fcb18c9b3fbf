/**
 * The import's commits do not wait for their fsync; before it says it is done it settles.
 * SQLite: what it wrote is in the database file itself (checkpointed: the WAL and the file
 * fsynced), not only in a WAL whose unsynced frames a power cut could take back.
 * PostgreSQL: the WAL holding its asynchronous commits is flushed.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { importV2 } from '../../src/import/import-v2.js';
import { openImportDatabase } from '../../src/import/open-database.js';
import { storeTargets } from '../helpers/stores.js';
import { generateExport } from './generate-export.js';

const dir = mkdtempSync(join(tmpdir(), 'import-settle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Rows in the database file alone, without its WAL (a copy, read while the import holds it). */
function rowsInTheFileAlone(path: string): number {
  const alone = join(dir, `alone-${Date.now()}.db`);
  copyFileSync(path, alone);
  const db = new BetterSqlite3(alone, { readonly: true });
  try {
    const probe = db
      .prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'settle_probe'")
      .get() as { n: number };
    if (probe.n === 0) return 0;
    return (db.prepare('SELECT count(*) AS n FROM settle_probe').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('the v2 import on SQLite', () => {
  it('has what it wrote in the database file once it has settled, before it closes', async () => {
    const path = join(dir, 'chat.db');
    const target = await openImportDatabase({ kind: 'sqlite', path }, { claimFirst: true });
    try {
      await sql`CREATE TABLE settle_probe (n integer)`.execute(target.db);
      await sql`WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 1000)
        INSERT INTO settle_probe SELECT n FROM c`.execute(target.db);
      // Committed, but only in the WAL.
      expect(rowsInTheFileAlone(path)).toBe(0);
      await target.settle();
      expect(rowsInTheFileAlone(path)).toBe(1000);
    } finally {
      await target.close();
    }
  });

  it('fails, instead of saying it is done, when a reader keeps the checkpoint from the newest writes', async () => {
    const path = join(dir, 'read-beside.db');
    const target = await openImportDatabase({ kind: 'sqlite', path }, { claimFirst: true });
    const reader = new BetterSqlite3(path);
    try {
      await sql`CREATE TABLE settle_probe (n integer)`.execute(target.db);
      // A process that ignores the lock beside the file (the sqlite3 shell, say) holds
      // a snapshot from before the import's last commit.
      reader.exec('BEGIN');
      reader.prepare('SELECT count(*) FROM settle_probe').get();
      await sql`INSERT INTO settle_probe VALUES (1)`.execute(target.db);
      await expect(target.settle()).rejects.toThrow(/reads the database/);
    } finally {
      reader.exec('ROLLBACK');
      reader.close();
      await target.close();
    }
  });
});

describe('the v2 import on SQLite, whole', () => {
  it('does not say it is done while a reader holds its settle back', async () => {
    const path = join(dir, 'import-beside-reader.db');
    const exported = join(dir, 'export');
    mkdirSync(exported);
    generateExport({
      dir: exported,
      chats: 3,
      messagesPerChat: 5,
      chatsForm: 'array',
      messagesForm: 'lines',
      mode: 'canonical',
    });
    // The file migrated, as a server or an import before left it.
    await (await openImportDatabase({ kind: 'sqlite', path })).close();
    const reader = new BetterSqlite3(path);
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM chats').get();
    try {
      const run = importV2({
        database: { kind: 'sqlite', path },
        chatsFile: join(exported, 'chats.json'),
        messagesFile: join(exported, 'messages.json'),
      });
      await expect(run).rejects.toThrow(/reads the database/);
    } finally {
      reader.exec('ROLLBACK');
      reader.close();
    }
  });
});

const postgres = (await storeTargets()).filter((target) => target.name === 'postgres');

describe.each(postgres)('the v2 import on $name', (target) => {
  it('has its asynchronous commits flushed to the WAL on disk once it has settled', async () => {
    const database = await target.create();
    const opened = await openImportDatabase(database.config, { claimFirst: true });
    try {
      await sql`CREATE TABLE settle_probe (n integer)`.execute(opened.db);
      for (let i = 0; i < 20; i++)
        await sql`INSERT INTO settle_probe VALUES (${i})`.execute(opened.db);
      const { rows } = await sql<{
        lsn: string;
      }>`SELECT pg_current_wal_insert_lsn() AS lsn`.execute(opened.db);
      await opened.settle();
      const flushed = await sql<{ covered: boolean }>`
        SELECT pg_current_wal_flush_lsn() >= ${rows[0]?.lsn}::pg_lsn AS covered`.execute(opened.db);
      expect(flushed.rows[0]?.covered).toBe(true);
    } finally {
      await opened.close();
      await database.drop();
    }
  });
});
