import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';
import { KyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrations.js';
import type { Database } from './schema.js';
import { configureConnection } from './sqlite-appender.cjs';
import { sqliteFastPath } from './sqlite-fast-path.js';
import type { Store } from './store.js';

function sqliteCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
}

/**
 * Kysely's SQLite transactions, begun IMMEDIATE: the appender thread writes through its own
 * connection, and a deferred transaction that read before that commit could not write
 * after it (SQLITE_BUSY_SNAPSHOT). Taking the write lock first makes it wait instead.
 */
class ImmediateTransactionsDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class SqliteImmediateDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }
  override createDriver(): Driver {
    return new ImmediateTransactionsDriver(this.settings);
  }
}

/** Opens (creating if needed) an SQLite file, or `:memory:`, and migrates it. */
export async function openSqliteStore(path: string): Promise<Store> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new BetterSqlite3(path);
  configureConnection(database);
  const db = new Kysely<Database>({ dialect: new SqliteImmediateDialect({ database }) });
  await migrateToLatest(db as Kysely<unknown>);
  let fastPath: Awaited<ReturnType<typeof sqliteFastPath>>;
  try {
    fastPath = await sqliteFastPath(database, path);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return new KyselyStore(db, {
    kind: 'sqlite',
    // One process owns the file, and every write passes through it and refreshes the cache.
    chatCacheMs: 60_000,
    writers: 1,
    fastPath,
    onClose: fastPath.close,
    isUniqueViolation: (err) => sqliteCode(err).startsWith('SQLITE_CONSTRAINT_UNIQUE'),
    isUnavailable: (err) =>
      ['SQLITE_BUSY', 'SQLITE_IOERR', 'SQLITE_CANTOPEN'].includes(sqliteCode(err)),
  });
}
