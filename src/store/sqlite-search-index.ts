/**
 * SQLite's search indexing batch (search.ts indexPendingMessages runs it through Kysely,
 * the writer thread on its own connection): the messages past the watermark in
 * search_indexed, at most `max` of them, go into messages_search in one transaction that
 * also moves the watermark. The statements are plain SQL with `?` placeholders so that
 * both ways run the same text.
 *
 * SQLite has no Unicode normalization, and a function of ours in the SQL would fail on any
 * connection that did not register it (the chats' triggers run on every one, the sqlite3
 * shell's too): the batch is indexed from the texts as stored, then the few whose NFC form
 * differs (typed decomposed) are indexed again from it, read here (one normalize a message).
 */
import type BetterSqlite3 from 'better-sqlite3';
import { searchComposed, sqliteSearchText } from './search-text.js';

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
  /** Binds the batch's last rowid: its texts, to find those not in NFC. */
  texts: `SELECT rowid, content AS text, id AS ref FROM messages
    WHERE rowid > (SELECT "indexedThrough" FROM search_indexed) AND rowid <= ?`,
  /** Binds the batch's last rowid. */
  advance: 'UPDATE search_indexed SET "indexedThrough" = ?',
} as const;

/** A row of a table an FTS5 table indexes, as the entry's rowid, its text and its ref. */
export interface IndexedText {
  rowid: number;
  text: string;
  ref: string;
}

/** The FTS5 tables, each over one text: messages' content, chats' user names. */
export type SearchTable = 'messages_search' | 'chats_search';

/** An entry written again: its old one removed (contentless_delete), its NFC text indexed. */
export const COMPOSED_SQL = {
  /** Binds the entry's rowid. */
  unindex: (fts: SearchTable) => `DELETE FROM ${fts} WHERE rowid = ?`,
  /** Binds the rowid, the text's NFC form and the ref. */
  index: (fts: SearchTable) =>
    `INSERT INTO ${fts} (rowid, body, ref) VALUES (?, ${sqliteSearchText('?')}, ?)`,
};

/** The rows whose text is not in NFC, each with its NFC text: the entries to write again. */
export function decomposedRows(rows: readonly IndexedText[]): IndexedText[] {
  return rows.flatMap((row) => {
    const text = searchComposed(row.text);
    return text === row.text ? [] : [{ ...row, text }];
  });
}

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
  const texts = database.prepare<[number], IndexedText>(SEARCH_INDEX_SQL.texts);
  const unindex = database.prepare<[number]>(COMPOSED_SQL.unindex('messages_search'));
  const index = database.prepare<[number, string, string]>(COMPOSED_SQL.index('messages_search'));
  const advance = database.prepare<[number]>(SEARCH_INDEX_SQL.advance);
  return database.transaction((max: number): number => {
    clamp.run();
    const row = pending.get(max);
    if (row?.upto === null || row?.upto === undefined) return 0;
    insert.run(row.upto);
    for (const entry of decomposedRows(texts.all(row.upto))) {
      unindex.run(entry.rowid);
      index.run(entry.rowid, entry.text, entry.ref);
    }
    advance.run(row.upto);
    return Number(row.n);
  });
}
