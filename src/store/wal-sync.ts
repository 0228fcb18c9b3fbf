/**
 * SQLite's appends made durable off the event loop. A batch commits with
 * `synchronous = NORMAL`: SQLite writes the batch's WAL frames to the file but does not
 * fsync them, so the commit returns without waiting for the disk. The batch's answer then
 * waits for an fdatasync of the WAL file, run on libuv's thread pool: an acknowledgement
 * still means "on disk", and the event loop serves every socket while the disk works. A
 * commit made while an fdatasync is running waits for the next one, which starts when the
 * running one ends and covers every commit made meanwhile (so under load one fdatasync
 * answers several batches). A commit is visible on the connection before its sync, so every
 * other query of the store answers only once the syncs covering what it may have read have
 * finished (durable()): no client sees a message a power cut could still take back.
 * Checkpoints stay safe: in WAL mode NORMAL still syncs the WAL before a checkpoint and the
 * database file after it.
 *
 * Once an fdatasync fails, every later one fails too (the file may have lost writes the
 * kernel no longer holds; a later success would say nothing of them): appends answer
 * SQLITE_IOERR_FSYNC, a 503, until the server is restarted and SQLite recovers the file;
 * so do the reads that may have seen a commit the failed sync was to cover, and the
 * store's health probe (/ready, /health), so that no balancer keeps sending traffic to it.
 *
 * close() waits for the sync in flight (its fd must not be closed under it) and the one
 * queued behind it (asked for before the close, for commits made before it); a sync asked
 * for after it is refused, and none ever opens `<path>-wal` again once closed: SQLite may
 * have removed that file on closing, or left it for the next process to recover.
 */
import { closeSync, fdatasync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

export interface WalSync {
  /** Resolves once every commit made before the call is on disk. */
  sync(): Promise<void>;
  /** A commit was made without its fsync: called at once, before anything can read it. */
  committed(): void;
  /**
   * Resolves once every commit made before the call is on disk, at once when none is
   * waiting for a sync: what a read saw may be answered then. A commit is visible on the
   * connection before its sync, and a message a client saw must not be lost with its seq
   * (which a restart would give to another message) when the disk is cut.
   */
  durable(): Promise<void>;
  /** The failed sync that refuses every append until a restart, once one has failed. */
  failure(): Error | undefined;
  /** Resolves once the syncs asked for before it have ended and the WAL file is let go. */
  close(): Promise<void>;
}

class WalSyncFailed extends Error {
  readonly code = 'SQLITE_IOERR_FSYNC';
  constructor(cause: unknown) {
    super('the SQLite WAL file could not be synced to disk', { cause });
    this.name = 'WalSyncFailed';
  }
}

/** Not SQLite's: a sync asked for after the store closed (a 503, like a failed one). */
export const WAL_SYNC_CLOSED = 'SQLITE_WAL_SYNC_CLOSED';

class WalSyncClosed extends Error {
  readonly code = WAL_SYNC_CLOSED;
  constructor() {
    super('the SQLite store is closed: its WAL file is no longer synced');
    this.name = 'WalSyncClosed';
  }
}

/** How the WAL file is synced: fdatasync on libuv's pool (tests give a slower or failing one). */
export type SyncFile = (fd: number) => Promise<void>;

const fdatasyncOnPool: SyncFile = (fd) =>
  new Promise((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));

export function walSync(databasePath: string, syncFile: SyncFile = fdatasyncOnPool): WalSync {
  let fd: number | undefined;
  let failed: WalSyncFailed | undefined;
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  let closed = false;
  /** A commit was made since the last sync began. */
  let unsynced = false;

  /** The WAL file exists once the first write made it; its directory entry is synced once. */
  const walFd = (): number => {
    if (fd === undefined) {
      if (closed) throw new WalSyncClosed();
      fd = openSync(`${databasePath}-wal`, 'r');
      const directory = openSync(dirname(databasePath), 'r');
      try {
        fsyncSync(directory);
      } finally {
        closeSync(directory);
      }
    }
    return fd;
  };

  const start = (): Promise<void> => {
    if (failed) return Promise.reject(failed);
    unsynced = false;
    let run: Promise<void>;
    try {
      run = syncFile(walFd());
    } catch (err) {
      run = Promise.reject(err);
    }
    const settled = run.then(
      () => {},
      (err: unknown) => {
        failed ??= new WalSyncFailed(err);
        throw failed;
      },
    );
    running = settled;
    // Not finally(): its promise would reject again, with no one to catch it.
    const over = () => {
      if (running === settled) running = undefined;
    };
    settled.then(over, over);
    return settled;
  };

  const sync = (): Promise<void> => {
    if (closed) return Promise.reject(new WalSyncClosed());
    if (queued) return queued;
    if (!running) return start();
    // The running fdatasync may have begun before this commit: the next one covers it.
    // Whoever comes once it has begun waits for the one after it.
    const begin = (): Promise<void> => {
      queued = undefined;
      return start();
    };
    queued = running.then(begin, begin);
    return queued;
  };

  return {
    sync,
    committed() {
      unsynced = true;
    },
    durable() {
      if (unsynced) return sync();
      return queued ?? running ?? Promise.resolve();
    },
    failure: () => failed,
    async close() {
      closed = true;
      // The queued sync settles after the running one; either may fail, the close not.
      await (queued ?? running)?.catch(() => {});
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
