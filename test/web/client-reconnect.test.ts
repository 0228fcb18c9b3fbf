/**
 * The page client (web/shared/client.ts) in Node against a real server: when it signs out
 * and when it reconnects by itself after the transport drops. Signed out for an expired
 * token it waits for a new one; signed out for any other reason, or handed a fresh token,
 * it comes back online by itself.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { type ChatClient, createChatClient } from '../../web/shared/client.js';
import { quiet } from '../helpers/quiet.js';
import { startTestServer } from '../helpers/server.js';
import { JWT_ENV, signToken } from '../helpers/tokens.js';
import { until } from './support.js';

/** The client's longest reconnect delay (3 s) and its jitter. */
const RETRY_QUIET_MS = 3500;

describe('the page client after its transport drops', () => {
  let server: RunningServer;
  let connections = 0;
  const clients: ChatClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ kind: 'sqlite', path: ':memory:' }, { ...JWT_ENV });
    server.io.use((socket, next) => {
      if (loseGoodbye) {
        loseGoodbye = false;
        Object.assign(socket, {
          emit: () => true,
          disconnect: () => {
            socket.conn.close();
            return socket;
          },
        });
      }
      next();
    });
    server.io.on('connection', () => {
      connections++;
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await server?.close();
  });

  function clientOf(id: string, token: string) {
    const client = createChatClient({
      baseUrl: server.url,
      authMode: 'jwt',
      identity: { id, name: id, role: 'user' },
      token,
      transports: ['websocket'],
    });
    clients.push(client);
    const states: string[] = [];
    client.onState((s, code) => states.push(code ? `${s}:${code}` : s));
    return { client, states };
  }
  /** Closes every connection's transport (a network drop, not a goodbye from the server). */
  const dropTransports = () => {
    for (const s of server.io.sockets.sockets.values()) s.conn.close();
  };
  /** Drops the next connection's transport when its join arrives, before it is answered. */
  const dropNextConnection = () => {
    const drop = (socket: Parameters<Parameters<typeof server.io.on<'connection'>>[1]>[0]) => {
      server.io.off('connection', drop);
      socket.use(([event], next) => {
        if (event === 'join-user') socket.conn.close();
        else next();
      });
    };
    server.io.on('connection', drop);
  };
  /**
   * The next connection's goodbye is lost: the server's events to it go nowhere and its
   * disconnect closes the transport instead (as when a refused poll ends it first).
   */
  let loseGoodbye = false;
  const loseNextGoodbye = () => {
    loseGoodbye = true;
  };
  const expiringIn = (seconds: number) => Math.floor(Date.now() / 1000) + seconds;
  /** A client whose token ran out 2 s after it connected: signed out, waiting for another. */
  async function signedOutAtExpiry(id: string): Promise<ChatClient> {
    const { client, states } = clientOf(
      id,
      await signToken(id, 'user', id, { expiresIn: expiringIn(2) }),
    );
    await until(
      'signed out at exp',
      async () => states.includes('signed-out:TOKEN_EXPIRED'),
      10_000,
    );
    return client;
  }

  it('a REST call refused as unauthorised while the socket is fine does not keep it down after a drop', async () => {
    const { client, states } = clientOf(
      'rest-refused',
      await signToken('rest-refused', 'user', 'R'),
    );
    await until('online', async () => client.state() === 'online');
    vi.stubGlobal('fetch', async () =>
      Response.json(
        { success: false, code: 'INVALID_TOKEN', error: 'Invalid token' },
        { status: 401 },
      ),
    );
    await expect(
      client.request('GET /api/chats/user/:userId', { params: { userId: 'rest-refused' } }),
    ).rejects.toThrow();
    vi.unstubAllGlobals();
    expect(client.state()).toBe('signed-out');

    dropTransports();
    await until('online again', async () => client.state() === 'online', 10_000);
    expect(states).toContain('signed-out:INVALID_TOKEN');
  });

  it('a fresh token handed over while signed out connects even if its first connection drops before it is online', async () => {
    const id = 'fresh-after-expiry';
    const client = await signedOutAtExpiry(id);

    dropNextConnection();
    const before = connections;
    client.setToken(await signToken(id, 'user', id));
    await until('online with the fresh token', async () => client.state() === 'online', 10_000);
    expect(connections - before).toBeGreaterThanOrEqual(2);
  });

  it('a token that has just expired, handed over while signed out, connects once and waits', async () => {
    const id = 'stale-after-expiry';
    const client = await signedOutAtExpiry(id);

    // Expired 3 s ago: let in for what is left of the verifier's 5 s clock leeway, then sent
    // away; the goodbye never arrives.
    loseNextGoodbye();
    const before = connections;
    client.setToken(await signToken(id, 'user', id, { expiresIn: expiringIn(-3) }));
    await until('let in', async () => connections - before === 1, 5_000);
    await until('sent away', async () => server.io.sockets.sockets.size === 0, 5_000);
    await quiet(RETRY_QUIET_MS);
    expect(connections - before).toBe(1);
    expect(client.state()).toBe('signed-out');
  });
});
