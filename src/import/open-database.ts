/**
 * The import's connection to the configured store: the server's schema and migrations, one
 * connection (the staging table is a TEMP table, private to it), and every difference
 * between SQLite and PostgreSQL the import has: this set-up, and which form of the staging
 * insert to use (staging-insert.ts). Every other statement (ON CONFLICT, RETURNING, window
 * functions, UPDATE … FROM (VALUES …)) is written once and runs on both.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, type SqliteDatabase, SqliteDialect } from 'kysely';
import type { DatabaseConfig } from '../config.js';
import { migrateToLatest } from '../store/migrations.js';
import type { Database, MessagesTable } from '../store/schema.js';
import { type StagingInsert, unnestStagingInsert, valuesStagingInsert } from './staging-insert.js';

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
  close(): Promise<void>;
}

const CACHED_STATEMENTS = 32;

/**
 * Kysely's SQLite driver prepares every query it runs; the import runs the same few large
 * statements thousands of times (see reusable-insert.ts), and preparing a 12,000-parameter
 * INSERT each time cost ~1.7 ms. A prepared statement is reusable, so keep the recent ones.
 */
function reusingStatements(database: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(text) {
      let statement = cache.get(text);
      if (statement === undefined) {
        statement = database.prepare(text);
        if (cache.size >= CACHED_STATEMENTS) cache.delete(cache.keys().next().value as string);
        cache.set(text, statement);
      }
      return statement;
    },
    close: () => database.close(),
  };
}

async function openSqlite(path: string): Promise<Kysely<ImportTables>> {
  const { default: Sqlite } = await import('better-sqlite3');
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new Sqlite(path);
  // As the server opens it (src/store/sqlite.ts), so the file stays in WAL mode with
  // every commit fsynced; the import commits large batches, so FULL costs little.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // 64 MiB of page cache for the index inserts and the per-chat sort of the staged messages.
  database.pragma('cache_size = -65536');
  return new Kysely<ImportTables>({
    dialect: new SqliteDialect({ database: reusingStatements(database) }),
  });
}

async function openPostgres(url: string): Promise<Kysely<ImportTables>> {
  const { default: pg } = await import('pg');
  // One connection, never closed while idle: the TEMP staging table lives in its session.
  const pool = new pg.Pool({ connectionString: url, max: 1, idleTimeoutMillis: 0 });
  // An idle connection that dies must not crash the process from an unhandled 'error' event;
  // the next query then fails on a fresh connection (its TEMP table gone) and so does the run.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    // A crash loses at most the last commits, and a re-run imports exactly what is missing,
    // so the import need not wait for each commit's WAL flush. work_mem: the per-chat sort.
    void client.query("SET synchronous_commit = off; SET work_mem = '64MB'");
  });
  return new Kysely<ImportTables>({ dialect: new PostgresDialect({ pool }) });
}

export async function openImportDatabase(config: DatabaseConfig): Promise<ImportDatabase> {
  const db =
    config.kind === 'postgres' ? await openPostgres(config.url) : await openSqlite(config.path);
  try {
    await migrateToLatest(db as unknown as Kysely<unknown>);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const insertStaged = config.kind === 'postgres' ? unnestStagingInsert() : valuesStagingInsert(db);
  return { kind: config.kind, db, insertStaged, close: () => db.destroy() };
}
