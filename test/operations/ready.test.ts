import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { replySerializerCompiler } from '../../src/http/reply-serializer.js';
import { operationsRoutes } from '../../src/http/routes/operations.js';
import { createReadiness } from '../../src/readiness.js';
import { openStore } from '../../src/store/open.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { userDraft } from '../helpers/drafts.js';
import { runServerProcess, waitFor200 } from '../helpers/process.js';
import { freePort } from '../helpers/processes.js';
import { api, startTestServer } from '../helpers/server.js';
import { connectClient } from '../helpers/sockets.js';

const memory = { kind: 'sqlite', path: ':memory:' } as const;
const work = mkdtempSync(join(tmpdir(), 'chat-ready-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('/ready', () => {
  it('is 503 while starting, 200 once ready', async () => {
    const store = await openStore(memory);
    const readiness = createReadiness();
    const app = Fastify();
    app.setSerializerCompiler(replySerializerCompiler(true));
    await app.register(
      operationsRoutes({ readiness, store, metrics: undefined, metricsToken: undefined }),
    );
    try {
      const starting = await app.inject({ method: 'GET', url: '/ready' });
      expect(starting.statusCode).toBe(503);
      expect(starting.json()).toEqual({ ready: false, status: 'starting' });
      readiness.ready();
      expect((await app.inject({ method: 'GET', url: '/ready' })).json()).toEqual({
        ready: true,
        status: 'ready',
      });
    } finally {
      await app.close();
      await store.close();
    }
  });

  it('is 503 while the store is unreachable, and /health says why', async () => {
    const server = await startTestServer(memory);
    try {
      server.store.ping = () => Promise.reject(new Error('connection refused'));
      const ready = await api(server, 'GET', '/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({ ready: false, status: 'store-unavailable' });
      expect((await api(server, 'GET', '/health')).status).toBe(503);
    } finally {
      await server.close();
    }
  });

  it('is 503 once a WAL sync on the pool failed (SQLITE_SYNC_ON_POOL=1): appends stay refused until a restart', async () => {
    let syncs = 0;
    const store = await openSqliteStore(join(mkdtempSync(join(work, 'sync-')), 'chat.db'), {
      syncOnPool: true,
      syncFile: async () => {
        syncs += 1;
        if (syncs >= 2) throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
      },
    });
    const readiness = createReadiness();
    readiness.ready();
    const app = Fastify();
    app.setSerializerCompiler(replySerializerCompiler(true));
    await app.register(
      operationsRoutes({ readiness, store, metrics: undefined, metricsToken: undefined }),
    );
    try {
      const { chat } = await store.openChat({ userId: 'u-sync', userName: 'S', online: true });
      await store.appendMessage(userDraft(chat, 'synced'));
      await store.appendMessage(userDraft(chat, 'lost')).catch(() => {});
      const ready = await app.inject({ method: 'GET', url: '/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toEqual({ ready: false, status: 'store-unavailable' });
    } finally {
      await app.close();
      await store.close();
    }
  });

  it('close(): 503 for SHUTDOWN_DRAIN_MS while the node still serves, then it closes', async () => {
    const server = await startTestServer(memory, { SHUTDOWN_DRAIN_MS: '600' });
    const client = await connectClient(server.url);
    expect((await api(server, 'GET', '/ready')).status).toBe(200);
    const closing = server.close();
    const ready = await api(server, 'GET', '/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ ready: false, status: 'draining' });
    // Draining is not dead: probes, API calls and connected sockets still work.
    expect((await api(server, 'GET', '/health')).status).toBe(200);
    const open = await api(server, 'POST', '/api/chats', { userId: 'u-drain', userName: 'D' });
    expect(open.status).toBe(200);
    expect(client.socket.connected).toBe(true);
    await closing;
    // Its connection was closed as a dropped transport: the client hears it a moment later.
    if (client.socket.connected)
      await new Promise((resolve) => client.socket.once('disconnect', resolve));
    expect(client.socket.connected).toBe(false);
    await expect(fetch(`${server.url}/ready`)).rejects.toThrow();
  });

  it('SIGTERM: the process turns /ready to 503 before it closes, then exits 0', async () => {
    const port = await freePort();
    const proc = runServerProcess(work, { PORT: String(port), SHUTDOWN_DRAIN_MS: '1500' });
    try {
      await waitFor200(port, '/ready');
      proc.child.kill('SIGTERM');
      let seen: number | undefined;
      for (let i = 0; i < 20 && seen !== 503; i++) {
        seen = (await fetch(`http://127.0.0.1:${port}/ready`)).status;
        if (seen !== 503) await new Promise((r) => setTimeout(r, 25));
      }
      expect(seen).toBe(503);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
      expect(await proc.exit).toBe(0);
    } finally {
      proc.child.kill('SIGKILL');
    }
  });
});
