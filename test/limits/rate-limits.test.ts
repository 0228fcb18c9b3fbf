import { describe, expect, it } from 'vitest';
import { DEFAULT_BUDGETS } from '../../src/limits/rate-limiter.js';
import type { RunningServer } from '../../src/server.js';
import type { Chat, Message } from '../helpers/flows.js';
import { api, startTestServer } from '../helpers/server.js';
import { connectClient, type TestClient } from '../helpers/sockets.js';
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

const sendAs = (server: RunningServer, userId: string, content: string, headers = {}) =>
  api(
    server,
    'POST',
    '/api/messages',
    { senderId: userId, senderType: 'user', senderName: 'F', content },
    headers,
  );

describe('rate limits (on, default values)', () => {
  it('sends over the burst get 429 with Retry-After and store nothing; REST and socket share one budget', () =>
    // A slow refill (1/s) keeps the count exact on a loaded machine.
    withServer(
      { RATE_LIMIT: 'on', RATE_LIMIT_MESSAGES_PER_SECOND: '1' },
      async (server, clients) => {
        const first = await sendAs(server, 'flooder', 'm0');
        const chat = first.body.chat as Chat;
        const burst = await Promise.all(
          Array.from({ length: 40 }, (_, i) => sendAs(server, 'flooder', `m${i + 1}`)),
        );
        const accepted = 1 + burst.filter((r) => r.status === 200).length;
        const refused = burst.filter((r) => r.status === 429);
        expect(accepted).toBeGreaterThanOrEqual(30);
        expect(accepted).toBeLessThanOrEqual(31);
        expect(refused.length).toBe(41 - accepted);
        expect(refused[0]?.body).toMatchObject({ success: false, code: 'RATE_LIMITED' });
        expect(Number(refused[0]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

        const socket = await connectClient(server.url);
        clients.push(socket);
        await socket.emitAck('join-user', { userId: 'flooder', userName: 'F' });
        const ack = await socket.emitAck('send-message', {
          chatId: chat._id,
          content: 'socket too',
        });
        expect(ack).toMatchObject({ success: false, code: 'RATE_LIMITED' });
        expect(ack.retryAfterMs).toBeGreaterThan(0);

        // Refused sends used no seq: what is stored is gap-free.
        const stored = await api(server, 'GET', `/api/messages/${chat._id}?after=0&limit=200`);
        expect((stored.body.messages as Message[]).map((m) => m.seq)).toEqual(
          Array.from({ length: accepted }, (_, i) => i + 1),
        );
        await new Promise((r) => setTimeout(r, 1100));
        const later = await sendAs(server, 'flooder', 'after a pause');
        expect(later.status).toBe(200);
        expect((later.body.message as Message).seq).toBe(accepted + 1);
      },
    ));

  it("a flood from one identity does not stop another's messages", () =>
    withServer({ RATE_LIMIT: 'on', ...JWT_ENV }, async (server) => {
      const noisy = bearer(await signToken('noisy', 'user'));
      const calm = bearer(await signToken('calm', 'user'));
      const started = Date.now();
      const flood = Array.from({ length: 300 }, (_, i) =>
        sendAs(server, 'noisy', `spam ${i}`, noisy),
      );
      const calmStatuses: number[] = [];
      for (let i = 0; i < 10; i++)
        calmStatuses.push((await sendAs(server, 'calm', `hello ${i}`, calm)).status);
      const floodStatuses = (await Promise.all(flood)).map((r) => r.status);
      expect(calmStatuses).toEqual(Array(10).fill(200));
      // The burst (30) and what refilled at 10/s while the flood was answered get through:
      // on a quiet machine that is under 50, on a loaded one more.
      const refilled = Math.ceil(((Date.now() - started) / 1000) * 10);
      const refused = floodStatuses.filter((s) => s === 429).length;
      expect(refused).toBeGreaterThan(0);
      expect(refused).toBeGreaterThanOrEqual(300 - 30 - refilled - 1);
    }));

  it('typing indicators are limited per identity with an error ack', () =>
    withServer({ RATE_LIMIT: 'on' }, async (server, clients) => {
      const chat = (await sendAs(server, 'typist', 'open my chat')).body.chat as Chat;
      const socket = await connectClient(server.url);
      clients.push(socket);
      await socket.emitAck('join-user', { userId: 'typist', userName: 'T' });
      const acks = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          socket.emitAck('typing', {
            chatId: chat._id,
            userId: 'typist',
            userName: 'T',
            isTyping: i % 2 === 0,
          }),
        ),
      );
      expect(acks.filter((a) => a.success === true).length).toBeGreaterThanOrEqual(20);
      expect(acks.filter((a) => a.code === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(1);
    }));

  it('new connections per IP are limited, one budget per connection; the refusal says so', () =>
    withServer({ RATE_LIMIT: 'on' }, async (server, clients) => {
      const started = Date.now();
      let refused: Error | undefined;
      for (let i = 0; i < 80 && !refused; i++) {
        try {
          clients.push(await connectClient(server.url));
        } catch (err) {
          refused = err as Error;
        }
      }
      const seconds = (Date.now() - started) / 1000;
      expect(refused).toBeDefined();
      // The Engine.io handshake and the Socket.io CONNECT are charged once together.
      expect(clients.length).toBeGreaterThanOrEqual(DEFAULT_BUDGETS.connections.burst);
      expect(clients.length).toBeLessThanOrEqual(
        DEFAULT_BUDGETS.connections.burst +
          Math.ceil(seconds * DEFAULT_BUDGETS.connections.perSecond),
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
});

describe('reads have their own budget', () => {
  it("history and chat-list reads past the burst get 429 with Retry-After; another identity and the same identity's sends go on", () =>
    withServer({ RATE_LIMIT: 'on', ...JWT_ENV }, async (server) => {
      const reader = bearer(await signToken('reader', 'user'));
      const chat = (await sendAs(server, 'reader', 'open my chat', reader)).body.chat as Chat;
      const { burst, perSecond } = DEFAULT_BUDGETS.reads;
      const paths = [`/api/messages/${chat._id}?page=1`, '/api/chats/user/reader'];
      const started = Date.now();
      const replies = await Promise.all(
        Array.from({ length: 2 * burst }, (_, i) =>
          api(server, 'GET', paths[i % 2] as string, undefined, reader),
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
        const opened = await api(server, 'POST', '/api/chats', { userId: 'flood', userName: 'F' });
        const chatId = (opened.body.chat as Chat)._id;
        await flooder.emitAck('join-user', { userId: 'flood', userName: 'F' });
        const acks = await Promise.all(
          Array.from({ length: 400 }, () => flooder.emitAck(event, payload('flood', chatId))),
        );
        const refused = acks.filter((a) => a.code === 'RATE_LIMITED');
        expect(refused.length).toBeGreaterThan(250);
        expect(refused[0]).toMatchObject({ success: false, retryAfterMs: expect.any(Number) });
        await new Promise((r) => setTimeout(r, 200));
        // The default budget: a burst of 100, refilled at 30/s.
        expect(admin.of('user-status').length).toBeLessThanOrEqual(110);
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
