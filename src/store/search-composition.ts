/**
 * Both full-text indexes read a text in Unicode's composed form (NFC), so that a word typed
 * with precomposed letters (й U+0439, ё, é) and one typed decomposed (и + U+0306, е + U+0308,
 * e + U+0301: macOS and some Android keyboards) are one word, whichever the message and the
 * query were written in (search/rules.ts composes the query). The stored text stays as the
 * client sent it; only the index reads it composed.
 *
 * PostgreSQL: search_vector normalizes first (the triggers and the chats' expression index
 * all read it). SQLite: entries are written from the text as stored, by SQL (the indexer's
 * batch, the chats' triggers), and those whose text is not in NFC are written again from
 * its NFC form by the server: the batch (sqlite-search-index.ts), a chat's opening, the v2
 * import's end. Migration 0036 does both to what was indexed before.
 */
import { CompiledQuery, type Kysely, PostgresAdapter, sql } from 'kysely';
import { postgresSearchVectorFunction } from './search-text.js';
import {
  COMPOSED_SQL,
  decomposedRows,
  type IndexedText,
  type SearchTable,
} from './sqlite-search-index.js';

/** Rows a migration's page reads at a time: every text is read once, a page at a time. */
const PAGE = 5000;

/** Any of the stores' connections, the v2 import's, a transaction of either or a migration's. */
type Runner = Pick<Kysely<unknown>, 'executeQuery'>;

const run = <R = unknown>(db: Runner, text: string, parameters: unknown[] = []) =>
  db.executeQuery<R>(CompiledQuery.raw(text, parameters));

/** SQLite: the entries of `rows` whose text is not in NFC, written again from that form. */
export async function indexDecomposed(
  db: Runner,
  fts: SearchTable,
  rows: readonly IndexedText[],
): Promise<void> {
  for (const entry of decomposedRows(rows)) {
    await run(db, COMPOSED_SQL.unindex(fts), [entry.rowid]);
    await run(db, COMPOSED_SQL.index(fts), [entry.rowid, entry.text, entry.ref]);
  }
}

/**
 * SQLite: a chat's name as its trigger indexed it, written again in NFC when it was not
 * (in the transaction that opened the chat); nothing read or written for any other name.
 */
export async function indexChatNameComposed(
  db: Runner,
  chat: { id: string; userName: string },
): Promise<void> {
  if (decomposedRows([{ rowid: 0, text: chat.userName, ref: chat.id }]).length === 0) return;
  const { rows } = await run<IndexedText>(
    db,
    'SELECT rowid, "userName" AS text, id AS ref FROM chats WHERE id = ?',
    [chat.id],
  );
  await indexDecomposed(db, 'chats_search', rows);
}

/**
 * SQLite: every entry of `fts` up to rowid `through` (all when undefined) whose text is not
 * in NFC, written again from that form, reading `table`'s `text` a page at a time.
 */
async function reindexDecomposed(
  db: Runner,
  fts: SearchTable,
  table: 'messages' | 'chats',
  text: string,
  through?: number,
): Promise<void> {
  let after = 0;
  for (;;) {
    const { rows } = await run<IndexedText>(
      db,
      `SELECT rowid, ${text} AS text, id AS ref FROM ${table}
        WHERE rowid > ? ${through === undefined ? '' : 'AND rowid <= ?'} ORDER BY rowid LIMIT ?`,
      through === undefined ? [after, PAGE] : [after, through, PAGE],
    );
    await indexDecomposed(db, fts, rows);
    const last = rows.at(-1);
    if (!last || rows.length < PAGE) return;
    after = last.rowid;
  }
}

/** SQLite: the chats' names, all of them (the v2 import's chats are indexed by the trigger). */
export const reindexDecomposedNames = (db: Runner): Promise<void> =>
  reindexDecomposed(db, 'chats_search', 'chats', '"userName"');

/**
 * Migration 0036. PostgreSQL: search_vector reads the NFC form; the terms of the messages
 * whose text is not in NFC are computed again, and the chats' expression index rebuilt if a
 * name is not (the function's result changed only for those). `normalize` needs a UTF-8
 * database; in another encoding the function is left as it was, since it would fail every
 * insert there (and a non-UTF-8 database cannot hold most decomposed marks anyway).
 * SQLite: the messages the indexer has passed and every chat's name, read once each.
 */
export async function composeSearchText(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    const { rows } = await sql<{
      utf8: boolean;
    }>`SELECT current_setting('server_encoding') = 'UTF8' AS utf8`.execute(db);
    if (!rows[0]?.utf8) return;
    await sql.raw(postgresSearchVectorFunction('normalize(body, NFC)')).execute(db);
    await sql`UPDATE message_search s SET terms = search_vector(m.content) FROM messages m
      WHERE m.id = s.id AND m.content IS NOT NFC NORMALIZED`.execute(db);
    const { rows: names } = await sql<{ decomposed: boolean }>`SELECT EXISTS (
      SELECT 1 FROM chats WHERE "userName" IS NOT NFC NORMALIZED) AS decomposed`.execute(db);
    if (names[0]?.decomposed) await sql`REINDEX INDEX chats_search`.execute(db);
    return;
  }
  const { rows } = await sql<{
    through: number;
  }>`SELECT "indexedThrough" AS through FROM search_indexed`.execute(db);
  await reindexDecomposed(db, 'messages_search', 'messages', 'content', rows[0]?.through ?? 0);
  await reindexDecomposedNames(db);
}
