/**
 * The store at scale: 10,000,000 messages (10,000 chats × 1,000), seeded once per store by
 * bulk SQL (not through the server) and kept between runs under a name that says its shape
 * (SQLite: BENCH_CACHE/scale-<chats>x<perChat>.db; PostgreSQL: the database
 * chat_bench_scale_<chats>x<perChat>), so only the first run pays for the seed (minutes).
 * On it: the real server's start-up (spawn to the first 200 from /health, existing database)
 * and history pages, cursor and v2 page mode, at random chats after a warm-up.
 *
 * The seed fills what a history page and a start-up touch (chats, messages and their
 * indexes); it leaves the search index empty and marked up to date (bench/search.ts measures
 * search on its own million), which keeps the cache about 5 GB per store.
 * `npm run bench:scale` runs it alone; `BENCH_SCALE=1 npm run bench` adds it to the run.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { PG_ADMIN, pgReachable, type StoreName } from './databases.js';
import { type PageMode, timePages } from './history.js';
import { cacheFolder } from './import.js';
import { startServer } from './processes.js';

export const SCALE_CHATS = Number(process.env.BENCH_SCALE_CHATS ?? 10_000);
export const SCALE_PER_CHAT = 1000;
const shape = `${SCALE_CHATS}x${SCALE_PER_CHAT}`;

/** The issue's targets at 10M messages. */
export const SCALE_TARGETS = { pageP99Ms: 10, startupMs: 500 };

/** Chat c's id and message (c, s)'s id: 24 hex characters, ascending in seed order. */
const hex23 = (store: StoreName, n: string): string =>
  store === 'postgres' ? `lpad(to_hex(${n}), 23, '0')` : `printf('%023x', ${n})`;
const chatIdSql = (store: StoreName, c: string) => `'6' || ${hex23(store, c)}`;
const messageIdSql = (store: StoreName, c: string, s: string) =>
  `'5' || ${hex23(store, `CAST(${c} AS bigint) * 1048576 + ${s}`)}`;
const chatIdOf = (c: number): string => `6${c.toString(16).padStart(23, '0')}`;
export const scaleChatIds = (): string[] =>
  Array.from({ length: SCALE_CHATS }, (_, c) => chatIdOf(c));

const SEED_AT = '2026-01-01T00:00:00.000Z';
const CHATS_PER_TRANSACTION = 500;

/** The server's own migrations on a fresh database: start it once, stop it. */
async function migrate(store: StoreName, url: string): Promise<void> {
  const server = await startServer(store, url);
  await server.stop();
}

async function seedSqliteFile(path: string, say: (line: string) => void): Promise<void> {
  await migrate('sqlite', `sqlite:${path}`);
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const chats = db.prepare(
    `WITH RECURSIVE c(n) AS (SELECT ? UNION ALL SELECT n + 1 FROM c WHERE n + 1 < ?)
     INSERT INTO chats (id, userId, userName, status, isLocked, lastMessage, lastMessageAt, unreadCount, userOnline, lastSeq, createdAt, updatedAt)
     SELECT ${chatIdSql('sqlite', 'n')}, 'seed-' || n, 'Seed', 'closed', 0, 'seed', '${SEED_AT}', 0, 0, ${SCALE_PER_CHAT}, '${SEED_AT}', '${SEED_AT}' FROM c`,
  );
  const messages = db.prepare(
    `WITH RECURSIVE c(n) AS (SELECT ? UNION ALL SELECT n + 1 FROM c WHERE n + 1 < ?),
       s(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM s WHERE k < ${SCALE_PER_CHAT})
     INSERT INTO messages (id, chatId, seq, senderId, senderType, senderName, content, messageType, isRead, createdAt, updatedAt)
     SELECT ${messageIdSql('sqlite', 'n', 'k')}, ${chatIdSql('sqlite', 'n')}, k, 'seed-' || n, 'user', 'Seed',
       'seeded message ' || k || ' of chat ' || n, 'text', 0, '${SEED_AT}', '${SEED_AT}'
     FROM c, s ORDER BY n, k`,
  );
  for (let from = 0; from < SCALE_CHATS; from += CHATS_PER_TRANSACTION) {
    const to = Math.min(SCALE_CHATS, from + CHATS_PER_TRANSACTION);
    db.transaction(() => {
      chats.run(from, to);
      messages.run(from, to);
    })();
    say(`  sqlite: ${(to * SCALE_PER_CHAT).toLocaleString('en-US')} messages`);
  }
  // The search index: left empty, marked as having reached the last message (see above).
  db.exec(`UPDATE search_indexed SET "indexedThrough" = (SELECT max(rowid) FROM messages)`);
  db.exec('ANALYZE');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** The cached SQLite file, seeded when missing (written aside, renamed when complete). */
export async function scaleSqlite(say: (line: string) => void): Promise<string> {
  const folder = cacheFolder();
  mkdirSync(folder, { recursive: true });
  const path = join(folder, `scale-${shape}.db`);
  if (existsSync(path)) return `sqlite:${path}`;
  const partial = `${path}.partial`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true });
  say(
    `scale sqlite: seeding ${(SCALE_CHATS * SCALE_PER_CHAT).toLocaleString('en-US')} messages into ${path} (kept for later runs)`,
  );
  await seedSqliteFile(partial, say);
  renameSync(partial, path);
  return `sqlite:${path}`;
}

function pgUrl(database: string): string {
  const url = new URL(PG_ADMIN);
  url.pathname = `/${database}`;
  return url.toString();
}

async function pgAdmin<T>(use: (client: pg.Client) => Promise<T>, url = PG_ADMIN): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

async function seedPostgresDatabase(url: string, say: (line: string) => void): Promise<void> {
  await migrate('postgres', url);
  await pgAdmin(async (client) => {
    // No triggers (the search index's) and no foreign-key checks while seeding.
    await client.query('SET session_replication_role = replica');
    await client.query('SET synchronous_commit = off');
    for (let from = 0; from < SCALE_CHATS; from += CHATS_PER_TRANSACTION) {
      const to = Math.min(SCALE_CHATS, from + CHATS_PER_TRANSACTION) - 1;
      await client.query(
        `INSERT INTO chats (id, "userId", "userName", status, "isLocked", "lastMessage", "lastMessageAt", "unreadCount", "userOnline", "lastSeq", "createdAt", "updatedAt")
         SELECT ${chatIdSql('postgres', 'n')}, 'seed-' || n, 'Seed', 'closed', 0, 'seed', '${SEED_AT}', 0, 0, ${SCALE_PER_CHAT}, '${SEED_AT}', '${SEED_AT}'
         FROM generate_series($1::int, $2::int) AS n`,
        [from, to],
      );
      await client.query(
        `INSERT INTO messages (id, "chatId", seq, "senderId", "senderType", "senderName", content, "messageType", "isRead", "createdAt", "updatedAt")
         SELECT ${messageIdSql('postgres', 'n', 'k')}, ${chatIdSql('postgres', 'n')}, k, 'seed-' || n, 'user', 'Seed',
           'seeded message ' || k || ' of chat ' || n, 'text', 0, '${SEED_AT}', '${SEED_AT}'
         FROM generate_series($1::int, $2::int) AS n, generate_series(1, ${SCALE_PER_CHAT}) AS k
         ORDER BY n, k`,
        [from, to],
      );
      say(`  postgres: ${((to + 1) * SCALE_PER_CHAT).toLocaleString('en-US')} messages`);
    }
    // A steady-state store: no autovacuum over fresh rows, no dirty pages, during the runs.
    await client.query('VACUUM ANALYZE');
    await client.query('CHECKPOINT');
  }, url);
}

/** The cached PostgreSQL database, seeded when missing (as *_partial, renamed when complete). */
export async function scalePostgres(say: (line: string) => void): Promise<string> {
  const name = `chat_bench_scale_${shape}`;
  const partial = `${name}_partial`;
  const exists = await pgAdmin(async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rowCount === 1;
  });
  if (exists) return pgUrl(name);
  say(
    `scale postgres: seeding ${(SCALE_CHATS * SCALE_PER_CHAT).toLocaleString('en-US')} messages into ${name} (kept for later runs)`,
  );
  await pgAdmin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${partial} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${partial}`);
  });
  await seedPostgresDatabase(pgUrl(partial), say);
  await pgAdmin((client) => client.query(`ALTER DATABASE ${partial} RENAME TO ${name}`));
  return pgUrl(name);
}

export interface ScaleOptions {
  stores: StoreName[];
  rounds: number;
  pageReads: number;
  say: (line: string) => void;
  record: (scenario: string, store: StoreName, value: number) => void;
}

/** Start-up and history pages on the 10M store, `rounds` times per store, alternated. */
export async function scaleScenario({ stores, rounds, pageReads, say, record }: ScaleOptions) {
  const urls = new Map<StoreName, string>();
  for (const store of stores) {
    urls.set(store, store === 'sqlite' ? await scaleSqlite(say) : await scalePostgres(say));
  }
  const label = `${(SCALE_CHATS * SCALE_PER_CHAT) / 1e6}M`;
  for (let round = 1; round <= rounds; round++) {
    for (const store of stores) {
      const server = await startServer(store, urls.get(store) as string);
      record(`startup on ${label} messages (ms)`, store, server.startMs);
      const line = [
        `scale ${store} round ${round}/${rounds}: start-up ${server.startMs.toFixed(0)} ms`,
      ];
      for (const mode of ['cursor', 'page'] as PageMode[]) {
        const pages = await timePages(server.url, scaleChatIds(), pageReads, {
          perChat: SCALE_PER_CHAT,
          mode,
        });
        record(`history ${mode} page p99 on ${label} (ms)`, store, pages.p99);
        record(`history ${mode} page p50 on ${label} (ms)`, store, pages.p50);
        line.push(`${mode} p50 ${pages.p50.toFixed(2)} p99 ${pages.p99.toFixed(2)} ms`);
      }
      say(line.join(', '));
      await server.stop();
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const stores: StoreName[] = ['sqlite'];
  if (await pgReachable()) stores.push('postgres');
  await scaleScenario({
    stores,
    rounds: Number(process.env.SCALE_ROUNDS ?? 3),
    pageReads: Number(process.env.SCALE_PAGE_READS ?? 1000),
    say: (line) => process.stderr.write(`${line}\n`),
    record: () => {},
  });
}
