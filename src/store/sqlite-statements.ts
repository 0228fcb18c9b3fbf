/**
 * The handle Kysely's SQLite dialect is given: its `prepare` answers a statement already
 * prepared for the same SQL text. Kysely's driver prepares every query anew
 * (`db.prepare(sql)` per execute), yet it compiles one query shape to the same text each
 * time, so a send's and a history page's few shapes were parsed and planned again on every
 * call. SQLite re-prepares a cached statement by itself if the schema changes under it.
 *
 * Least recently used statements go first past `max`: queries whose text varies with
 * their input (an `IN` list of n ids) cannot grow it without bound. Reuse is safe because
 * the dialect has one connection behind a mutex: no statement is ever run by two callers
 * at once, not even a streamed one (the stream holds the connection until it ends).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

export interface StatementOptions {
  /** Runs once the handle is closed (Kysely's destroy). */
  afterClose?: () => void;
  /**
   * Kysely's transactions begin IMMEDIATE (take the write lock at once, waiting for it):
   * with another connection writing the file (the writer thread), a deferred transaction
   * that read and then writes finds its snapshot stale and fails at once with SQLITE_BUSY,
   * without waiting.
   */
  immediate?: boolean;
}

export function cachingStatements(
  database: BetterSqlite3.Database,
  max: number,
  { afterClose = () => {}, immediate = false }: StatementOptions = {},
): SqliteDatabase {
  // A Map iterates in insertion order: re-inserting on use keeps the oldest first.
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      cache.clear();
      database.close();
      afterClose();
    },
    prepare: (text) => {
      const sql = immediate && text === 'begin' ? 'begin immediate' : text;
      if (max <= 0) return database.prepare(sql);
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql);
      } else {
        statement = database.prepare(sql);
        if (cache.size >= max) {
          const oldest = cache.keys().next();
          if (!oldest.done) cache.delete(oldest.value);
        }
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}
