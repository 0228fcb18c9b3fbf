import { describe, expect, it } from 'vitest';
import { type Budget, DEFAULT_BUDGETS, windowOf } from '../../src/limits/rate-limiter.js';
import { readPoints } from '../../src/limits/read-cost.js';
import { LIMITS } from '../../src/schemas/vocabulary.js';
import type { RunningServer } from '../../src/server.js';
import { TUNABLES } from '../../src/tunables.js';
import { fetchHistory } from '../helpers/flows.js';
import { itemAt } from '../helpers/lists.js';
import { waitUntil } from '../helpers/processes.js';
import { ONE_NODE_QUIET_MS, quiet } from '../helpers/quiet.js';
import { api, request, startTestServer, succeeded } from '../helpers/server.js';
import { accepted, connectClient, failed, type TestClient } from '../helpers/sockets.js';
import { bearer, JWT_ENV, signToken } from '../helpers/tokens.js';

async function withServer(
  env: Record<string, string>,
  fn: (s: RunningServer, clients: TestClient[]) => Promise<void>,
) {
  const server = await startTestServer({ kind: 'sqlite', path: ':memory:' }, env);
  const clients: TestClient[] = [];
  try {
    await fn(server, clients);
  } finally {
    for (const c of clients) c.close();
    await server.close();
  }
}

const SHOP = 'https://shop.example';

/** The message budget when RATE_LIMIT_MESSAGES_PER_SECOND / _BURST are not set. */
const DEFAULT_MESSAGES: Budget = { perSecond: 10, burst: 30 };

/**
 * The most the limiter can allow of `budget` to one key within `elapsedMs`, whatever the
 * timing: it counts in fixed windows (windowOf), each starting at its first use, and a
 * span of T touches at most floor(T / window) + 1 of them. A span measured around the
 * whole exchange by the test is never shorter than the server's, so the bound holds on a
 * loaded machine too.
 */
function mostAllowed(budget: Budget, elapsedMs: number): number {
  const { points, seconds } = windowOf(budget);
  return points * (Math.floor(elapsedMs / 1000 / seconds) + 1);
}

/** Runs `fn` and measures it, from before its first request to after its last answer. */
async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; elapsedMs: number }> {
  const started = performance.now();
  const result = await fn();
  return { result, elapsedMs: performance.now() - started };
}

const sendAs = (
  server: RunningServer,
  userId: string,
  content: string,
  init: { headers?: Record<string, string> } = {},
) =>
  request(
    server,
    'POST /api/messages',
    { body: { senderId: userId, senderType: 'user', senderName: 'F', content } },
    init.headers,
  );

describe('rate limits (on, default values)', () => {
  it('sends over the burst get 429 with Retry-After and store nothing; REST and socket share one budget', () =>
    withServer({ RATE_LIMIT: 'on' }, async (server, clients) => {
      const budget = DEFAULT_MESSAGES;
      const started = performance.now();
      const { result, elapsedMs } = await timed(async () => {
        const first = await sendAs(server, 'flooder', 'm0');
        const burst = await Promise.all(
          Array.from({ length: 40 }, (_, i) => sendAs(server, 'flooder', `m${i + 1}`)),
        );
        return { first, burst };
      });
      const { chat } = succeeded(result.first);
      const accepted = 1 + result.burst.filter((r) => r.status === 200).length;
      const refused = result.burst.filter((r) => r.status === 429);
      expect(accepted).toBeGreaterThanOrEqual(budget.burst);
      expect(accepted).toBeLessThanOrEqual(mostAllowed(budget, elapsedMs));
      expect(refused.length).toBe(41 - accepted);
      expect(refused[0]?.body).toMatchObject({ success: false, code: 'RATE_LIMITED' });
      expect(Number(refused[0]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

      const socket = await connectClient(server.url);
      clients.push(socket);
      await socket.emitAck('join-user', { userId: 'flooder', userName: 'F' });
      // The socket draws on what is left of the same budget: what refilled meanwhile at
      // most, never a burst of its own.
      const acks = await Promise.all(
        Array.from({ length: budget.burst }, (_, i) =>
          socket.emitAck('send-message', { chatId: chat._id, content: `socket ${i}` }),
        ),
      );
      const viaSocket = acks.filter((a) => a.success).length;
      const allowedSoFar = mostAllowed(budget, performance.now() - started);
      expect(accepted + viaSocket).toBeLessThanOrEqual(allowedSoFar);
      const refusedAck = acks.find((a) => !a.success);
      expect(refusedAck).toMatchObject({ success: false, code: 'RATE_LIMITED' });
      expect(refusedAck && failed(refusedAck).retryAfterMs).toBeGreaterThan(0);

      // Refused sends used no seq: what is stored is gap-free.
      const total = accepted + viaSocket;
      const stored = await fetchHistory(server, chat._id, { after: '0', limit: '200' });
      expect(succeeded(stored).messages.map((m) => m.seq)).toEqual(
        Array.from({ length: total }, (_, i) => i + 1),
      );
      // Once the budget refills, a send goes through; the refused tries stored nothing.
      let later = result.first;
      await waitUntil('the message budget refills', async () => {
        later = await sendAs(server, 'flooder', 'after a pause');
        return later.status === 200;
      });
      expect(succeeded(later).message.seq).toBe(total + 1);
    }));

  it("a flood from one identity does not stop another's messages", () =>
    withServer({ RATE_LIMIT: 'on', ...JWT_ENV }, async (server) => {
      const noisy = bearer(await signToken('noisy', 'user'));
      const calm = bearer(await signToken('calm', 'user'));
      const { result, elapsedMs } = await timed(async () => {
        const flood = Array.from({ length: 300 }, (_, i) =>
          sendAs(server, 'noisy', `spam ${i}`, noisy),
        );
        const calmStatuses: number[] = [];
        for (let i = 0; i < 10; i++)
          calmStatuses.push((await sendAs(server, 'calm', `hello ${i}`, calm)).status);
        return { calmStatuses, floodStatuses: (await Promise.all(flood)).map((r) => r.status) };
      });
      expect(result.calmStatuses).toEqual(Array(10).fill(200));
      // The burst and what refilled while the flood was answered get through, no more.
      const allowed = result.floodStatuses.filter((s) => s === 200).length;
      expect(allowed).toBeLessThanOrEqual(mostAllowed(DEFAULT_MESSAGES, elapsedMs));
      expect(result.floodStatuses.filter((s) => s === 429)).toHaveLength(300 - allowed);
      expect(allowed).toBeLessThan(300);
    }));

  it('typing indicators are limited per identity with an error ack', () =>
    withServer({ RATE_LIMIT: 'on' }, async (server, clients) => {
      const { chat } = succeeded(await sendAs(server, 'typist', 'open my chat'));
      const socket = await connectClient(server.url);
      clients.push(socket);
      await socket.emitAck('join-user', { userId: 'typist', userName: 'T' });
      const { result: acks, elapsedMs } = await timed(() =>
        Promise.all(
          Array.from({ length: 60 }, (_, i) =>
            socket.emitAck('typing', {
              chatId: chat._id,
              userId: 'typist',
              userName: 'T',
              isTyping: i % 2 === 0,
            }),
          ),
        ),
      );
      const allowed = acks.filter((a) => a.success).length;
      expect(allowed).toBeGreaterThanOrEqual(DEFAULT_BUDGETS.typing.burst);
      expect(allowed).toBeLessThanOrEqual(mostAllowed(DEFAULT_BUDGETS.typing, elapsedMs));
      expect(acks.filter((a) => !a.success && a.code === 'RATE_LIMITED')).toHaveLength(
        60 - allowed,
      );
      expect(allowed).toBeLessThan(60);
    }));

  it('new connections per IP are limited, one budget per connection; the refusal says so', () =>
    withServer({ RATE_LIMIT: 'on' }, async (server, clients) => {
      const started = performance.now();
      let refused: unknown;
      for (let i = 0; i < 80 && !refused; i++) {
        try {
          clients.push(await connectClient(server.url));
        } catch (err) {
          refused = err;
        }
      }
      const seconds = (performance.now() - started) / 1000;
      expect(refused).toBeDefined();
      // The Engine.io handshake and the Socket.io CONNECT are charged once together.
      expect(clients.length).toBeGreaterThanOrEqual(DEFAULT_BUDGETS.connections.burst);
      expect(clients.length).toBeLessThanOrEqual(
        mostAllowed(DEFAULT_BUDGETS.connections, seconds * 1000),
      );
      // The refusal comes at the handshake: 403 with a message.
      const res = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { message: string }).message).toMatch(/too many connections/i);
    }));

  it('REST calls in general are limited per caller with 429; /health is exempt', () =>
    withServer({ RATE_LIMIT: 'on' }, async (server) => {
      // Waves of 260 (past the burst of 200) until one is refused: on a loaded machine a
      // single wave can arrive slowly enough for the 50/s refill to let it all through.
      const statuses: number[] = [];
      for (let wave = 0; wave < 8 && !statuses.includes(429); wave++) {
        const replies = await Promise.all(
          Array.from({ length: 260 }, () => api(server, 'GET', '/api/chats/waiting')),
        );
        statuses.push(...replies.map((r) => r.status));
      }
      expect(statuses).toContain(429);
      expect((await api(server, 'GET', '/health')).status).toBe(200);
    }));

  it('a page on another origin can read the 429 and its Retry-After (CORS and security headers on it)', () =>
    withServer({ RATE_LIMIT: 'on', CORS_ORIGIN: SHOP }, async (server) => {
      const headers = { origin: SHOP };
      let refused: Awaited<ReturnType<typeof api>> | undefined;
      for (let wave = 0; wave < 8 && !refused; wave++) {
        const replies = await Promise.all(
          Array.from({ length: 260 }, () =>
            api(server, 'GET', '/api/desk', undefined, { headers }),
          ),
        );
        refused = replies.find((r) => r.status === 429);
      }
      if (!refused) throw new Error('no request was refused');
      expect(refused.headers.get('access-control-allow-origin')).toBe(SHOP);
      expect(refused.headers.get('access-control-expose-headers')).toMatch(/retry-after/i);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
    }));
});

describe('reads have their own budget', () => {
  it("history and chat-list reads past the burst get 429 with Retry-After; another identity and the same identity's sends go on", () =>
    withServer({ RATE_LIMIT: 'on', ...JWT_ENV }, async (server) => {
      const reader = bearer(await signToken('reader', 'user'));
      const { chat } = succeeded(await sendAs(server, 'reader', 'open my chat', reader));
      const { burst, perSecond } = DEFAULT_BUDGETS.reads;
      const paths = [`/api/messages/${chat._id}?page=1`, '/api/chats/user/reader'];
      const started = Date.now();
      const replies = await Promise.all(
        Array.from({ length: 2 * burst }, (_, i) =>
          api(server, 'GET', itemAt(paths, i % 2), undefined, reader),
        ),
      );
      const served = replies.filter((r) => r.status === 200).length;
      const refused = replies.filter((r) => r.status === 429);
      // The burst, and what refilled while the requests were answered.
      const refilled = Math.ceil(((Date.now() - started) / 1000) * perSecond);
      expect(served).toBeGreaterThanOrEqual(burst);
      expect(served).toBeLessThanOrEqual(burst + refilled);
      expect(refused[0]?.body).toMatchObject({ success: false, code: 'RATE_LIMITED' });
      expect(Number(refused[0]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

      const other = bearer(await signToken('other', 'user'));
      expect((await api(server, 'GET', '/api/chats/user/other', undefined, other)).status).toBe(
        200,
      );
      expect((await sendAs(server, 'reader', 'still sending', reader)).status).toBe(200);
    }));
});

/**
 * A reader whose chat holds 100 of the longest messages, each character escaped in JSON:
 * a page of them is cut to historyPageMaxBytes (1 MiB), a reply of the most a page may cost.
 */
async function longMessagesOf(server: Parameters<typeof sendAs>[0]) {
  const reader = bearer(await signToken('reader', 'user'));
  const long = '"'.repeat(LIMITS.contentChars);
  for (let i = 0; i < 100; i++) succeeded(await sendAs(server, 'reader', long, reader));
  const { chat } = succeeded(await sendAs(server, 'reader', 'last', reader));
  return { reader, chat };
}

/**
 * Short reads (a point each) until one point of the window is left: the costly read that
 * follows is admitted on it, and the rest of its cost is a debt past the window.
 */
async function spendAllButOne(
  server: Parameters<typeof sendAs>[0],
  reader: ReturnType<typeof bearer>,
) {
  for (let i = 0; i < DEFAULT_BUDGETS.reads.burst - 1; i++) {
    expect((await api(server, 'GET', '/api/chats/user/reader', undefined, reader)).status).toBe(
      200,
    );
  }
}

describe('reads are charged by what their replies cost', () => {
  it("a page of long messages costs its length: its debt outlasts the window, and others' reads go on", () =>
    withServer(
      { RATE_LIMIT: 'on', RATE_LIMIT_MESSAGES_BURST: '200', ...JWT_ENV },
      async (server) => {
        const { reader, chat } = await longMessagesOf(server);
        const path = `/api/messages/${chat._id}?limit=200`;
        await spendAllButOne(server, reader);
        const page = await api(server, 'GET', path, undefined, reader);
        expect(page.status).toBe(200);
        const { perSecond } = DEFAULT_BUDGETS.reads;
        const { seconds } = windowOf(DEFAULT_BUDGETS.reads);
        // More than a second of the rate past the window.
        expect(readPoints(JSON.stringify(page.body).length)).toBeGreaterThan(perSecond + 1);
        const next = await api(server, 'GET', '/api/chats/user/reader', undefined, reader);
        expect(next.status).toBe(429);
        // Not only the rest of the window (which would forget the debt): the points past
        // it, at the rate, after it.
        expect(Number(next.headers.get('retry-after'))).toBeGreaterThan(seconds);
        const other = bearer(await signToken('other', 'user'));
        const theirs = await api(server, 'GET', '/api/chats/user/other', undefined, other);
        expect(theirs.status).toBe(200);
      },
    ));

  it('a streamed transcript costs its length once it has been sent', () =>
    withServer(
      { RATE_LIMIT: 'on', RATE_LIMIT_MESSAGES_BURST: '200', ...JWT_ENV },
      async (server) => {
        const { reader, chat } = await longMessagesOf(server);
        await spendAllButOne(server, reader);
        const res = await fetch(`${server.url}/api/chats/${chat._id}/transcript`, reader);
        expect(res.status).toBe(200);
        // ~2 M characters: more than two seconds of the rate past the window.
        expect(readPoints((await res.text()).length)).toBeGreaterThan(
          2 * DEFAULT_BUDGETS.reads.perSecond + 1,
        );
        const { seconds } = windowOf(DEFAULT_BUDGETS.reads);
        await waitUntil('a read refused for the debt', async () => {
          const next = await api(server, 'GET', '/api/chats/user/reader', undefined, reader);
          return next.status === 429 && Number(next.headers.get('retry-after')) > seconds;
        });
      },
    ));

  it('a short reply costs one point, as a count of reads did', () =>
    withServer({ RATE_LIMIT: 'on', ...JWT_ENV }, async (server) => {
      const reader = bearer(await signToken('reader', 'user'));
      succeeded(await sendAs(server, 'reader', 'open my chat', reader));
      const { burst } = DEFAULT_BUDGETS.reads;
      const statuses: number[] = [];
      for (let i = 0; i < burst + 1; i++) {
        statuses.push(
          (await api(server, 'GET', '/api/chats/user/reader', undefined, reader)).status,
        );
      }
      expect(statuses.slice(0, burst).every((s) => s === 200)).toBe(true);
      expect(statuses[burst]).toBe(429);
    }));
});

describe('every socket event is limited (joins and reads included)', () => {
  it.each([
    ['join-user', (id: string) => ({ userId: id, userName: 'Flood' })],
    ['mark-read', (id: string, chatId?: string) => ({ chatId, readerId: id, readerType: 'user' })],
    ['join-chat', (_id: string, chatId?: string) => ({ chatId })],
    ['ping', () => undefined],
  ])(
    'a flood of %s is refused past the burst, and admins are not flooded with user-status',
    (event, payload) =>
      withServer({ RATE_LIMIT: 'on' }, async (server, clients) => {
        const admin = await connectClient(server.url);
        clients.push(admin);
        await admin.emitAck('join-admin', { adminId: 'watcher', adminName: 'W' });
        const flooder = await connectClient(server.url);
        clients.push(flooder);
        const opened = await request(server, 'POST /api/chats', {
          body: { userId: 'flood', userName: 'F' },
        });
        const chatId = succeeded(opened).chat._id;
        await flooder.emitAck('join-user', { userId: 'flood', userName: 'F' });
        const { result: acks, elapsedMs } = await timed(() =>
          Promise.all(
            Array.from({ length: 400 }, () => flooder.emitAck(event, payload('flood', chatId))),
          ),
        );
        const most = mostAllowed(DEFAULT_BUDGETS.events, elapsedMs);
        const refused = acks.filter((a) => a.code === 'RATE_LIMITED');
        expect(refused.length).toBeGreaterThanOrEqual(400 - most);
        expect(refused.length).toBeGreaterThan(0);
        expect(refused[0]).toMatchObject({ success: false, retryAfterMs: expect.any(Number) });
        await quiet(ONE_NODE_QUIET_MS);
        // At most one user-status per join the budget allowed, and the one before the flood.
        expect(admin.of('user-status').length).toBeLessThanOrEqual(most + 1);
      }),
  );
});

describe('a socket that keeps sending while refused', () => {
  it.each([
    ['ping', 'a contract event'],
    ['no-such-event', 'an event outside the contract'],
  ])(
    'is disconnected once %s (%s) is refused socketRefusalsBeforeDisconnect times in a row, told why; others go on',
    (event) =>
      withServer({ RATE_LIMIT: 'on' }, async (server, clients) => {
        const other = await connectClient(server.url);
        clients.push(other);
        // Joined: its budget is its own, not its address's (the flooder's, on this machine).
        accepted(await other.emitAck('join-user', { userId: 'patient', userName: 'P' }));
        const flooder = await connectClient(server.url);
        clients.push(flooder);
        const reason = new Promise<string>((resolve) => flooder.socket.once('disconnect', resolve));
        const sent = 2 * TUNABLES.socketRefusalsBeforeDisconnect.value;
        for (let i = 0; i < sent; i++) flooder.socket.emit(event);
        expect(await reason).toBe('io server disconnect');
        const refusals = flooder.of('error').filter((e) => e.code === 'RATE_LIMITED');
        const told = refusals.at(-1);
        expect(told?.error).toContain('Disconnected');
        expect(told).toMatchObject({ retryAfterMs: expect.any(Number), event });
        // Each event refused before the cut, and no more: what followed it was not read.
        expect(refusals.length).toBe(TUNABLES.socketRefusalsBeforeDisconnect.value + 1);
        expect(accepted(await other.emitAck('ping'))).toMatchObject({ success: true });
      }),
  );
});

describe('RATE_LIMIT=off', () => {
  it('lets a burst well past the default limit through', () =>
    withServer({ RATE_LIMIT: 'off' }, async (server) => {
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) => sendAs(server, 'bench', `m${i}`)),
      );
      expect(results.every((r) => r.status === 200)).toBe(true);
    }));
});
