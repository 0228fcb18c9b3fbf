import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { TUNABLES } from '../tunables.js';
import { errorCode } from './error-code.js';
import type { Gathering } from './group-commit.js';
import { holdServerLock, type ServerLockOptions } from './import-lock.js';
import { KyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrations.js';
import { postgresAppender } from './postgres-append.js';
import { postgresChunkReader } from './postgres-chunks.js';
import type { Database } from './schema.js';
import type { Store } from './store.js';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE']);

/**
 * Cannot use the database: network errors, SQLSTATE classes 08 (connection), 53
 * (insufficient resources: a full disk is 53100), 57P (shutdown), 25006 (a read-only
 * transaction: the server is a standby, or the database was set read-only), and a
 * database that is gone (3D000) or refusing connections.
 */
function isUnavailable(err: unknown): boolean {
  const code = errorCode(err);
  if (NETWORK_CODES.has(code) || code === '3D000' || code === '25006') return true;
  if (['08', '53', '57P'].some((cls) => code.startsWith(cls))) return true;
  const message = err instanceof Error ? err.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|not currently accepting connections/i.test(
    message,
  );
}

/** What becomes of the import lock a node holds (import-lock.ts), for its log. */
export type ImportLockEvents = Pick<ServerLockOptions, 'onLost' | 'onRetaken'>;

export async function openPostgresStore(
  url: string,
  onPoolError: (err: Error) => void,
  onBatch?: (size: number) => void,
  importLock: ImportLockEvents = { onLost: onPoolError, onRetaken: () => {} },
  gathering?: Gathering,
): Promise<Store> {
  // First: a node refuses to start (and to migrate) while a v2 import runs.
  const lock = await holdServerLock({
    url,
    connectTimeoutMs: TUNABLES.postgresConnectTimeoutMs.value,
    retryMs: TUNABLES.postgresImportLockRetryMs.value,
    keepAliveMs: TUNABLES.postgresImportLockKeepAliveMs.value,
    ...importLock,
  });
  const pool = new pg.Pool({
    connectionString: url,
    max: TUNABLES.postgresPoolSize.value,
    connectionTimeoutMillis: TUNABLES.postgresConnectTimeoutMs.value,
  });
  // An idle client losing its connection must not crash the process (the next query gets
  // a fresh one or a 503), but an operator wants to see it.
  pool.on('error', onPoolError);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatest(db as Kysely<unknown>);
  } catch (err) {
    await db.destroy();
    await lock.release();
    throw err;
  }
  return new KyselyStore(db, {
    kind: 'postgres',
    chatCacheMs: TUNABLES.postgresChatCacheMs.value,
    writers: TUNABLES.postgresWriters.value,
    readers: TUNABLES.postgresReaders.value,
    markReadChunk: TUNABLES.postgresMarkReadChunk.value,
    appender: postgresAppender(pool),
    readChunk: postgresChunkReader(pool),
    onBatch,
    gathering,
    afterClose: () => lock.release(),
    isUniqueViolation: (err) => errorCode(err) === '23505',
    isUnavailable,
  });
}
