/** Tokens never reach the logs, at the most verbose level, whichever way a client sends them. */
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loggableUrl } from '../../src/http/log-url.js';
import { startServer } from '../../src/server.js';
import { itemAt } from '../helpers/lists.js';
import { ONE_NODE_QUIET_MS, quiet } from '../helpers/quiet.js';
import { REDIS_TEST_URL, redisReachable } from '../helpers/redis.js';
import { api, testConfig } from '../helpers/server.js';
import { connectClient } from '../helpers/sockets.js';
import { bearer, JWT_ENV, signToken } from '../helpers/tokens.js';

const redisUp = await redisReachable(process.env.CI === 'true');

describe('logs', () => {
  it('a token in a URL is redacted before it is logged', () => {
    expect(loggableUrl('/socket.io/?EIO=4&token=abc.def.ghi&transport=polling')).toBe(
      '/socket.io/?EIO=4&token=[Redacted]&transport=polling',
    );
    expect(loggableUrl('/api/chats/waiting?token=x')).toBe('/api/chats/waiting?token=[Redacted]');
    expect(loggableUrl('/api/chats/waiting?adminId=a')).toBe('/api/chats/waiting?adminId=a');
  });

  it('a card number in a URL is masked before it is logged, however its spaces are encoded', () => {
    expect(loggableUrl('/api/search?q=4111111111111111')).toBe('/api/search?q=411111******1111');
    expect(loggableUrl('/api/search?q=4111%201111%201111%201111&limit=5')).toBe(
      '/api/search?q=4111 11** **** 1111&limit=5',
    );
    expect(loggableUrl('/api/search?q=5555-5555-5555-4444')).toBe(
      '/api/search?q=5555-55**-****-4444',
    );
    // A browser percent-encodes digits of other scripts (full-width, Arabic-Indic): read as written.
    const fullWidth = '４１１１ １１１１ １１１１ １１１１';
    expect(loggableUrl(`/api/search?q=${encodeURIComponent(fullWidth)}&limit=5`)).toBe(
      '/api/search?q=４１１１ １１** **** １１１１&limit=5',
    );
    expect(loggableUrl(`/api/search?q=${encodeURIComponent('٤١١١-١١١١-١١١١-١١١١')}`)).toBe(
      '/api/search?q=٤١١١-١١**-****-١١١١',
    );
    // Only digits, spaces and dashes are read: a control or a bidi override stays encoded.
    expect(loggableUrl('/api/search?q=4111111111111111%C2%85%E2%80%AE%D0%B6')).toBe(
      '/api/search?q=411111******1111%C2%85%E2%80%AE%D0%B6',
    );
    // Escapes that are not UTF-8 are left as they are.
    expect(loggableUrl('/api/search?q=%FF%FE4111111111111111')).toBe(
      '/api/search?q=%FF%FE411111******1111',
    );
    // Order ids and chat ids stay as they are.
    expect(loggableUrl('/api/search?q=ORD-2024-88812734')).toBe('/api/search?q=ORD-2024-88812734');
    expect(loggableUrl('/api/messages/6b1446fb43d4bffbd6de793a?limit=5')).toBe(
      '/api/messages/6b1446fb43d4bffbd6de793a?limit=5',
    );
  });

  it('no Authorization header, handshake auth.token or ?token= appears at trace level', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const logger = pino({ level: 'trace', redact: ['req.headers.authorization', 'token'] }, sink);
    const server = await startServer(
      testConfig({ kind: 'sqlite', path: ':memory:' }, { ...JWT_ENV, LOG_LEVEL: 'trace' }),
      { logger },
    );
    const user = await signToken('u-log', 'user');
    const admin = await signToken('a-log', 'admin');
    const forged = `${user.slice(0, -8)}AAAAAAAA`;
    const secrets = [user, admin, forged].map((t) => itemAt(t.split('.'), 2));
    try {
      expect(
        (await api(server, 'GET', '/api/chats/user/u-log', undefined, bearer(user))).status,
      ).toBe(200);
      expect(
        (await api(server, 'GET', '/api/chats/user/u-log', undefined, bearer(forged))).status,
      ).toBe(401);
      expect((await api(server, 'GET', `/api/chats/user/u-log?token=${user}`)).status).toBe(401);
      const viaAuth = await connectClient(server.url, { auth: { token: user } });
      const viaQuery = await connectClient(server.url, {
        query: { token: admin },
        transports: ['polling'],
      });
      await expect(connectClient(server.url, { query: { token: forged } })).rejects.toThrow();
      viaAuth.close();
      viaQuery.close();
      // The disconnects are logged too, and must not carry a token either.
      await quiet(ONE_NODE_QUIET_MS);
    } finally {
      await server.close();
    }
    expect(lines.filter((l) => l.includes('"msg":"request"')).length).toBeGreaterThanOrEqual(3);
    for (const secret of secrets) {
      expect(lines.filter((l) => l.includes(secret))).toEqual([]);
    }
  });

  it.runIf(redisUp)(
    'warns at start, once, when REDIS_URL is set with the embedded SQLite store',
    async () => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk, _e, done) {
          lines.push(String(chunk));
          done();
        },
      });
      const config = testConfig(
        { kind: 'sqlite', path: ':memory:' },
        { ...JWT_ENV, REDIS_URL: REDIS_TEST_URL, REDIS_PREFIX: `logs-${process.pid}` },
      );
      const server = await startServer(config, { logger: pino({ level: 'warn' }, sink) });
      await server.close();
      const warnings = lines
        .map((l) => JSON.parse(l) as { level: number; msg: string })
        .filter((l) => l.level === 40)
        .map((l) => l.msg);
      expect(warnings.filter((m) => m.includes('SQLite'))).toEqual([
        expect.stringMatching(/^REDIS_URL with the embedded SQLite store: .*PostgreSQL/),
      ]);
    },
  );
});
