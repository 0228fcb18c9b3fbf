/**
 * `npm run bench:search`: full-text search at scale, and what keeping its index costs a
 * send, on each store (SEARCH_STORES=sqlite or postgres for one).
 *
 * 1. Search: SEARCH_MESSAGES (default 1,000,000) messages over SEARCH_CHATS (10,000) chats,
 *    texts drawn from an English/Russian/Uzbek vocabulary with a long tail of rare words,
 *    one message in five carrying an 8-digit transaction id. Then a mix of queries (a
 *    transaction id, a common word, a prefix, Cyrillic, Uzbek with an apostrophe, two
 *    words, an id with dashes, a word that is nowhere, a user's name) as a superadmin and
 *    as an admin who may view 1% of the chats, first pages and second pages, through
 *    Store.search: p50/p99/max per store.
 * 2. Index cost per append: the same appends (concurrent, so batched as in production)
 *    on a fresh database with the index and with it removed (PostgreSQL: the
 *    message_search trigger dropped; SQLite: the indexer (search/indexer.ts) running
 *    beside the appends, and its catch-up after them counted, or not running), alternating
 *    round by round (with, without, without, with, …): wall time per message, and CPU per
 *    message (SQLite: this process, where the append and the indexer run; PostgreSQL: the
 *    database server's processes); SQLite also the longest indexing batch (the event
 *    loop's longest hold by the indexer).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import pg from 'pg';
import { person } from '../src/auth/actor.js';
import type { DatabaseConfig } from '../src/config.js';
import { newId } from '../src/ids.js';
import { startSearchIndexer } from '../src/search/indexer.js';
import { parseQuery } from '../src/search/rules.js';
import { openStore } from '../src/store/open.js';
import type { Database } from '../src/store/schema.js';
import { indexPendingMessages } from '../src/store/search.js';
import type { Store } from '../src/store/store.js';
import { TUNABLES } from '../src/tunables.js';
import { userDraft } from '../test/helpers/drafts.js';
import { benchDatabases, pgReachable, type StoreName } from './databases.js';

const MESSAGES = Number(process.env.SEARCH_MESSAGES ?? 1_000_000);
const CHATS = Number(process.env.SEARCH_CHATS ?? 10_000);
const QUERY_ROUNDS = Number(process.env.SEARCH_QUERY_ROUNDS ?? 30);
const APPEND_ROUNDS = Number(process.env.SEARCH_APPEND_ROUNDS ?? 6);
const APPENDS = Number(process.env.SEARCH_APPENDS ?? 3000);
const STORES = (process.env.SEARCH_STORES ?? 'sqlite,postgres').split(',') as StoreName[];

const t0 = performance.now();
const say = (line: string) =>
  process.stdout.write(`[${Math.round((performance.now() - t0) / 1000)}s] ${line}\n`);

// ---- the data ---------------------------------------------------------------------------
const COMMON = [
  'payment',
  'refund',
  'card',
  'transfer',
  'failed',
  'money',
  'account',
  'please',
  'help',
  'order',
  'платёж',
  'деньги',
  'карта',
  'перевод',
  'не',
  'прошёл',
  'возврат',
  'помогите',
  'toʻlov',
  'pul',
  'karta',
  'oʻtmadi',
  'yordam',
  'bering',
  'hisob',
  'qaytarish',
  'salom',
];
let lcg = 42;
const rand = (n: number) => {
  lcg = (lcg * 1103515245 + 12345) & 0x7fffffff;
  return lcg % n;
};
const LETTERS = 'abcdefghijklmnopqrstuvwxyzабвгдежзиклмнопрстуфхцчшщыэюя';
/** 50,000 rare words: the long tail of a real desk's vocabulary. */
const RARE = Array.from({ length: 50_000 }, () =>
  Array.from({ length: 4 + rand(6) }, () => LETTERS[rand(LETTERS.length)]).join(''),
);
const transactionIds: string[] = [];
function text(i: number): string {
  const words: string[] = [];
  const n = 4 + rand(10);
  for (let k = 0; k < n; k++)
    words.push(
      rand(3) === 0 ? (RARE[rand(RARE.length)] as string) : (COMMON[rand(COMMON.length)] as string),
    );
  if (i % 5 === 0) {
    const id = String(10_000_000 + rand(89_999_999));
    if (transactionIds.length < 1000) transactionIds.push(id);
    words.splice(rand(words.length), 0, rand(2) ? `#${id}` : `ORD-2024-${id}`);
  }
  return words.join(' ');
}

const ADMIN = person('bench-admin', 'Bench Admin', 'admin');
const SUPER = person('bench-super', 'Bench Super', 'superadmin');
const statusOf = (c: number) => (c % 100 === 0 ? 'active' : c % 3 === 0 ? 'waiting' : 'closed');

interface Seeded {
  config: DatabaseConfig;
  names: string[];
}

const configOf = (url: string): DatabaseConfig =>
  url.startsWith('sqlite:')
    ? { kind: 'sqlite', path: url.slice('sqlite:'.length) }
    : { kind: 'postgres', url };

/** Chats, then messages in batches of 10,000, in time order; indexes kept as the server keeps them. */
async function seed(url: string): Promise<Seeded> {
  const config = configOf(url);
  await (await openStore(config)).close(); // migrated
  const base = Date.now() - MESSAGES * 1000;
  const chatIds = Array.from({ length: CHATS }, (_, c) => newId(base + c));
  const names = chatIds.map((_, c) => `${RARE[c] as string} Karimov${c}`);
  const chatRows = chatIds.map((id, c) => ({
    id,
    userId: `user-${c}`,
    userName: names[c] as string,
    status: statusOf(c),
    admin: statusOf(c) === 'waiting' ? null : c % 100 === 0 ? ADMIN.id : 'someone-else',
  }));
  const at = new Date(base).toISOString();
  const perChat = Math.ceil(MESSAGES / CHATS);
  const batch = (from: number, to: number) => {
    const rows = [];
    for (let i = from; i < to; i++) {
      const c = i % CHATS;
      rows.push({
        id: newId(base + i * 1000),
        chatId: chatIds[c] as string,
        seq: Math.floor(i / CHATS) + 1,
        content: text(i),
        at: new Date(base + i * 1000).toISOString(),
      });
    }
    return rows;
  };
  if (config.kind === 'sqlite') {
    const db = new BetterSqlite3(config.path);
    db.pragma('journal_mode = WAL');
    const chat = db.prepare(
      `INSERT INTO chats (id, userId, userName, status, assignedAdminId, isLocked, lastMessage, lastMessageAt, unreadCount, userOnline, lastSeq, createdAt, updatedAt)
       VALUES (?, ?, ?, ?, ?, 0, '', ?, 0, 0, ?, ?, ?)`,
    );
    const message = db.prepare(
      `INSERT INTO messages (id, chatId, seq, senderId, senderType, senderName, content, messageType, isRead, createdAt, updatedAt)
       VALUES (?, ?, ?, 'u', 'user', 'U', ?, 'text', 1, ?, ?)`,
    );
    db.transaction(() => {
      for (const r of chatRows)
        chat.run(r.id, r.userId, r.userName, r.status, r.admin, at, perChat, at, at);
    })();
    // Indexed as the server's indexer would, in batches after the inserts.
    const kdb = new Kysely<Database>({
      dialect: new SqliteDialect({ database: { prepare: (t) => db.prepare(t), close: () => {} } }),
    });
    for (let from = 0; from < MESSAGES; from += 10_000) {
      const rows = batch(from, Math.min(MESSAGES, from + 10_000));
      db.transaction(() => {
        for (const r of rows) message.run(r.id, r.chatId, r.seq, r.content, r.at, r.at);
      })();
      while ((await indexPendingMessages(kdb, 'sqlite', 10_000)) >= 10_000);
      if (from % 200_000 === 0) say(`  sqlite: ${from} messages`);
    }
    await kdb.destroy();
    db.pragma('optimize');
    const size = (like: string) =>
      Number(
        (
          db.prepare('SELECT sum(pgsize) AS n FROM dbstat WHERE name LIKE ?').get(like) as {
            n: number | null;
          }
        ).n ?? 0,
      );
    say(
      `  sqlite sizes: messages ${mb(size('messages'))} MB, search index ${mb(size('messages_search%'))} MB`,
    );
    db.close();
  } else {
    const client = new pg.Client({ connectionString: config.url });
    await client.connect();
    await client.query(
      `INSERT INTO chats (id, "userId", "userName", status, "assignedAdminId", "isLocked", "lastMessage", "lastMessageAt", "unreadCount", "userOnline", "lastSeq", "createdAt", "updatedAt")
       SELECT id, u, n, s, a, 0, '', $6, 0, 0, $7, $6, $6 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(id, u, n, s, a)`,
      [
        chatRows.map((r) => r.id),
        chatRows.map((r) => r.userId),
        chatRows.map((r) => r.userName),
        chatRows.map((r) => r.status),
        chatRows.map((r) => r.admin),
        at,
        perChat,
      ],
    );
    for (let from = 0; from < MESSAGES; from += 10_000) {
      const rows = batch(from, Math.min(MESSAGES, from + 10_000));
      await client.query(
        `INSERT INTO messages (id, "chatId", seq, "senderId", "senderType", "senderName", content, "messageType", "isRead", "createdAt", "updatedAt")
         SELECT id, c, s, 'u', 'user', 'U', b, 'text', 1, t, t FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[]) AS x(id, c, s, b, t)`,
        [
          rows.map((r) => r.id),
          rows.map((r) => r.chatId),
          rows.map((r) => r.seq),
          rows.map((r) => r.content),
          rows.map((r) => r.at),
        ],
      );
      if (from % 200_000 === 0) say(`  postgres: ${from} messages`);
    }
    await client.query('VACUUM ANALYZE messages');
    await client.query('VACUUM ANALYZE chats');
    // Its terms' statistics tell the planner a rare word (GIN) from a common one (newest first).
    await client.query('VACUUM ANALYZE message_search');
    await client.query('CHECKPOINT');
    const { rows } = await client.query<{ messages: string; search: string }>(
      `SELECT pg_total_relation_size('messages') AS messages,
              pg_total_relation_size('message_search') AS search`,
    );
    say(
      `  postgres sizes: messages with their indexes ${mb(Number(rows[0]?.messages))} MB, message_search with its GIN index ${mb(Number(rows[0]?.search))} MB`,
    );
    await client.end();
  }
  return { config, names };
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

async function timeSearches(store: Store, names: string[]) {
  const queries = (round: number) => [
    transactionIds[round % transactionIds.length] as string,
    `ORD-2024-${transactionIds[(round * 7) % transactionIds.length]}`,
    'refund',
    'pay',
    'платёж не',
    "to'lov",
    'karta oʻtmadi',
    RARE[(round * 13) % RARE.length] as string,
    'nowhereword',
    (names[(round * 31) % names.length] as string).split(' ')[1] as string,
    '"NEAR(* -x',
  ];
  const times: number[] = [];
  const byQuery = new Map<string, number[]>();
  for (let round = 0; round < QUERY_ROUNDS; round++) {
    for (const [k, q] of queries(round).entries()) {
      for (const viewer of [SUPER, ADMIN]) {
        const started = performance.now();
        const first = await store.search({ phrases: parseQuery(q), text: q, viewer, limit: 20 });
        if (first.next)
          await store.search({
            phrases: parseQuery(q),
            text: q,
            viewer,
            limit: 20,
            cursor: first.next,
          });
        const ms = (performance.now() - started) / (first.next ? 2 : 1);
        times.push(ms);
        const key = `${k}:${viewer.role}`;
        byQuery.set(key, [...(byQuery.get(key) ?? []), ms]);
      }
    }
  }
  times.sort((a, b) => a - b);
  const worst = [...byQuery.entries()]
    .map(([key, ms]) => [key, Math.max(...ms)] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3);
  return {
    n: times.length,
    p50: pct(times, 50),
    p99: pct(times, 99),
    max: times.at(-1) ?? 0,
    worst,
  };
}

// ---- append cost -----------------------------------------------------------------------
/** CPU (ms) of every postgres process on this machine (the database server's work). */
function postgresCpuMs(): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {}
  }
  return ticks * 10;
}

/** CPU (ms) of each of these processes now (a process gone counts 0). */
function cpuMsOf(pids: number[]): Map<number, number> {
  const cpu = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpu.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      cpu.set(pid, 0);
    }
  }
  return cpu;
}

/**
 * The server processes of this database's connections: their CPU is this bench's alone,
 * where every postgres process's counts whatever else the shared machine runs.
 */
async function ownBackends(client: pg.Client): Promise<number[]> {
  const { rows } = await client.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  return rows.map((r) => r.pid);
}

async function appendRound(url: string, withIndex: boolean) {
  const config = configOf(url);
  if (!withIndex) {
    await (await openStore(config)).close();
    if (config.kind === 'sqlite') {
      const db = new BetterSqlite3(config.path);
      db.exec('DROP TRIGGER chats_search_insert');
      db.close();
    } else {
      const client = new pg.Client({ connectionString: config.url });
      await client.connect();
      await client.query('DROP TRIGGER message_search_add ON messages; DROP INDEX chats_search');
      await client.end();
    }
  }
  const store = await openStore(config);
  let longestBatchMs = 0;
  // The indexer's own CPU (its batch runs synchronously inside the call, so little else
  // is counted with it): the rest is the appends'.
  let indexerCpuUs = 0;
  let indexed = 0;
  const batch = TUNABLES.searchIndexBatch.value;
  const indexSearch = async (max: number) => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const n = await store.indexSearch(max);
    const used = process.cpuUsage(cpu);
    indexerCpuUs += used.user + used.system;
    indexed += n;
    longestBatchMs = Math.max(longestBatchMs, performance.now() - started);
    return n;
  };
  const chats = [];
  for (let c = 0; c < 50; c++)
    chats.push((await store.openChat({ userId: `a-${c}`, userName: 'U', online: false })).chat);
  const cpu0 = process.cpuUsage();
  const pg0 = config.kind === 'postgres' ? postgresCpuMs() : 0;
  const watcher =
    config.kind === 'postgres' ? new pg.Client({ connectionString: config.url }) : undefined;
  await watcher?.connect();
  const own0 = watcher ? cpuMsOf(await ownBackends(watcher)) : new Map<number, number>();
  const started = performance.now();
  const indexer =
    withIndex && config.kind === 'sqlite'
      ? startSearchIndexer({
          store: { indexSearch },
          everyMs: TUNABLES.searchIndexEveryMs.value,
          batch,
          onError: (err) => {
            throw err;
          },
        })
      : undefined;
  let sent = 0;
  await Promise.all(
    chats.map(async (chat) => {
      while (sent < APPENDS) {
        sent++;
        await store.appendMessage(userDraft(chat, text(sent)));
      }
    }),
  );
  const wallUs = ((performance.now() - started) * 1000) / APPENDS;
  if (indexer) {
    await indexer.stop();
    // What the indexer had not reached yet is its cost too.
    while ((await indexSearch(batch)) >= batch);
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuUs =
    config.kind === 'postgres'
      ? ((postgresCpuMs() - pg0) * 1000) / APPENDS
      : (cpu.user + cpu.system) / APPENDS;
  let ownCpuUs = cpuUs;
  if (watcher) {
    const own1 = cpuMsOf(await ownBackends(watcher));
    let ms = 0;
    for (const [pid, now] of own1) ms += now - (own0.get(pid) ?? 0);
    ownCpuUs = (ms * 1000) / APPENDS;
    await watcher.end();
  }
  await store.close();
  if (withIndex && config.kind === 'sqlite' && indexed < APPENDS)
    throw new Error(`indexed ${indexed} of ${APPENDS}`);
  return {
    wallUs,
    cpuUs,
    ownCpuUs,
    longestBatchMs,
    appendCpuUs: cpuUs - indexerCpuUs / APPENDS,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** The query mix on a seeded store, after one unmeasured pass that warms its caches. */
async function searchTimes(config: DatabaseConfig, names: string[]) {
  const store = await openStore(config);
  try {
    await timeSearches(store, names);
    return await timeSearches(store, names);
  } finally {
    await store.close();
  }
}

/** For `npm run bench` (BENCH_SCALE=1): search p50/p99 on a freshly seeded store. */
export async function searchScenario(url: string): Promise<{ p50: number; p99: number }> {
  const { config, names } = await seed(url);
  return searchTimes(config, names);
}

async function main() {
  const databases = benchDatabases('search');
  const stores =
    STORES.includes('postgres') && !(await pgReachable())
      ? STORES.filter((s) => s !== 'postgres')
      : STORES;
  const lines: string[] = [];
  try {
    for (const storeName of stores) {
      say(`${storeName}: seeding ${MESSAGES} messages over ${CHATS} chats`);
      const seededAt = performance.now();
      const { config, names } = await seed(await databases.fresh(storeName));
      say(`${storeName}: seeded in ${Math.round((performance.now() - seededAt) / 1000)} s`);
      const r = await searchTimes(config, names);
      const line = `search ${storeName} ${MESSAGES} messages: ${r.n} searches, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms; slowest ${r.worst.map(([k, ms]) => `${k} ${ms.toFixed(1)}`).join(', ')}`;
      say(line);
      lines.push(line);

      const runs: Record<
        'with' | 'without',
        {
          wallUs: number;
          cpuUs: number;
          ownCpuUs: number;
          longestBatchMs: number;
          appendCpuUs: number;
        }[]
      > = {
        with: [],
        without: [],
      };
      for (let round = 0; round < APPEND_ROUNDS; round++) {
        const order: ('with' | 'without')[] =
          round % 2 === 0 ? ['with', 'without'] : ['without', 'with'];
        for (const side of order)
          runs[side].push(await appendRound(await databases.fresh(storeName), side === 'with'));
      }
      const w = {
        wall: median(runs.with.map((r) => r.wallUs)),
        cpu: median(runs.with.map((r) => r.cpuUs)),
      };
      const wo = {
        wall: median(runs.without.map((r) => r.wallUs)),
        cpu: median(runs.without.map((r) => r.cpuUs)),
      };
      const cost = `append ${storeName} (${APPEND_ROUNDS} rounds × ${APPENDS}, medians): with index ${w.wall.toFixed(0)} µs wall / ${w.cpu.toFixed(0)} µs CPU per message, without ${wo.wall.toFixed(0)} / ${wo.cpu.toFixed(0)}: CPU +${(((w.cpu - wo.cpu) / wo.cpu) * 100).toFixed(1)}%, wall +${(((w.wall - wo.wall) / wo.wall) * 100).toFixed(1)}%; the appends' own CPU with the indexer beside them ${median(runs.with.map((r) => r.appendCpuUs)).toFixed(0)} µs (+${(((median(runs.with.map((r) => r.appendCpuUs)) - wo.cpu) / wo.cpu) * 100).toFixed(1)}%); this database's backends only ${median(runs.with.map((r) => r.ownCpuUs)).toFixed(0)} / ${median(runs.without.map((r) => r.ownCpuUs)).toFixed(0)} µs; longest indexing batch ${Math.max(...runs.with.map((r) => r.longestBatchMs)).toFixed(1)} ms`;
      say(cost);
      lines.push(cost);
    }
  } finally {
    await databases.dropAll();
  }
  process.stdout.write(`\n${lines.join('\n')}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
