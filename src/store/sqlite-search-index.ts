/**
 * SQLite's search indexing batch (search.ts indexPendingMessages runs it through Kysely,
 * the writer thread on its own connection): the messages past the watermark in
 * search_indexed, at most `max` of them, go into messages_search in one transaction that
 * also moves the watermark. The statements are plain SQL with `?` placeholders so that
 * both ways run the same text.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { sqliteSearchText } from './search-text.js';

export const SEARCH_INDEX_SQL = {
  // A VACUUM may renumber the rowids below the watermark: never wait above the table.
  clamp: `UPDATE search_indexed SET "indexedThrough" = (SELECT coalesce(max(rowid), 0) FROM messages)
    WHERE "indexedThrough" > (SELECT coalesce(max(rowid), 0) FROM messages)`,
  /** Binds the batch's size; answers its last rowid (null: nothing to index) and its count. */
  pending: `SELECT max(rowid) AS upto, count(*) AS n FROM (SELECT rowid FROM messages
    WHERE rowid > (SELECT "indexedThrough" FROM search_indexed) ORDER BY rowid LIMIT ?)`,
  /** Binds the batch's last rowid. */
  insert: `INSERT INTO messages_search (rowid, body, ref)
    SELECT rowid, ${sqliteSearchText('content')}, id FROM messages
    WHERE rowid > (SELECT "indexedThrough" FROM search_indexed) AND rowid <= ?
    ORDER BY rowid`,
  /** Binds the batch's last rowid. */
  advance: 'UPDATE search_indexed SET "indexedThrough" = ?',
} as const;

export interface PendingRow {
  upto: number | null;
  n: number;
}

/** One indexing batch on a raw connection, synchronously: the messages it indexed. */
export function sqliteIndexBatch(
  database: BetterSqlite3.Database,
): BetterSqlite3.Transaction<(max: number) => number> {
  const clamp = database.prepare(SEARCH_INDEX_SQL.clamp);
  const pending = database.prepare<[number], PendingRow>(SEARCH_INDEX_SQL.pending);
  const insert = database.prepare<[number]>(SEARCH_INDEX_SQL.insert);
  const advance = database.prepare<[number]>(SEARCH_INDEX_SQL.advance);
  return database.transaction((max: number): number => {
    clamp.run();
    const row = pending.get(max);
    if (row?.upto === null || row?.upto === undefined) return 0;
    insert.run(row.upto);
    advance.run(row.upto);
    return Number(row.n);
  });
}
