/**
 * The import and a running server never share a database: the import is refused (the
 * command line prints why and exits 1) while any server runs on it, and a server refuses
 * to start while an import runs. PostgreSQL: every node holds the import's advisory lock
 * shared, on a connection of its own that it takes again when it drops; SQLite: both hold
 * `<file>.lock` beside the database, with the writer thread or without.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importV2 } from '../../src/import/import-v2.js';
import { openImportDatabase } from '../../src/import/open-database.js';
import { IMPORT_LOCK, ImportRunning } from '../../src/store/import-lock.js';
import { openStore } from '../../src/store/open.js';
import { openSqliteStore, SqliteFileInUse } from '../../src/store/sqlite.js';
import { lockBeside } from '../../src/store/sqlite-lock.js';
import { adminQuery, storeTargets, type TestDatabase } from '../helpers/stores.js';
import { linesExportIn } from './generate-export.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;

/** A server process on the SQLite file, once it holds it; killed with SIGKILL by the caller. */
async function serverProcess(path: string, writerThread: boolean) {
  const open = `const { openSqliteStore } = await import(${JSON.stringify(pathToFileURL(join(root, 'src/store/sqlite.ts')).href)});
    await openSqliteStore(${JSON.stringify(path)}, { writerThread: ${writerThread} });
    console.log('held');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', open], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (data: Buffer) => {
      if (data.toString().includes('held')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the server process exited (${code})`)));
  });
  return { child, exited };
}

/** The command line, as an operator runs it (`npm run import:v2`). */
function runCli(dir: string, databaseUrl: string) {
  const result = spawnSync(
    process.execPath,
    ['--import', tsx, join(root, 'src/import/cli.ts'), '--dir', dir],
    { encoding: 'utf8', env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl }, cwd: root },
  );
  return { code: result.status, stderr: result.stderr };
}

const CHATS = 6;
const MESSAGES_PER_CHAT = 4;

let dir: string;
beforeAll(() => {
  ({ dir } = linesExportIn('import-beside-server-', CHATS, MESSAGES_PER_CHAT));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const files = () => ({
  chatsFile: join(dir, 'chats.json'),
  messagesFile: join(dir, 'messages.json'),
});

const until = async (done: () => boolean, what: string, ms = 10_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

const targets = await storeTargets();
const postgres = targets.filter((target) => target.name === 'postgres');

describe.each(postgres)('the import beside a server on $name', (target) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await target.create();
  });
  afterAll(async () => {
    await db?.drop();
  });

  const storedChats = async (): Promise<number> => {
    const check = await openImportDatabase(db.config);
    try {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM chats`.execute(
        check.db,
      );
      return rows[0]?.n ?? -1;
    } finally {
      await check.close();
    }
  };

  it('is refused, writing nothing, while any node runs; several nodes run together', async () => {
    const nodes = [await openStore(db.config), await openStore(db.config)];
    try {
      await expect(importV2({ database: db.config, ...files() })).rejects.toThrow(
        /a server is running on this database \(2 processes of it\): stop every node first/,
      );
      await nodes.pop()?.close();
      await expect(importV2({ database: db.config, ...files() })).rejects.toThrow(
        /a server is running on this database \(1 process of it\)/,
      );
      if (db.config.kind !== 'postgres') throw new Error('a PostgreSQL target');
      const cli = runCli(dir, db.config.url);
      expect(cli.stderr).toMatch(/Import failed: a server is running on this database/);
      expect(cli.code).toBe(1);
    } finally {
      for (const node of nodes) await node.close();
    }
    expect(await storedChats()).toBe(0);
    // Once every node has stopped, it runs.
    const summary = await importV2({ database: db.config, ...files() });
    expect(summary.chats.imported).toBe(CHATS);
  }, 60_000);

  it('does not migrate the database of a running server (which may be of an older version)', async () => {
    if (db.config.kind !== 'postgres') throw new Error('a PostgreSQL target');
    const empty = await target.create();
    if (empty.config.kind !== 'postgres') throw new Error('a PostgreSQL target');
    // A node whose schema is older than the import's: it holds the lock as every node does.
    const node = new pg.Client({ connectionString: empty.config.url });
    await node.connect();
    try {
      await node.query('SELECT pg_advisory_lock_shared($1)', [IMPORT_LOCK]);
      await expect(importV2({ database: empty.config, ...files() })).rejects.toThrow(
        /a server is running on this database/,
      );
      const { rows } = await node.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'",
      );
      expect(rows[0]?.n).toBe(0);
    } finally {
      await node.end();
      await empty.drop();
    }
  });

  it('a node refuses to start while an import runs, and starts once it has ended', async () => {
    const running = await openImportDatabase(db.config);
    try {
      await running.claim();
      await expect(openStore(db.config)).rejects.toBeInstanceOf(ImportRunning);
      await expect(openStore(db.config)).rejects.toThrow(/a v2 import is running on this database/);
    } finally {
      await running.close();
    }
    const node = await openStore(db.config);
    await node.close();
  });

  /** A node whose import lock's events are recorded by name. */
  const recordingNode = async () => {
    const events: string[] = [];
    const node = await openStore(db.config, {
      onBackgroundError: () => {},
      importLock: {
        onLost: (err) => events.push(err.name),
        onRetaken: () => events.push('retaken'),
      },
    });
    return { events, node };
  };

  it('a node whose lock connection drops takes the lock again, serving all along, and reports an import that started in the gap', async () => {
    const { events, node } = await recordingNode();
    try {
      const running = await openImportDatabase(db.config);
      const sharedHolders = async (): Promise<number> => {
        const { rows } = await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM pg_locks
          WHERE locktype = 'advisory' AND mode = 'ShareLock' AND granted
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`.execute(
          running.db,
        );
        return rows[0]?.n ?? -1;
      };
      try {
        // The session holding it ends (a DBA's kill, an idle timeout, a proxy's restart).
        await sql`SELECT pg_terminate_backend(pid, 5000) FROM pg_locks
          WHERE locktype = 'advisory' AND mode = 'ShareLock' AND granted
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`.execute(
          running.db,
        );
        await until(() => events.includes('ImportLockLost'), 'the loss to be reported');
        expect(await sharedHolders()).toBe(0);
        // An import that starts in the gap is not refused; the node says so, once.
        await running.claim();
        await until(() => events.includes('ImportBesideServer'), 'the import to be reported');
        await node.ping();
      } finally {
        await running.close();
      }
      await until(() => events.includes('retaken'), 'the lock to be taken again');
      expect(events).toEqual(['ImportLockLost', 'ImportBesideServer', 'retaken']);
      await expect(importV2({ database: db.config, ...files() })).rejects.toThrow(
        /a server is running on this database/,
      );
      await node.ping();
    } finally {
      await node.close();
    }
  }, 30_000);

  it('a node whose database went away keeps serving what it can, and holds the lock again when it is back', async () => {
    const { events, node } = await recordingNode();
    try {
      // Every session of the database ends at once (a restart, a failover).
      if (db.config.kind !== 'postgres') throw new Error('a PostgreSQL target');
      const name = new URL(db.config.url).pathname.slice(1);
      await adminQuery(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [name],
      );
      await until(() => events.includes('retaken'), 'the lock to be taken again');
      expect(events).toEqual(['ImportLockLost', 'retaken']);
      await node.ping();
      await expect(importV2({ database: db.config, ...files() })).rejects.toThrow(
        /a server is running on this database/,
      );
    } finally {
      await node.close();
    }
  }, 30_000);
});

describe.each([
  { mode: 'with the writer thread', writerThread: true },
  { mode: 'without the writer thread', writerThread: false },
])('the import beside a server on SQLite $mode', ({ writerThread }) => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'import-beside-sqlite-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('is refused while the server holds the file, and runs once it has stopped', async () => {
    const path = join(work, `${writerThread ? 'thread' : 'loop'}.db`);
    const database = { kind: 'sqlite', path } as const;
    const server = await openSqliteStore(path, { writerThread });
    try {
      await expect(importV2({ database, ...files() })).rejects.toThrow(
        /a server \(or another v2 import\) is running on this database: stop every server first/,
      );
      const cli = runCli(dir, `sqlite:${path}`);
      expect(cli.stderr).toMatch(/Import failed: a server \(or another v2 import\) is running/);
      expect(cli.code).toBe(1);
    } finally {
      await server.close();
    }
    const summary = await importV2({ database, ...files() });
    expect(summary.chats.imported).toBe(CHATS);
  }, 60_000);

  it('a server killed (SIGKILL) leaves no lock behind: the import runs, then a server starts', async () => {
    const path = join(work, `${writerThread ? 'thread' : 'loop'}-killed.db`);
    const { child, exited } = await serverProcess(path, writerThread);
    try {
      await expect(importV2({ database: { kind: 'sqlite', path }, ...files() })).rejects.toThrow(
        /a server \(or another v2 import\) is running/,
      );
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const summary = await importV2({ database: { kind: 'sqlite', path }, ...files() });
    expect(summary.chats.imported).toBe(CHATS);
    const server = await openSqliteStore(path, { writerThread });
    await server.close();
  }, 60_000);

  it('a server refuses to start while an import holds the file', async () => {
    const path = join(work, `${writerThread ? 'thread' : 'loop'}-started.db`);
    const running = await openImportDatabase({ kind: 'sqlite', path });
    try {
      await running.claim();
      await expect(openSqliteStore(path, { writerThread })).rejects.toBeInstanceOf(SqliteFileInUse);
    } finally {
      await running.close();
    }
    const server = await openSqliteStore(path, { writerThread });
    await server.close();
  });
});

describe('the import on SQLite', () => {
  it('an import that cannot open the file lets its lock go', async () => {
    const path = join(dir, 'a-folder.db');
    mkdirSync(path);
    await expect(importV2({ database: { kind: 'sqlite', path }, ...files() })).rejects.toThrow();
    lockBeside(path).close();
  });
});
