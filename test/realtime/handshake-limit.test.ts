/**
 * Engine.io handshakes are limited per IP before an engine client is created: a client
 * that never reaches the Socket.io namespace (no token, no CONNECT packet) must not be
 * able to open engine sessions without bound.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUDGETS } from '../../src/limits/rate-limiter.js';
import type { RunningServer } from '../../src/server.js';
import { startTestServer } from '../helpers/server.js';

const memory = { kind: 'sqlite' as const, path: ':memory:' };

async function withServer(env: Record<string, string>, fn: (s: RunningServer) => Promise<void>) {
  const server = await startTestServer(memory, env);
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

/** One raw Engine.io polling handshake, as a script would send it (no Socket.io client). */
async function handshake(server: RunningServer): Promise<{ status: number; body: string }> {
  const res = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`);
  return { status: res.status, body: await res.text() };
}

describe('Engine.io handshakes per IP', () => {
  it('300 raw polling handshakes from one IP: about a burst accepted, the rest refused with 403', () =>
    withServer({ RATE_LIMIT: 'on' }, async (server) => {
      const started = Date.now();
      const results = await Promise.all(Array.from({ length: 300 }, () => handshake(server)));
      const seconds = (Date.now() - started) / 1000;
      const accepted = results.filter((r) => r.status === 200).length;
      const refused = results.filter((r) => r.status === 403);
      // The bucket starts full (burst) and refills while the requests are answered.
      const bound =
        DEFAULT_BUDGETS.connections.burst +
        Math.ceil(seconds * DEFAULT_BUDGETS.connections.perSecond);
      expect(accepted).toBeGreaterThanOrEqual(DEFAULT_BUDGETS.connections.burst);
      expect(accepted).toBeLessThanOrEqual(bound + 5);
      expect(refused.length).toBe(300 - accepted);
      expect(JSON.parse(refused[0]?.body ?? '{}')).toMatchObject({
        message: expect.stringMatching(/too many connections/i),
      });
      expect(server.io.engine.clientsCount).toBeLessThanOrEqual(bound + 5);
    }));

  it('RATE_LIMIT=off leaves handshakes unlimited', () =>
    withServer({ RATE_LIMIT: 'off' }, async (server) => {
      const results = await Promise.all(Array.from({ length: 100 }, () => handshake(server)));
      expect(results.map((r) => r.status)).toEqual(Array(100).fill(200));
    }));
});
