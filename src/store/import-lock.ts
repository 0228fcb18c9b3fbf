/**
 * The PostgreSQL advisory lock that keeps the v2 import and running servers apart: the
 * import writes chats a server caches (and a user could open a chat mid-import), and two
 * imports would share scratch tables. Every server node holds it *shared* for its lifetime,
 * on a connection of its own (outside the pool, so no query waits behind it and the pool's
 * turnover cannot let it go); the import takes it exclusively with pg_try_advisory_lock,
 * which fails while any node or another import holds it; and a node refuses to start while
 * an import holds it. Advisory locks are per database: other databases are not concerned.
 */
import pg from 'pg';

/** Any fixed number: the key of the lock (the import's since before servers took it). */
export const IMPORT_LOCK = 0x7632_696d_706f;

/** Who holds the lock now: server nodes (shared) and imports (exclusive). */
export async function importLockHolders(
  client: pg.ClientBase,
): Promise<{ servers: number; imports: number }> {
  // pg_locks shows a bigint key as its high and low 32 bits.
  const { rows } = await client.query<{ servers: number; imports: number }>(
    `SELECT count(*) FILTER (WHERE mode = 'ShareLock')::int AS servers,
            count(*) FILTER (WHERE mode = 'ExclusiveLock')::int AS imports
       FROM pg_locks
      WHERE locktype = 'advisory' AND granted AND objsubid = 1
        AND classid = $1 AND objid = $2
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [Math.floor(IMPORT_LOCK / 2 ** 32), IMPORT_LOCK % 2 ** 32],
  );
  return rows[0] ?? { servers: 0, imports: 0 };
}

export class ImportRunning extends Error {
  constructor() {
    super(
      'DATABASE_URL: a v2 import is running on this database; start the server once it has ended (docs/import-v2.md)',
    );
    this.name = 'ImportRunning';
  }
}

export interface ServerLockOptions {
  url: string;
  connectTimeoutMs: number;
  retryMs: number;
  /** Quiet on the lock's connection before TCP keepalive probes it. */
  keepAliveMs: number;
  /** The lock's connection dropped, or a v2 import holds the lock now: tried again. */
  onLost(err: Error): void;
  /** Taken again after onLost. */
  onRetaken(): void;
}

export interface ServerLock {
  release(): Promise<void>;
}

class ImportLockLost extends Error {
  constructor(cause: unknown) {
    super(
      'the connection holding the import lock dropped: taking the lock again (a v2 import is not refused meanwhile)',
      { cause },
    );
    this.name = 'ImportLockLost';
  }
}

class ImportBesideServer extends Error {
  constructor() {
    super(
      'a v2 import started while this node was taking its import lock again: it runs beside this server; stop the import or the server',
    );
    this.name = 'ImportBesideServer';
  }
}

/** A connection holding the lock shared; ImportRunning when an import holds it. */
async function takeShared(options: ServerLockOptions): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: options.url,
    connectionTimeoutMillis: options.connectTimeoutMs,
    // A peer gone without a word (a partition) is noticed, and the lock taken again: the
    // connection is otherwise silent, and the system's first probe waits two hours.
    keepAlive: true,
    keepAliveInitialDelayMillis: options.keepAliveMs,
  });
  // Until the caller listens: an error now rejects connect() or query() anyway.
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ taken: boolean }>(
      'SELECT pg_try_advisory_lock_shared($1) AS taken',
      [IMPORT_LOCK],
    );
    if (rows[0]?.taken !== true) throw new ImportRunning();
    return client;
  } catch (err) {
    await client.end().catch(() => {});
    throw err;
  }
}

/**
 * Takes the lock shared (ImportRunning when an import holds it) and keeps it until
 * release(): when its connection drops, it is taken again every retryMs until it is,
 * never crashing the process; meanwhile an import is not refused, and one that took the
 * lock in that gap is reported (onLost) until it ends.
 */
export async function holdServerLock(options: ServerLockOptions): Promise<ServerLock> {
  let client: pg.Client | undefined = await takeShared(options);
  let released = false;
  let timer: NodeJS.Timeout | undefined;
  let importReported = false;

  const retake = () => {
    timer = setTimeout(() => {
      timer = undefined;
      takeShared(options).then(
        async (taken) => {
          if (released) {
            await taken.end().catch(() => {});
            return;
          }
          importReported = false;
          keep(taken);
          options.onRetaken();
        },
        (err: unknown) => {
          if (released) return;
          // Once per import, not once a second: the database being down is reported
          // by the pool's own errors and /health.
          if (err instanceof ImportRunning && !importReported) {
            importReported = true;
            options.onLost(new ImportBesideServer());
          }
          retake();
        },
      );
    }, options.retryMs);
    timer.unref();
  };

  const keep = (taken: pg.Client) => {
    client = taken;
    let gone = false;
    const lost = (err?: Error) => {
      if (gone || released) return;
      gone = true;
      client = undefined;
      options.onLost(new ImportLockLost(err));
      void taken.end().catch(() => {});
      retake();
    };
    taken.on('error', lost);
    taken.on('end', () => lost());
  };
  keep(client);

  return {
    async release() {
      released = true;
      clearTimeout(timer);
      const held = client;
      client = undefined;
      await held?.end().catch(() => {});
    },
  };
}
