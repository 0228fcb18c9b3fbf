import type { DatabaseConfig } from '../config.js';
import type { Gathering } from './group-commit.js';
import type { ImportLockEvents } from './postgres.js';
import type { Store } from './store.js';

export interface StoreEvents {
  /** A database error outside any request (an idle PostgreSQL connection dropped). */
  onBackgroundError(err: Error): void;
  /** The size of each group-commit batch (metrics). */
  onBatch?: (size: number) => void;
  /** PostgreSQL: the import lock this node holds dropped, or was taken again (default: onBackgroundError). */
  importLock?: ImportLockEvents;
  /** SQLite appends on a worker thread (SQLITE_WRITER_THREAD). */
  sqliteWriterThread?: boolean;
  /** SQLite appends answered after a WAL sync on libuv's pool (SQLITE_SYNC_ON_POOL). */
  sqliteSyncOnPool?: boolean;
  /** Whether an append batch under load waits for more (GROUP_COMMIT_GATHER_*). */
  gathering?: Gathering;
  /** SQLite: WAL pages after which a commit checkpoints (SQLITE_WAL_AUTOCHECKPOINT). */
  sqliteWalAutocheckpointPages?: number;
}

/** Loads only the driver the configuration names (start-up time: pg and better-sqlite3 are not free). */
export async function openStore(
  config: DatabaseConfig,
  events: StoreEvents = { onBackgroundError: () => {} },
): Promise<Store> {
  if (config.kind === 'postgres') {
    const { openPostgresStore } = await import('./postgres.js');
    return openPostgresStore(
      config.url,
      events.onBackgroundError,
      events.onBatch,
      events.importLock,
      events.gathering,
    );
  }
  const { openSqliteStore } = await import('./sqlite.js');
  return openSqliteStore(config.path, {
    onBatch: events.onBatch,
    ...(events.sqliteWriterThread !== undefined && { writerThread: events.sqliteWriterThread }),
    ...(events.sqliteSyncOnPool !== undefined && { syncOnPool: events.sqliteSyncOnPool }),
    ...(events.gathering !== undefined && { gathering: events.gathering }),
    ...(events.sqliteWalAutocheckpointPages !== undefined && {
      walAutocheckpointPages: events.sqliteWalAutocheckpointPages,
    }),
  });
}
