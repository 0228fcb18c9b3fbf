/**
 * The store's half of search (src/search/ has the rules): one page of matches, found in
 * the database's own full-text index (PostgreSQL: message_search's terms in GIN, chats'
 * names in GIN over search_vector(); SQLite: the FTS5 tables; both made in migrations.ts 0018), with the caller's view rule
 * (chat-sql.ts viewableBy) in the same query, so a page never holds a chat the caller may
 * not view and never comes back short for one. The query's tokens are quoted here, by
 * us: nothing a person types reaches the index as syntax.
 *
 * A page lists first the chats whose user matched (by id exactly, or by name) and none of
 * whose messages did, newest chat first; then the matching messages, newest first
 * (PostgreSQL: by id, which is time-ordered; SQLite: by the FTS row, which is the order
 * messages were stored in). The cursor says which list and where in it the next page starts.
 */
import {
  CompiledQuery,
  type Kysely,
  type RawBuilder,
  type SqlBool,
  sql,
  type Transaction,
} from 'kysely';
import type { Actor } from '../auth/actor.js';
import { isSuperAdmin } from '../auth/roles.js';
import { InvalidInput } from '../errors.js';
import type { Chat, ChatStatus, Message } from '../schemas/shapes.js';
import { sameWordKey } from '../schemas/text-rules.js';
import { TUNABLES } from '../tunables.js';
import { viewableBy } from './chat-sql.js';
import { mergeSearchPendingList } from './postgres-search-list.js';
import { toChat, toMessage } from './rows.js';
import type { Database } from './schema.js';
import { indexDecomposed } from './search-composition.js';
import { type IndexedText, type PendingRow, SEARCH_INDEX_SQL } from './sqlite-search-index.js';

/** A part of a query word: matched exactly (digits) or as a prefix (anything else). */
export interface SearchTerm {
  token: string;
  prefix: boolean;
}

/** One query word (search/rules.ts parseQuery): its terms next to each other, in order. */
export type SearchPhrase = SearchTerm[];

export interface SearchCursor {
  phase: 'chats' | 'messages';
  /**
   * The last result's sort key: createdAt (chats), the id (PostgreSQL's messages) or the
   * FTS row (SQLite's messages);
   * null: the list's start (a page that ended with the last chat of the chats' list).
   */
  at: string | number | null;
  id: string;
}

export interface SearchQuery {
  phrases: SearchPhrase[];
  /** The query as typed (trimmed): a chat's user id matches it exactly. */
  text: string;
  viewer: Actor;
  status?: ChatStatus | undefined;
  /** Only chats carrying this label (case not counting: chat_labels' key). */
  label?: string | undefined;
  /** ISO instants: messages written (chats active) in [from, to). */
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  cursor?: SearchCursor | undefined;
}

export interface SearchHit {
  chat: Chat;
  message?: Message;
}

export interface SearchPage {
  hits: SearchHit[];
  next: SearchCursor | null;
}

type Kind = 'sqlite' | 'postgres';

/** PostgreSQL: the newest messages a page checks one by one before it asks the GIN index. */
const PG_WINDOW = 2000;
/** …and then, when every word of the query is common, the next this many. */
const PG_WIDE_WINDOW = 20_000;

/** A token as a quoted string of either query language (tokens hold letters, digits and marks only). */
const quote = (token: string, mark: string): string =>
  `${mark}${token.replaceAll(mark, mark + mark)}${mark}`;

/** PostgreSQL tsquery text: `'ord' <-> '2024' <-> '8881':*` & …, cast (not parsed) to tsquery. */
export function tsqueryOf(phrases: SearchPhrase[]): string {
  return phrases
    .map((p) => p.map((t) => `${quote(t.token, "'")}${t.prefix ? ':*' : ''}`).join(' <-> '))
    .join(' & ');
}

/** FTS5 query: `"ord" + "2024" + "8881" *` per word, words side by side (AND). */
export function fts5QueryOf(phrases: SearchPhrase[]): string {
  return phrases
    .map((p) => p.map((t) => `${quote(t.token, '"')}${t.prefix ? ' *' : ''}`).join(' + '))
    .join(' ');
}

/**
 * PostgreSQL: a term of the query no common word is (or, for a prefix, starts with), by
 * the statistics ANALYZE keeps of message_search.terms (its most common lexemes), the
 * longest such; undefined when every term is common, the query has one term, or there are
 * no statistics. GIN then reads only its short list and the rows found are checked against
 * the whole query on their stored terms, where asking GIN for the whole query read every
 * term's list (`ORD-2024-88812734`: those of `ord` and `2024` too).
 */
async function rareTerm(
  db: Kysely<Database>,
  phrases: SearchPhrase[],
): Promise<SearchTerm | undefined> {
  const terms = phrases.flat();
  if (terms.length < 2) return undefined;
  const { rows } = await sql<{ elems: string[] | null }>`
    SELECT most_common_elems::text::text[] AS elems FROM pg_stats
    WHERE schemaname = current_schema() AND tablename = 'message_search' AND attname = 'terms'`.execute(
    db,
  );
  const common = rows[0]?.elems;
  if (!common) return undefined;
  const commonSet = new Set(common);
  const rare = terms.filter((t) =>
    t.prefix ? !common.some((e) => e.startsWith(t.token)) : !commonSet.has(t.token),
  );
  return rare.sort((a, b) => b.token.length - a.token.length)[0];
}

const badCursor = () => new InvalidInput('cursor: not a cursor this search gave');

/** When the messages a search returns were written, `[from, to)`, of the messages read as `m`. */
function writtenWithin(q: SearchQuery): RawBuilder<SqlBool>[] {
  const bounds: RawBuilder<SqlBool>[] = [];
  if (q.from) bounds.push(sql<SqlBool>`m."createdAt" >= ${q.from}`);
  if (q.to) bounds.push(sql<SqlBool>`m."createdAt" < ${q.to}`);
  return bounds;
}

/**
 * Some message of the chat `chats` names matches, of those the search returns (written in
 * its range): a chat listed for its user must have none, and one whose only matches were
 * written outside the range is listed for its user, or by neither list.
 */
function chatHasMatch(kind: Kind, q: SearchQuery, chats: string): RawBuilder<SqlBool> {
  const chatId = sql.ref(`${chats}.id`);
  const bounds = writtenWithin(q);
  if (kind === 'postgres') {
    const terms = sql<SqlBool>`s.terms @@ ${tsqueryOf(q.phrases)}::tsquery`;
    return bounds.length === 0
      ? sql<SqlBool>`EXISTS (SELECT 1 FROM message_search s WHERE s."chatId" = ${chatId} AND ${terms})`
      : sql<SqlBool>`EXISTS (SELECT 1 FROM message_search s JOIN messages m ON m.id = s.id
          WHERE s."chatId" = ${chatId} AND ${terms} AND ${and(bounds)})`;
  }
  // By rowid: the matches' rows are read once for every chat, and their ids (the index's
  // `ref`, read from its rows) cost ten times as much (300 ms on 100,000 matches).
  const matched = sql<SqlBool>`m.rowid IN (SELECT rowid FROM messages_search WHERE messages_search MATCH ${fts5QueryOf(q.phrases)})`;
  return sql<SqlBool>`EXISTS (SELECT 1 FROM messages m WHERE m."chatId" = ${chatId} AND ${and([...bounds, matched])})`;
}

function userMatch(kind: Kind, q: SearchQuery): RawBuilder<SqlBool> {
  const byId = sql<SqlBool>`c."userId" = ${q.text}`;
  if (q.phrases.length === 0) return byId;
  const byName =
    kind === 'postgres'
      ? sql<SqlBool>`search_vector(c."userName") @@ ${tsqueryOf(q.phrases)}::tsquery`
      : sql<SqlBool>`c.id IN (SELECT ref FROM chats_search WHERE chats_search MATCH ${fts5QueryOf(q.phrases)})`;
  return sql<SqlBool>`(${byId} OR ${byName})`;
}

const and = (conditions: RawBuilder<SqlBool>[]): RawBuilder<SqlBool> =>
  sql<SqlBool>`${sql.join(conditions, sql` AND `)}`;

/** The chat filters every list shares: who may view, status, label. */
function chatFilters(q: SearchQuery, chats = 'c'): RawBuilder<SqlBool>[] {
  const col = (name: string) => sql.ref(`${chats}.${name}`);
  const filters = [viewableBy.sql(q.viewer, chats)];
  if (q.status) filters.push(sql<SqlBool>`${col('status')} = ${q.status}`);
  if (q.label !== undefined)
    filters.push(
      sql<SqlBool>`EXISTS (SELECT 1 FROM chat_labels l WHERE l."chatId" = ${col('id')} AND l."labelKey" = ${sameWordKey(q.label)})`,
    );
  return filters;
}

async function matchingChats(
  db: Kysely<Database>,
  kind: Kind,
  q: SearchQuery,
  after: SearchCursor | undefined,
  max: number,
): Promise<{ id: string; createdAt: string }[]> {
  const where = [userMatch(kind, q), ...chatFilters(q)];
  if (q.from) where.push(sql<SqlBool>`c."lastMessageAt" >= ${q.from}`);
  if (q.to) where.push(sql<SqlBool>`c."createdAt" < ${q.to}`);
  if (after) {
    if (typeof after.at !== 'string') throw badCursor();
    where.push(
      sql<SqlBool>`(c."createdAt" < ${after.at} OR (c."createdAt" = ${after.at} AND c.id < ${after.id}))`,
    );
  }
  // Only where no message matches: those chats come with their messages.
  if (q.phrases.length > 0) where.push(sql<SqlBool>`NOT ${chatHasMatch(kind, q, 'c')}`);
  const { rows } = await sql<{ id: string; createdAt: string }>`
    SELECT c.id, c."createdAt" FROM chats c WHERE ${and(where)}
    ORDER BY c."createdAt" DESC, c.id DESC LIMIT ${max}`.execute(db);
  return rows;
}

async function matchingMessages(
  db: Kysely<Database>,
  kind: Kind,
  q: SearchQuery,
  after: SearchCursor | undefined,
  max: number,
): Promise<{ id: string; chatId: string; at: string | number }[]> {
  if (q.phrases.length === 0) return [];
  const where = [...chatFilters(q), ...writtenWithin(q)];
  if (kind === 'postgres') {
    if (after && typeof after.at !== 'string') throw badCursor();
    const before = after ? sql<SqlBool>`id < ${after.at}` : sql<SqlBool>`1 = 1`;
    const terms = sql<SqlBool>`terms @@ ${tsqueryOf(q.phrases)}::tsquery`;
    const timed = q.from !== undefined || q.to !== undefined;
    const page = async (source: RawBuilder<unknown>, limit: number) =>
      (
        await sql<{ id: string; chatId: string }>`
          SELECT s.id, s."chatId" FROM ${source} s JOIN chats c ON c.id = s."chatId"
          ${timed ? sql`JOIN messages m ON m.id = s.id` : sql``}
          WHERE ${and(where)} ORDER BY s.id DESC LIMIT ${limit}`.execute(db)
      ).rows.map((r) => ({ ...r, at: r.id }));
    // Ids are time-ordered (ids.ts; v2's ObjectIds too): newest first is by id. First the
    // newest PG_WINDOW messages (from the cursor), read backwards by message_search's
    // primary key and checked against their stored terms: a common word fills its page
    // there (refund*: 557 ms → under 1 ms on 1,000,000 messages, where an order by
    // createdAt sorted every match). What the window leaves unfilled comes from the GIN
    // index, older than the window, materialized before it is sorted — so that the
    // planner cannot choose the backward scan for a word that is nowhere (a full scan:
    // 0.9-1.5 s on 1M) on an estimate.
    // A query whose every word is common (`платёж не`) may still match few messages: a
    // wider window (read the same way) finds them where GIN would read two long lists
    // (234 ms as an admin on 1M); one with a rare word goes to GIN for it after the first.
    const rare = await rareTerm(db, q.phrases);
    const windows = rare ? [PG_WINDOW] : [PG_WINDOW, PG_WIDE_WINDOW];
    const recent: { id: string; chatId: string; at: string }[] = [];
    let bound = before;
    let oldest: string | undefined;
    for (const size of windows) {
      const window = sql`(SELECT id, "chatId", terms FROM message_search WHERE ${bound}
        ORDER BY id DESC LIMIT ${size})`;
      recent.push(
        ...(await page(sql`(SELECT * FROM ${window} w WHERE ${terms})`, max - recent.length)),
      );
      if (recent.length >= max) return recent;
      const { rows } = await sql<{ oldest: string | null; n: string }>`
        SELECT min(id) AS oldest, count(*) AS n FROM ${window} w`.execute(db);
      oldest = rows[0]?.oldest ?? undefined;
      if (!oldest || Number(rows[0]?.n) < size) return recent;
      bound = sql<SqlBool>`id < ${oldest}`;
    }
    if (!oldest) return recent;
    const older = rare
      ? sql`(WITH found AS MATERIALIZED (SELECT id, "chatId", terms FROM message_search
          WHERE terms @@ ${tsqueryOf([[rare]])}::tsquery AND id < ${oldest})
          SELECT id, "chatId" FROM found WHERE ${terms})`
      : sql`(SELECT id, "chatId" FROM message_search WHERE ${terms} AND id < ${oldest})`;
    return [
      ...recent,
      ...(await page(
        sql`(WITH hits AS MATERIALIZED ${older} SELECT * FROM hits)`,
        max - recent.length,
      )),
    ];
  }
  // FTS5 hands its matches out in rowid order, newest first on request, so a page stops
  // reading as soon as it is full.
  where.unshift(sql<SqlBool>`messages_search MATCH ${fts5QueryOf(q.phrases)}`);
  // When the chats a match may be in hold few messages (an admin's own, or a filter's), a
  // match is first checked against those messages' rows (the `+` keeps SQLite from asking
  // FTS5 once per row), not joined to its message and chat to find it is not wanted: a
  // common word outside them was read whole so, every send waiting.
  const candidates = candidateChats(q);
  if (candidates && (await fewMessagesIn(db, candidates)))
    where.unshift(sql<SqlBool>`+messages_search.rowid IN (SELECT m2.rowid FROM chats c2
      CROSS JOIN messages m2 ON m2."chatId" = c2.id WHERE ${and(candidates)})`);
  if (after) {
    if (typeof after.at !== 'number' || !Number.isSafeInteger(after.at)) throw badCursor();
    where.push(sql<SqlBool>`messages_search.rowid < ${after.at}`);
  }
  const { rows } = await sql<{ id: string; chatId: string; at: number }>`
    SELECT m.id, m."chatId", messages_search.rowid AS at
    FROM messages_search JOIN messages m ON m.id = messages_search.ref
    JOIN chats c ON c.id = m."chatId"
    WHERE ${and(where)}
    ORDER BY messages_search.rowid DESC LIMIT ${max}`.execute(db);
  return rows;
}

/**
 * SQLite: what a matching message's chat, read as `c2`, must be (the page's own chat
 * filters), or undefined when that is every chat (a superadmin without a status or label:
 * nothing to narrow). Not `from` by the chat's lastMessageAt: that is its last message's
 * time, which an earlier message's may pass (a clock set back, a v2 import re-run into a chat).
 */
function candidateChats(q: SearchQuery): RawBuilder<SqlBool>[] | undefined {
  const narrowed = !isSuperAdmin(q.viewer) || q.status !== undefined || q.label !== undefined;
  return narrowed ? chatFilters(q, 'c2') : undefined;
}

/** Whether those chats (`c2`) hold few enough messages (searchViewableSetMessages) to be read as a set. */
async function fewMessagesIn(
  db: Kysely<Database>,
  candidates: RawBuilder<SqlBool>[],
): Promise<boolean> {
  const { rows } = await sql<{ n: number | null }>`
    SELECT sum(c2."lastSeq") AS n FROM chats c2 WHERE ${and(candidates)}`.execute(db);
  return Number(rows[0]?.n ?? 0) <= TUNABLES.searchViewableSetMessages.value;
}

/** One page: the chats' list first, then the messages' (the cursor says where it stopped). */
export async function searchPage(
  db: Kysely<Database>,
  kind: Kind,
  q: SearchQuery,
): Promise<SearchPage> {
  const chatIds: string[] = [];
  const found: { chatId: string; messageId?: string }[] = [];
  let next: SearchCursor | null = null;
  const cursor = q.cursor;
  if (cursor === undefined || cursor.phase === 'chats') {
    const chats = await matchingChats(db, kind, q, cursor, q.limit + 1);
    for (const c of chats.slice(0, q.limit)) found.push({ chatId: c.id });
    const last = chats[q.limit - 1];
    if (chats.length > q.limit && last) next = { phase: 'chats', at: last.createdAt, id: last.id };
  }
  const room = q.limit - found.length;
  if (next === null) {
    const after = cursor?.phase === 'messages' && cursor.at !== null ? cursor : undefined;
    const messages = room > 0 ? await matchingMessages(db, kind, q, after, room + 1) : [];
    for (const m of messages.slice(0, room)) found.push({ chatId: m.chatId, messageId: m.id });
    const last = messages[room - 1];
    if (messages.length > room && last) next = { phase: 'messages', at: last.at, id: last.id };
    // A full page of chats: the messages may still have matches, from the start.
    if (room === 0 && q.phrases.length > 0) next = { phase: 'messages', at: null, id: '' };
  }
  for (const f of found) chatIds.push(f.chatId);
  const messageIds = found.flatMap((f) => (f.messageId ? [f.messageId] : []));
  const [chatRows, messageRows] = await Promise.all([
    chatIds.length
      ? db
          .selectFrom('chats')
          .selectAll()
          .where('id', 'in', [...new Set(chatIds)])
          .execute()
      : [],
    messageIds.length
      ? db.selectFrom('messages').selectAll().where('id', 'in', messageIds).execute()
      : [],
  ]);
  const chats = new Map(chatRows.map((r) => [r.id, toChat(r)]));
  const messages = new Map(messageRows.map((r) => [r.id, toMessage(r)]));
  const hits: SearchHit[] = [];
  for (const f of found) {
    const chat = chats.get(f.chatId);
    if (!chat) continue;
    const message = f.messageId ? messages.get(f.messageId) : undefined;
    hits.push(message ? { chat, message } : { chat });
  }
  return { hits, next };
}

/**
 * SQLite: indexes up to `max` messages stored after the watermark (search_indexed, made
 * in migrations.ts 0018), oldest first, in one transaction that moves the watermark, so
 * the append writes nothing for search; how many it indexed (`max`: there may be more).
 * A batch is synchronous on the event loop, hence the cap (with the writer thread it runs
 * there instead: Appender.indexSearch). PostgreSQL indexes each insert in its own
 * transaction (the statement trigger): 0, once the index's pending list is merged
 * (postgres-search-list.ts), so that no send's insert has to merge it.
 */
export async function indexPendingMessages<Tables extends Database>(
  db: Kysely<Tables>,
  kind: Kind,
  max: number,
): Promise<number> {
  if (kind === 'postgres') {
    await mergeSearchPendingList(db);
    return 0;
  }
  // The same statements as the writer thread's (sqlite-search-index.ts), through Kysely.
  const run = <R>(trx: Transaction<Tables>, text: string, parameters: unknown[] = []) =>
    trx.executeQuery<R>(CompiledQuery.raw(text, parameters));
  return db.transaction().execute(async (trx) => {
    await run(trx, SEARCH_INDEX_SQL.clamp);
    const { rows } = await run<PendingRow>(trx, SEARCH_INDEX_SQL.pending, [max]);
    const upto = rows[0]?.upto;
    if (upto === null || upto === undefined) return 0;
    await run(trx, SEARCH_INDEX_SQL.insert, [upto]);
    const texts = await run<IndexedText>(trx, SEARCH_INDEX_SQL.texts, [upto]);
    await indexDecomposed(trx, 'messages_search', texts.rows);
    await run(trx, SEARCH_INDEX_SQL.advance, [upto]);
    return Number(rows[0]?.n);
  });
}
