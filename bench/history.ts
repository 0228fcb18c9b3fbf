/** Seeds a store with 1,000,000 messages (1,000 chats × 1,000) and times history pages. */
import { Agent } from 'node:http';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { newId } from '../src/ids.js';
import { httpRequest } from './load.js';

export const CHATS = 1000;
export const PER_CHAT = 1000;

export async function seedSqlite(path: string): Promise<string[]> {
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  const at = new Date().toISOString();
  const chatIds = Array.from({ length: CHATS }, () => newId());
  const insertChat = db.prepare(
    `INSERT INTO chats (id, userId, userName, status, isLocked, lastMessage, lastMessageAt, unreadCount, userOnline, lastSeq, createdAt, updatedAt)
     VALUES (?, ?, 'Seed', 'closed', 0, 'seed', ?, 0, 0, ?, ?, ?)`,
  );
  const insertMessage = db.prepare(
    `INSERT INTO messages (id, chatId, seq, senderId, senderType, senderName, content, messageType, isRead, createdAt, updatedAt)
     VALUES (?, ?, ?, ?, 'user', 'Seed', ?, 'text', 0, ?, ?)`,
  );
  db.transaction(() => {
    chatIds.forEach((chatId, c) => {
      insertChat.run(chatId, `seed-${c}`, at, PER_CHAT, at, at);
      for (let seq = 1; seq <= PER_CHAT; seq++) {
        insertMessage.run(
          newId(),
          chatId,
          seq,
          `seed-${c}`,
          `seeded message ${seq} of chat ${c}`,
          at,
          at,
        );
      }
    });
    // The search index left empty and marked as caught up, as the 10M seed does: history
    // pages read no search rows, and a server's indexer keeps up with its sends, but left to
    // it here the first minute's pages would be timed beside the indexing of a million
    // messages (p99 33–38 ms against 4.1–4.3 once marked). PostgreSQL's seed fills its
    // index through the insert's own trigger.
    db.exec(`UPDATE search_indexed SET "indexedThrough" = (SELECT max(rowid) FROM messages)`);
  })();
  db.close();
  return chatIds;
}

export async function seedPostgres(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const chatIds = Array.from({ length: CHATS }, () => newId());
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO chats (id, "userId", "userName", status, "isLocked", "lastMessage", "lastMessageAt", "unreadCount", "userOnline", "lastSeq", "createdAt", "updatedAt")
       SELECT id, 'seed-' || ord, 'Seed', 'closed', 0, 'seed', now()::text, 0, 0, $2, now()::text, now()::text
       FROM unnest($1::text[]) WITH ORDINALITY AS t(id, ord)`,
      [chatIds, PER_CHAT],
    );
    await client.query(
      `INSERT INTO messages (id, "chatId", seq, "senderId", "senderType", "senderName", content, "messageType", "isRead", "createdAt", "updatedAt")
       SELECT md5(c.id || s)::text, c.id, s, 'seed', 'user', 'Seed', 'seeded message ' || s, 'text', 0, now()::text, now()::text
       FROM unnest($1::text[]) AS c(id), generate_series(1, $2) AS s`,
      [chatIds, PER_CHAT],
    );
    await client.query('COMMIT');
    // A steady-state store: vacuum now, or autovacuum would run over the fresh million rows
    // during the measurement and its tail would be the vacuum's, not the query's.
    await client.query('VACUUM ANALYZE messages');
    await client.query('VACUUM ANALYZE chats');
    // And write the seed's dirty pages out now, not during the measurement.
    await client.query('CHECKPOINT');
    return chatIds;
  } finally {
    await client.end();
  }
}

export interface PageTimes {
  requests: number;
  p50: number;
  p99: number;
  max: number;
}

/** Cursor pages (`after=`/`before=`, alternating) or v2's numbered pages (`page=`). */
export type PageMode = 'cursor' | 'page';

/**
 * `count` sequential page reads of 50 at random positions of random chats (each holding
 * `perChat` messages): cursor mode alternates `after=` and `before=`, page mode asks
 * `page=` 1… as v2 clients do. After `count / 10` unmeasured reads that warm the caches and
 * the JIT.
 */
export async function timePages(
  url: string,
  chatIds: string[],
  count: number,
  { perChat = PER_CHAT, mode = 'cursor' }: { perChat?: number; mode?: PageMode } = {},
): Promise<PageTimes> {
  // node:http with keep-alive, as the REST scenario: fetch adds its own milliseconds.
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  const warmup = Math.ceil(count / 10);
  const limit = 50;
  for (let i = -warmup; i < count; i++) {
    const chatId = chatIds[Math.floor(Math.random() * chatIds.length)];
    const q =
      mode === 'page'
        ? `page=${1 + Math.floor(Math.random() * Math.ceil(perChat / limit))}`
        : `${i % 2 === 0 ? 'after' : 'before'}=${1 + Math.floor(Math.random() * perChat)}`;
    const started = performance.now();
    const status = await httpRequest(
      agent,
      new URL(`/api/messages/${chatId}?${q}&limit=${limit}`, url),
      'GET',
    );
    if (status !== 200) throw new Error(`history page: ${status}`);
    if (i >= 0) times.push(performance.now() - started);
  }
  agent.destroy();
  times.sort((a, b) => a - b);
  const at = (p: number) =>
    times[Math.min(times.length - 1, Math.floor(times.length * p))] as number;
  return { requests: count, p50: at(0.5), p99: at(0.99), max: times.at(-1) as number };
}
