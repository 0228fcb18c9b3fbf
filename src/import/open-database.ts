/**
 * The import's connection to the configured store: the server's schema and migrations, and
 * every difference between SQLite and PostgreSQL the import has: this set-up, how many
 * connections write (PostgreSQL: importPostgresConnections, sharing UNLOGGED scratch tables;
 * SQLite: one, its scratch tables TEMP), and which form of the staging insert to use
 * (staging-insert.ts). Every other statement (ON CONFLICT, RETURNING, window functions,
 * UPDATE … FROM (VALUES …)) is written once and runs on both.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { type CreateTableBuilder, Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { DatabaseConfig } from '../config.js';
import { errorCode } from '../store/error-code.js';
import { migrateToLatest } from '../store/migrations.js';
import type { Database, MessagesTable } from '../store/schema.js';
import { cachingStatements } from '../store/sqlite-statements.js';
import { TUNABLES } from '../tunables.js';
import { InputError } from './input-error.js';
import { jsonStagingInsert, type StagingInsert, valuesStagingInsert } from './staging-insert.js';

/**
 * Messages read from the export, before their chat's order (and so their seq) is known, with
 * where each is in the export (to report duplicates).
 */
export type StagingTable = Omit<MessagesTable, 'seq' | 'clientMessageId'> & {
  line: number;
  document: number;
};

/** The later copies of an _id that appears more than once among the staged messages. */
export interface DuplicatesTable {
  id: string;
  line: number;
  document: number;
}

export interface ImportTables extends Database {
  v2_import_messages: StagingTable;
  v2_import_duplicates: DuplicatesTable;
}

export interface ImportDatabase {
  kind: DatabaseConfig['kind'];
  db: Kysely<ImportTables>;
  insertStaged: StagingInsert;
  /** Transactions that can run at once: one per connection. */
  connections: number;
  /**
   * A table of the import's own (staging, duplicates): TEMP on SQLite, private to its one
   * connection; UNLOGGED on PostgreSQL, where every connection of the import reads it.
   */
  scratch<TB extends string, C extends string>(
    table: CreateTableBuilder<TB, C>,
  ): CreateTableBuilder<TB, C>;
  /**
   * Refuses to go on while another import (PostgreSQL: they would share the scratch
   * tables) or a server runs on this database; held until close().
   */
  claim(): Promise<void>;
  /** Once everything is written: makes it all durable (what the commits did not wait for). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Kysely's SQLite driver prepares every query it runs; the import runs the same few large
 * statements thousands of times (see reusable-insert.ts), and preparing a 12,000-parameter
 * INSERT each time cost ~1.7 ms. A prepared statement is reusable, so keep the recent ones
 * (the store's statement cache, src/store/sqlite-statements.ts).
 */
const CACHED_STATEMENTS = 32;

/** What `PRAGMA wal_checkpoint` answers: whether it was blocked, WAL frames, frames copied. */
interface Checkpoint {
  busy: number;
  log: number;
  checkpointed: number;
}

const NOT_SETTLED =
  "another process reads the database file, so the import's last commits could not be made durable: end that process and run the import again (it brings in what is missing)";

const SERVER_RUNNING =
  'a server (or another v2 import) is running on this database: stop every server first (see docs/import-v2.md)';

/**
 * Takes `<path>.lock` as the server does (src/store/sqlite-lock.ts), held until the
 * database closes: refused while a server runs on the file (it holds that lock in either
 * mode), and a server started meanwhile refuses to start.
 */
async function lockSqlite(path: string): Promise<BetterSqlite3.Database | undefined> {
  if (path === ':memory:') return undefined;
  const { lockBeside, SqliteFileInUse } = await import('../store/sqlite-lock.js');
  try {
    return lockBeside(path);
  } catch (err) {
    if (err instanceof SqliteFileInUse) throw new InputError(SERVER_RUNNING);
    throw err;
  }
}

async function openSqlite(path: string): Promise<Kysely<ImportTables>> {
  const { default: Sqlite } = await import('better-sqlite3');
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const lock = await lockSqlite(path);
  let database: BetterSqlite3.Database | undefined;
  try {
    database = new Sqlite(path);
    // As the server opens it (src/store/sqlite.ts), so the file stays in WAL mode.
    database.pragma('journal_mode = WAL');
    // A commit need not wait for its fsync (as PostgreSQL's synchronous_commit = off below):
    // a crash loses at most the last commits, which a re-run imports, and the import
    // settles (checkpoints, fsyncing the WAL and the file) before it says it is done.
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    // 64 MiB of page cache for the index inserts and the per-chat sort of the staged messages.
    database.pragma('cache_size = -65536');
  } catch (err) {
    database?.close();
    lock?.close();
    // An older server that holds the file alone, but not the lock beside it.
    if (errorCode(err).startsWith('SQLITE_BUSY')) throw new InputError(SERVER_RUNNING);
    throw err;
  }
  return new Kysely<ImportTables>({
    dialect: new SqliteDialect({
      database: cachingStatements(database, CACHED_STATEMENTS, { afterClose: () => lock?.close() }),
    }),
  });
}

const POSTGRES_CONNECTIONS = TUNABLES.importPostgresConnections.value;

async function openPostgres(url: string): Promise<Kysely<ImportTables>> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: url,
    max: POSTGRES_CONNECTIONS,
    idleTimeoutMillis: 0,
  });
  // An idle connection that dies must not crash the process from an unhandled 'error' event;
  // its transaction, if any, fails, and so does the run (each group commits whole).
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    // A crash loses at most the last commits, and a re-run imports exactly what is missing,
    // so the import need not wait for each commit's WAL flush. work_mem: the per-chat sort.
    // Awaited by no one: a connection ended before it ran (a failed import's pool closing)
    // fails the next statement too, while an uncaught rejection here ends the process.
    client.query("SET synchronous_commit = off; SET work_mem = '64MB'").catch(() => {});
  });
  return new Kysely<ImportTables>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * The advisory lock (src/store/import-lock.ts), taken exclusively: refused while another
 * import or any server node (each holds it shared) runs on this database, and a node
 * started meanwhile refuses to start. On a connection of its own held until close(): in
 * the pool, the lock lived in whichever connection took it, and that connection's end (a
 * DBA's kill, a timeout, a proxy's restart) let it go while the import went on through a
 * new one, beside a second import sharing its scratch tables. Here its end ends the
 * import's pool too, so the import stops at its next statement instead of going on
 * unprotected.
 */
async function claimPostgres(
  url: string,
  pool: Kysely<ImportTables>,
): Promise<{ release(): Promise<void> }> {
  const { default: pg } = await import('pg');
  const { IMPORT_LOCK, importLockHolders } = await import('../store/import-lock.js');
  const holder = new pg.Client({ connectionString: url });
  await holder.connect();
  let released = false;
  const lost = () => {
    if (!released) void pool.destroy().catch(() => {});
  };
  holder.on('error', lost);
  holder.on('end', lost);
  const release = async () => {
    released = true;
    await holder.end().catch(() => {});
  };
  try {
    const { rows } = await holder.query<{ claimed: boolean }>(
      'SELECT pg_try_advisory_lock($1) AS claimed',
      [IMPORT_LOCK],
    );
    if (rows[0]?.claimed !== true) {
      const { servers } = await importLockHolders(holder);
      throw new InputError(
        servers > 0
          ? `a server is running on this database (${servers} process${servers === 1 ? '' : 'es'} of it): stop every node first (see docs/import-v2.md)`
          : 'another v2 import is running on this database: wait for it to end',
      );
    }
  } catch (err) {
    await release();
    throw err;
  }
  return { release };
}

export interface OpenOptions {
  /**
   * Claims the database (claim()) before migrating it: the import itself, so that a running
   * server (maybe of an older version) never has its schema migrated under it. Checks that
   * read what an import wrote open it unclaimed.
   */
  claimFirst?: boolean;
}

export async function openImportDatabase(
  config: DatabaseConfig,
  { claimFirst = false }: OpenOptions = {},
): Promise<ImportDatabase> {
  const db =
    config.kind === 'postgres' ? await openPostgres(config.url) : await openSqlite(config.path);
  let lock: { release(): Promise<void> } | undefined;
  const claim = async () => {
    // SQLite's claim is its lock file, taken as it opened.
    if (config.kind === 'postgres') lock ??= await claimPostgres(config.url, db);
  };
  // The pool first: its transactions still in flight end before the lock lets another
  // import (which would share the scratch tables) or a server start.
  const close = async () => {
    try {
      await db.destroy();
    } finally {
      await lock?.release();
    }
  };
  try {
    if (claimFirst) await claim();
    await migrateToLatest(db as unknown as Kysely<unknown>);
  } catch (err) {
    await close();
    throw err;
  }
  if (config.kind === 'sqlite') {
    return {
      kind: config.kind,
      db,
      insertStaged: valuesStagingInsert(db),
      connections: 1,
      scratch: (table) => table.temporary(),
      claim,
      settle: async () => {
        // A checkpoint that a reader's older snapshot held back (busy, or fewer frames
        // copied than the WAL holds) may not have synced the newest commits: not done.
        const { rows } = await sql<Checkpoint>`PRAGMA wal_checkpoint(FULL)`.execute(db);
        const result = rows[0];
        if (result?.busy !== 0 || result.checkpointed !== result.log) throw new Error(NOT_SETTLED);
      },
      close,
    };
  }
  return {
    kind: config.kind,
    db,
    insertStaged: jsonStagingInsert(),
    connections: POSTGRES_CONNECTIONS,
    scratch: (table) => table.modifyFront(sql`unlogged`),
    claim,
    // Its asynchronous commits reach the disk only within three wal_writer_delays; one
    // synchronous commit flushes the WAL up to its own record, so every commit before it.
    // It must write WAL to wait for the flush: a transactional message does (callable by
    // any role), and nothing reads it.
    settle: async () => {
      await db.transaction().execute(async (trx) => {
        await sql`SET LOCAL synchronous_commit = on`.execute(trx);
        await sql`SELECT pg_logical_emit_message(true, 'chat-import', 'settled')`.execute(trx);
      });
    },
    close,
  };
}
