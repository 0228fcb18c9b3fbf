/**
 * A store that refuses writes (a full disk, a read-only file, a read-only PostgreSQL) is
 * a 503 STORE_UNAVAILABLE with its cause in the log, never a 500, and /health says so
 * until a write succeeds again.
 */
import { Writable } from 'node:stream';
import type BetterSqlite3 from 'better-sqlite3';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startServer } from '../../src/server.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { api, healthWithin, startTestServer, testConfig } from '../helpers/server.js';
import { adminQuery, storeTargets } from '../helpers/stores.js';

function capturedLogs() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, logger: pino({ level: 'warn' }, sink) };
}

const send = (server: { url: string }, content: string) =>
  api(server, 'POST', '/api/messages', {
    senderId: 'u-disk',
    senderType: 'user',
    senderName: 'U',
    content,
  });

const [sqlite] = await storeTargets();

describe.each(sqlite ? [sqlite] : [])('a refusing SQLite file', (target) => {
  it.each([
    [
      'a full disk',
      'SQLITE_FULL',
      (h: BetterSqlite3.Database) => {
        const pages = h.pragma('page_count', { simple: true }) as number;
        h.pragma(`max_page_count = ${pages}`);
      },
      (h: BetterSqlite3.Database) => h.pragma('max_page_count = 1073741823'),
    ],
    [
      'a read-only file',
      'SQLITE_READONLY',
      (h: BetterSqlite3.Database) => {
        h.pragma('query_only = 1');
      },
      (h: BetterSqlite3.Database) => h.pragma('query_only = 0'),
    ],
  ])(
    '%s: sends are 503 with the cause logged, /health is 503, then both recover',
    async (_what, cause, fail, mend) => {
      const db = await target.create();
      if (db.config.kind !== 'sqlite') throw new Error('sqlite only');
      let handle: BetterSqlite3.Database | undefined;
      const store = await openSqliteStore(db.config.path, {
        onOpen: (h) => {
          handle = h;
        },
      });
      const { lines, logger } = capturedLogs();
      const server = await startServer(testConfig(db.config), { logger, store });
      try {
        expect((await send(server, 'before')).status).toBe(200);
        if (!handle) throw new Error('no handle');
        fail(handle);
        // Enough text to need new pages, whatever is free in the last one.
        const refused = await send(server, 'x'.repeat(9000));
        expect(refused.status).toBe(503);
        expect(refused.body).toMatchObject({ success: false, code: 'STORE_UNAVAILABLE' });
        const logged = lines.find((l) => l.code === 'STORE_UNAVAILABLE');
        expect(JSON.stringify(logged?.cause)).toContain(cause);
        const down = await healthWithin(server, 503);
        expect(down.status).toBe(503);
        expect(down.body).toMatchObject({ status: 'UNAVAILABLE', store: { status: 'down' } });

        mend(handle);
        expect((await healthWithin(server, 200)).status).toBe(200);
        expect((await send(server, 'after')).status).toBe(200);
      } finally {
        await server.close();
        await db.drop();
      }
    },
  );
});

describe.each((await storeTargets()).filter((t) => t.name === 'postgres'))(
  'a read-only $name',
  (target) => {
    it('sends are 503 STORE_UNAVAILABLE, /health is 503, then both recover', async () => {
      const db = await target.create();
      const name = db.config.kind === 'postgres' ? new URL(db.config.url).pathname.slice(1) : '';
      const server = await startTestServer(db.config);
      const reconnect = () =>
        adminQuery('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
          name,
        ]);
      try {
        expect((await send(server, 'before')).status).toBe(200);
        // As after a failover to a standby: every new session is read-only.
        await adminQuery(`ALTER DATABASE ${name} SET default_transaction_read_only = on`);
        await reconnect();
        let refused = await send(server, 'during');
        // The first query may meet a connection the server has not yet seen die.
        if (refused.status === 503 && refused.body.code === 'STORE_UNAVAILABLE') {
          refused = await send(server, 'during');
        }
        expect(refused.status).toBe(503);
        expect(refused.body).toMatchObject({ success: false, code: 'STORE_UNAVAILABLE' });
        expect((await healthWithin(server, 503)).status).toBe(503);

        await adminQuery(`ALTER DATABASE ${name} SET default_transaction_read_only = off`);
        await reconnect();
        expect((await healthWithin(server, 200)).status).toBe(200);
        expect((await send(server, 'after')).status).toBe(200);
      } finally {
        await server.close();
        await db.drop();
      }
    });
  },
);
