import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { TUNABLES } from '../tunables.js';
import { errorCode } from './error-code.js';
import type { Gathering } from './group-commit.js';
import { KyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrations.js';
import type { Database } from './schema.js';
import { sqliteAppender } from './sqlite-append.js';
import { type SqliteBlobFile, sqliteBlobFile } from './sqlite-blobs.js';
import { lockBeside, lockExclusively } from './sqlite-lock.js';
import { cachingStatements } from './sqlite-statements.js';
import { type SqliteWriter, sqliteWriter } from './sqlite-writer.js';
import type { Store } from './store.js';
import { WRITER_EXITED } from './thread-client.js';
import { type SyncFile, WAL_SYNC_CLOSED, walSync } from './wal-sync.js';

export { SqliteFileInUse } from './sqlite-lock.js';

/**
 * Result families (extended codes such as SQLITE_IOERR_FSYNC or SQLITE_READONLY_DBMOVED
 * start with theirs) that mean "the file cannot be written or read now": a 503, not a bug.
 */
const UNAVAILABLE = [
  'SQLITE_BUSY',
  'SQLITE_IOERR',
  'SQLITE_CANTOPEN',
  'SQLITE_FULL',
  'SQLITE_READONLY',
  'SQLITE_CORRUPT',
  'SQLITE_NOTADB',
  // Not SQLite's: the writer thread died with writes in hand (sqlite-writer.ts).
  WRITER_EXITED,
  // Not SQLite's: an append committed as the store closed (wal-sync.ts).
  WAL_SYNC_CLOSED,
];

export interface SqliteOptions {
  /** Runs on the raw handle once it is open (tests use it to simulate a full disk). */
  onOpen?: (database: BetterSqlite3.Database) => void;
  /** The size of each group-commit batch (metrics). */
  onBatch?: ((size: number) => void) | undefined;
  /** Prepared statements kept for reuse (benches compare 0, none, with the tunable). */
  statementCache?: number;
  /** Appends on a worker thread (sqlite-writer.ts); `:memory:` has no file to share. */
  writerThread?: boolean;
  /** Given the writer thread's handle (tests stop the thread to see what a crash does). */
  onWriter?: (writer: SqliteWriter) => void;
  /** Appends answered after a WAL sync on libuv's pool (wal-sync.ts); `:memory:` has no file. */
  syncOnPool?: boolean;
  /** Whether an append batch under load waits for more (default: the catalogue's). */
  gathering?: Gathering;
  /** WAL pages after which a commit checkpoints (default: the catalogue's). */
  walAutocheckpointPages?: number;
  /** How the WAL file is synced after an append's commit (tests slow it or make it fail). */
  syncFile?: SyncFile;
  /** Given the blob file's handle (tests stop its thread to see what a crash does). */
  onBlobFile?: (file: SqliteBlobFile) => void;
}

/** Attachments' chunks beside the database (sqlite-blobs.ts); `:memory:` keeps them inside. */
export const blobFilePath = (path: string): string => `${path}.blobs`;

function blobFileFor(path: string, options: SqliteOptions): SqliteBlobFile {
  const file = sqliteBlobFile({
    path: blobFilePath(path),
    busyTimeoutMs: TUNABLES.sqliteBusyTimeoutMs.value,
  });
  options.onBlobFile?.(file);
  return file;
}

const walAutocheckpointPages = (options: SqliteOptions): number =>
  options.walAutocheckpointPages ?? TUNABLES.sqliteWalAutocheckpointPages.value;

function writerFor(path: string, options: SqliteOptions): SqliteWriter {
  const writer = sqliteWriter({
    path,
    busyTimeoutMs: TUNABLES.sqliteBusyTimeoutMs.value,
    walAutocheckpointPages: walAutocheckpointPages(options),
  });
  options.onWriter?.(writer);
  return writer;
}

/** Opens (creating if needed) an SQLite file, or `:memory:`, and migrates it. */
export async function openSqliteStore(path: string, options: SqliteOptions = {}): Promise<Store> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const onThread =
    path !== ':memory:' && (options.writerThread ?? TUNABLES.sqliteWriterThread.value > 0);
  // Held in either mode: a v2 import takes it too, so neither runs beside the other.
  const lock = path !== ':memory:' ? lockBeside(path) : undefined;
  let database: BetterSqlite3.Database | undefined;
  try {
    database = new BetterSqlite3(path, { timeout: TUNABLES.sqliteLockWaitMs.value });
    // WAL lets readers run beside the writer; the writer thread's connection shares the file.
    if (onThread) database.pragma('journal_mode = WAL');
    else if (path !== ':memory:') lockExclusively(database, path);
    return await storeOn(database, path, onThread, options, lock);
  } catch (err) {
    // Nothing half-open stays behind a store that failed to open (a migration refused, say).
    database?.close();
    lock?.close();
    throw err;
  }
}

async function storeOn(
  database: BetterSqlite3.Database,
  path: string,
  onThread: boolean,
  options: SqliteOptions,
  lock: BetterSqlite3.Database | undefined,
): Promise<Store> {
  // synchronous=FULL fsyncs every commit, so an acknowledged message survives a power
  // cut, not only a process crash.
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma(`cache_size = -${Math.ceil(TUNABLES.sqliteCacheBytes.value / 1024)}`);
  database.pragma(`busy_timeout = ${TUNABLES.sqliteBusyTimeoutMs.value}`);
  database.pragma(`wal_autocheckpoint = ${walAutocheckpointPages(options)}`);
  options.onOpen?.(database);
  const syncOnPool =
    !onThread && path !== ':memory:' && (options.syncOnPool ?? TUNABLES.sqliteSyncOnPool.value > 0);
  const wal = syncOnPool ? walSync(path, options.syncFile) : undefined;
  const statements = cachingStatements(
    database,
    options.statementCache ?? TUNABLES.sqliteStatementCache.value,
    {
      afterClose: () => lock?.close(),
      immediate: onThread,
    },
  );
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: statements }) });
  try {
    await migrateToLatest(db as Kysely<unknown>);
  } catch (err) {
    await wal?.close();
    throw err;
  }
  return new KyselyStore(db, {
    kind: 'sqlite',
    // This process owns the file (see lockExclusively), and every write passes through
    // it and refreshes the cache.
    chatCacheMs: TUNABLES.sqliteChatCacheMs.value,
    writers: TUNABLES.sqliteWriters.value,
    readers: TUNABLES.sqliteReaders.value,
    markReadChunk: TUNABLES.sqliteMarkReadChunk.value,
    appender: onThread ? writerFor(path, options) : sqliteAppender(database, db, wal),
    chunkFile: path === ':memory:' ? undefined : blobFileFor(path, options),
    durable: wal?.durable,
    failure: wal?.failure,
    afterClose: wal?.close,
    onBatch: options.onBatch,
    gathering: options.gathering,
    isUniqueViolation: (err) => errorCode(err).startsWith('SQLITE_CONSTRAINT_UNIQUE'),
    isUnavailable: (err) => UNAVAILABLE.some((family) => errorCode(err).startsWith(family)),
  });
}
