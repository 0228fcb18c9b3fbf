import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startServer } from '../../src/server.js';
import { TUNABLES } from '../../src/tunables.js';
import { waitUntil } from '../helpers/processes.js';
import { api, healthWithin, startTestServer, testConfig } from '../helpers/server.js';
import { connectClient } from '../helpers/sockets.js';
import { adminQuery, storeTargets } from '../helpers/stores.js';

describe('health, root and docs', () => {
  it('GET /health counts connections; GET / and the OpenAPI document answer JSON', async () => {
    const server = await startTestServer({ kind: 'sqlite', path: ':memory:' });
    try {
      const client = await connectClient(server.url);
      const health = await api(server, 'GET', '/health');
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({
        status: 'OK',
        websocket: 'active',
        connections: 1,
        store: { status: 'up' },
      });
      expect(Number.isNaN(Date.parse(String(health.body.timestamp)))).toBe(false);
      client.close();

      const root = await api(server, 'GET', '/', undefined, {
        headers: { accept: 'application/json' },
      });
      expect(root.body).toMatchObject({
        name: 'Fastorika Chat Server',
        version: expect.any(String),
      });
      expect(root.body.endpoints).toEqual(
        expect.arrayContaining(['PATCH /api/chats/:chatId/close', 'GET /health']),
      );

      const doc = await api(server, 'GET', '/docs/json');
      expect(doc.status).toBe(200);
      const paths = doc.body.paths as Record<string, Record<string, { requestBody?: unknown }>>;
      expect(Object.keys(paths)).toEqual(
        expect.arrayContaining([
          '/api/chats',
          '/api/messages',
          '/api/messages/{chatId}',
          '/api/chats/{chatId}/close',
        ]),
      );
      const sendSchema = JSON.stringify(paths['/api/messages']?.post?.requestBody);
      expect(sendSchema).toContain('senderType');
      expect(sendSchema).toContain('10000');
      const page = await fetch(`${server.url}/docs`, { redirect: 'follow' });
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/swagger/i);
    } finally {
      await server.close();
    }
  });
});

describe('/health under a flood', () => {
  it('answers from a probe at most a second old: 300 requests reach the store twice, plus once a second they last', async () => {
    const server = await startTestServer({ kind: 'sqlite', path: ':memory:' });
    try {
      let pings = 0;
      const ping = server.store.ping.bind(server.store);
      server.store.ping = () => {
        pings++;
        return ping();
      };
      const started = performance.now();
      const answers = await Promise.all(
        Array.from({ length: 300 }, () => api(server, 'GET', '/health')),
      );
      // On a loaded machine the 300 take seconds, and each second may rightly probe anew.
      const ageLimits = Math.floor((performance.now() - started) / TUNABLES.probeMaxAgeMs.value);
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(pings).toBeGreaterThanOrEqual(1);
      expect(pings).toBeLessThanOrEqual(2 + ageLimits);
    } finally {
      await server.close();
    }
  });
});

describe.each((await storeTargets()).filter((t) => t.name === 'postgres'))(
  'when $name goes away',
  (target) => {
    it('health answers 503 with the same shape and API calls get 503, never 500', async () => {
      const db = await target.create();
      const name = db.config.kind === 'postgres' ? new URL(db.config.url).pathname.slice(1) : '';
      const server = await startTestServer(db.config);
      try {
        expect((await api(server, 'GET', '/health')).status).toBe(200);
        // Cut the server's connections and refuse new ones.
        await adminQuery(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
        await adminQuery(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1',
          [name],
        );

        // /health answers from a probe at most a second old.
        const health = await healthWithin(server, 503);
        expect(health.body).toMatchObject({
          status: 'UNAVAILABLE',
          websocket: 'active',
          store: { status: 'down' },
        });
        const open = await api(server, 'POST', '/api/chats', { userId: 'u', userName: 'U' });
        expect(open.status).toBe(503);
        expect(open.body).toMatchObject({ success: false, code: 'STORE_UNAVAILABLE' });

        await adminQuery(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
        expect((await healthWithin(server, 200)).status).toBe(200);
      } finally {
        await server.close();
        await adminQuery(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
        await db.drop();
      }
    });
  },
);

describe('logs', () => {
  it('one JSON line per request at debug, and never the message content', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const logger = pino({ level: 'debug' }, sink);
    const server = await startServer(testConfig({ kind: 'sqlite', path: ':memory:' }), { logger });
    try {
      const secret = 'card 4111-1111-1111-1111 exp 12/29';
      const res = await api(server, 'POST', '/api/messages', {
        senderId: 'u-log',
        senderType: 'user',
        senderName: 'L',
        content: secret,
      });
      expect(res.status).toBe(200);
      // The request is logged once its reply is sent, which may be after fetch resolved.
      await waitUntil('the request is logged', () =>
        lines.some((l) => l.includes('"msg":"request"')),
      );
      const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      const requests = parsed.filter((l) => l.msg === 'request');
      expect(requests).toEqual([
        expect.objectContaining({ level: 20, method: 'POST', url: '/api/messages', status: 200 }),
      ]);
      // The card number, not its first digits alone: a line's time or pid may hold those.
      expect(lines.some((l) => l.includes('4111-1111'))).toBe(false);
    } finally {
      await server.close();
    }
  });
});
