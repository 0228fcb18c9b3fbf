/**
 * The customer's context: from the user token's `ctx` claim only, stored on their open
 * chat when they open it or join, and carried on chats in admins' REST lists, never in a
 * user's reply or any socket event; a `ctx` in a payload is ignored, one over 4 KB is not
 * stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chat } from '../../src/schemas/shapes.js';
import type { RunningServer } from '../../src/server.js';
import { ONE_NODE_QUIET_MS, quiet } from '../helpers/quiet.js';
import { api, request, startTestServer, succeeded } from '../helpers/server.js';
import { connectClient, type TestClient } from '../helpers/sockets.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { bearer, JWT_ENV, signToken } from '../helpers/tokens.js';

const CTX = {
  email: 'malika@example.com',
  kyc: 'verified',
  recentTransactions: [
    { id: '88812734', amount: 120.5, currency: 'USD', status: 'failed', at: '2026-12-01' },
  ],
};

describe.each(await storeTargets())('customer context on $name', (target) => {
  let db: TestDatabase;
  let server: RunningServer;
  const clients: TestClient[] = [];
  let n = 0;
  beforeAll(async () => {
    db = await target.create();
    server = await startTestServer(db.config, { ...JWT_ENV });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
    await db.drop();
  });

  const adminToken = () => signToken('ctx-admin', 'admin', 'Ali');
  const userToken = (id: string, ctx?: unknown) =>
    signToken(id, 'user', 'Malika', ctx === undefined ? {} : { extra: { ctx } });

  async function openAs(userId: string, token: string, body: Record<string, unknown> = {}) {
    const res = await api(
      server,
      'POST',
      '/api/chats',
      { userId, userName: 'Malika', ...body },
      bearer(token),
    );
    expect(res.status).toBe(200);
    return (res.body as { chat: Chat }).chat;
  }

  async function queued(chatId: string): Promise<Chat | undefined> {
    const res = await request(
      server,
      'GET /api/chats/waiting',
      {},
      bearer(await adminToken()).headers,
    );
    return succeeded(res).chats.find((c) => c._id === chatId);
  }

  it("an admin's list carries the context; the user's replies and the events never do", async () => {
    const userId = `ctx-user-${n++}`;
    const watcher = await connectClient(server.url, { auth: { token: await adminToken() } });
    clients.push(watcher);
    await watcher.emitAck('join-admin', { adminId: 'ctx-admin' });
    const token = await userToken(userId, CTX);
    const chat = await openAs(userId, token);
    expect(chat).not.toHaveProperty('ctx');
    expect((await queued(chat._id))?.ctx).toEqual(CTX);
    const taken = await request(
      server,
      'POST /api/chats/assign',
      { body: { chatId: chat._id, adminId: 'ctx-admin', adminName: 'Ali' } },
      bearer(await adminToken()).headers,
    );
    expect(succeeded(taken).chat.ctx).toEqual(CTX);
    await watcher.waitFor('chat-taken', (p) => p.chatId === chat._id);

    const own = await request(
      server,
      'GET /api/chats/user/:userId',
      { params: { userId } },
      bearer(token).headers,
    );
    expect(succeeded(own).chats[0]).not.toHaveProperty('ctx');
    const announced = await watcher.waitFor('new-chat', (p) => p.chat._id === chat._id);
    expect(announced.chat).not.toHaveProperty('ctx');
    const closedByUser = await request(
      server,
      'PATCH /api/chats/:chatId/close',
      { params: { chatId: chat._id } },
      bearer(token).headers,
    );
    expect(succeeded(closedByUser).chat).not.toHaveProperty('ctx');
    await quiet(ONE_NODE_QUIET_MS);
    expect(JSON.stringify(watcher.received)).not.toContain('malika@example.com');
  });

  it("a superadmin's list of a user's chats carries the context and the labels; the user's own does not", async () => {
    const userId = `ctx-user-${n++}`;
    const token = await userToken(userId, CTX);
    const chat = await openAs(userId, token);
    const boss = bearer(await signToken('ctx-boss', 'superadmin', 'Boss')).headers;
    const labelled = await request(
      server,
      'PUT /api/chats/:chatId/labels',
      { params: { chatId: chat._id }, body: { labels: ['vip'] } },
      boss,
    );
    expect(labelled.status).toBe(200);
    const list = (headers: Record<string, string>) =>
      request(server, 'GET /api/chats/user/:userId', { params: { userId } }, headers);
    expect(succeeded(await list(boss)).chats[0]).toMatchObject({ ctx: CTX, labels: ['vip'] });
    const own = succeeded(await list(bearer(token).headers)).chats[0];
    expect(own).not.toHaveProperty('ctx');
    expect(own).not.toHaveProperty('labels');
  });

  it('the chat a label change or a search answers an admin carries the context', async () => {
    const userId = `ctx-user-${n++}`;
    const chat = await openAs(userId, await userToken(userId, CTX));
    const admin = bearer(await adminToken()).headers;
    const labelled = await request(
      server,
      'PUT /api/chats/:chatId/labels',
      { params: { chatId: chat._id }, body: { labels: ['kyc'] } },
      admin,
    );
    expect(succeeded(labelled).chat.ctx).toEqual(CTX);
    const found = await request(server, 'GET /api/search', { query: { q: userId } }, admin);
    expect(succeeded(found).results.map((r) => [r.chat._id, r.chat.ctx])).toEqual([
      [chat._id, CTX],
    ]);
  });

  it('is refreshed when the user joins with a newer token', async () => {
    const userId = `ctx-user-${n++}`;
    const chat = await openAs(userId, await userToken(userId, CTX));
    const fresher = { ...CTX, kyc: 'pending' };
    const socket = await connectClient(server.url, {
      auth: { token: await userToken(userId, fresher) },
    });
    clients.push(socket);
    await socket.emitAck('join-user', { userId, userName: 'Malika' });
    expect((await queued(chat._id))?.ctx).toEqual(fresher);
  });

  it('a ctx in a payload is ignored, and one over 4 KB is not stored', async () => {
    const plain = `ctx-user-${n++}`;
    const fromPayload = await openAs(plain, await userToken(plain), { ctx: { kyc: 'forged' } });
    expect(await queued(fromPayload._id)).not.toHaveProperty('ctx');

    const big = `ctx-user-${n++}`;
    const huge = { notes: 'x'.repeat(4100) };
    const oversized = await openAs(big, await userToken(big, huge));
    expect(await queued(oversized._id)).not.toHaveProperty('ctx');
  });

  it.each([
    ['a NUL character in a value', { email: 'malika@example.com', note: 'a\u0000b' }],
    ['a lone surrogate in a value', { email: 'malika@example.com', note: 'x\ud800y' }],
    ['a NUL character in a key', { 'no\u0000te': 'x' }],
    [
      'a lone surrogate deep in a transaction',
      { recentTransactions: [{ id: '1', status: 'failed\udc00' }] },
    ],
  ])('a ctx holding %s is not stored, and the token still opens the chat', async (_what, bad) => {
    const userId = `ctx-user-${n++}`;
    const chat = await openAs(userId, await userToken(userId, bad));
    expect(await queued(chat._id)).not.toHaveProperty('ctx');
    const socket = await connectClient(server.url, {
      auth: { token: await userToken(userId, bad) },
    });
    clients.push(socket);
    await socket.emitAck('join-user', { userId, userName: 'Malika' });
    expect(await queued(chat._id)).not.toHaveProperty('ctx');
  });

  it('a ctx that is not an object is ignored', async () => {
    const userId = `ctx-user-${n++}`;
    const chat = await openAs(userId, await userToken(userId, ['not', 'an', 'object']));
    expect(await queued(chat._id)).not.toHaveProperty('ctx');
  });

  it('a card number anywhere in the ctx is masked before it is stored', async () => {
    const userId = `ctx-user-${n++}`;
    const withCard = {
      email: 'malika@example.com',
      card: '4111 1111 1111 1111',
      recentTransactions: [
        { id: '88812734', card: 5555555555554444, note: 'paid with 4012-8888-8888-1881' },
      ],
    };
    const chat = await openAs(userId, await userToken(userId, withCard));
    const stored = (await queued(chat._id))?.ctx;
    expect(stored).toEqual({
      email: 'malika@example.com',
      card: '4111 11** **** 1111',
      recentTransactions: [
        { id: '88812734', card: '555555******4444', note: 'paid with 4012-88**-****-1881' },
      ],
    });
  });
});
