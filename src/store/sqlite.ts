import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { KyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrations.js';
import type { Database } from './schema.js';
import { sqliteAppender } from './sqlite-append.js';
import type { Store } from './store.js';

function sqliteCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
}

/** Opens (creating if needed) an SQLite file, or `:memory:`, and migrates it. */
export async function openSqliteStore(path: string): Promise<Store> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new BetterSqlite3(path);
  // WAL lets readers run beside the writer; synchronous=FULL fsyncs every commit, so an
  // acknowledged message survives a power cut, not only a process crash.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  await migrateToLatest(db as Kysely<unknown>);
  return new KyselyStore(db, {
    kind: 'sqlite',
    // One process owns the file, and every write passes through it and refreshes the cache.
    chatCacheMs: 60_000,
    writers: 1,
    appender: sqliteAppender(database, db),
    isUniqueViolation: (err) => sqliteCode(err).startsWith('SQLITE_CONSTRAINT_UNIQUE'),
    isUnavailable: (err) =>
      ['SQLITE_BUSY', 'SQLITE_IOERR', 'SQLITE_CANTOPEN'].includes(sqliteCode(err)),
  });
}
