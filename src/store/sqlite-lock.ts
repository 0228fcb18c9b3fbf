/**
 * One process at a time on an SQLite file: the server (every chat read is cached on the
 * assumption that no one else writes the file) or the v2 import (which writes chats the
 * server caches). Both hold `<file>.lock` beside the database for their lifetime, so either
 * refuses to start while the other runs; the server without the writer thread also holds
 * the database file itself.
 */
import BetterSqlite3 from 'better-sqlite3';
import { TUNABLES } from '../tunables.js';
import { errorCode } from './error-code.js';

export class SqliteFileInUse extends Error {
  constructor(path: string) {
    super(
      `DATABASE_URL: the SQLite file ${path} is in use by another server process (or a v2 import). SQLite serves one node; to run several, use PostgreSQL (DATABASE_URL=postgres://…)`,
    );
    this.name = 'SqliteFileInUse';
  }
}

/** Takes the file for this process alone, until its handle is closed. */
export function lockExclusively(database: BetterSqlite3.Database, path: string): void {
  try {
    database.pragma('locking_mode = EXCLUSIVE');
    database.pragma('journal_mode = WAL');
    database.exec('BEGIN IMMEDIATE; COMMIT');
  } catch (err) {
    database.close();
    if (errorCode(err).startsWith('SQLITE_BUSY')) throw new SqliteFileInUse(path);
    throw err;
  }
}

/**
 * A lock file beside the database, held the same way until the returned handle is closed:
 * it keeps a second process out where the database itself is shared by two connections
 * (the writer thread), and keeps the import and the server apart in either mode.
 */
export function lockBeside(path: string): BetterSqlite3.Database {
  const lock = new BetterSqlite3(`${path}.lock`, { timeout: TUNABLES.sqliteLockWaitMs.value });
  lockExclusively(lock, path);
  return lock;
}
