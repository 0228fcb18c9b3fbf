/**
 * Connection-state recovery: a client whose connection drops briefly gets back its rooms
 * and the events it missed, from a buffer that stays bounded however much is broadcast.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import { boundedRecoveryAdapter } from '../../src/realtime/bounded-recovery.js';
import { api } from '../helpers/server.js';
import { connectClient, type TestClient } from '../helpers/sockets.js';
import { storeTargets } from '../helpers/stores.js';
import { useWorld } from '../helpers/world.js';

/** Drops the client's transport and resolves once it has reconnected on its own. */
async function dropAndReconnect(client: TestClient, whileAway: () => Promise<void>) {
  const reconnected = new Promise<void>((resolve) =>
    client.socket.once('connect', () => resolve()),
  );
  client.socket.io.engine.close();
  await whileAway();
  await reconnected;
}

const [sqlite] = await storeTargets();

describe('recovery through the server', () => {
  const world = useWorld(sqlite as NonNullable<typeof sqlite>);

  it('a user whose connection dropped gets the admin reply sent meanwhile, without rejoining', async () => {
    const admin = await world.admin();
    const userId = world.uid('user');
    const user = await connectClient(world.server().url, {
      reconnection: true,
      reconnectionDelay: 200,
      reconnectionDelayMax: 200,
    });
    await user.emitAck('join-user', { userId, userName: 'U' });
    const open = await api(world.server(), 'POST', '/api/chats', { userId, userName: 'U' });
    const chatId = (open.body.chat as { _id: string })._id;
    const assigned = await api(world.server(), 'POST', '/api/chats/assign', {
      chatId,
      adminId: admin.id,
      adminName: admin.name,
    });
    expect(assigned.status).toBe(200);
    await user.emitAck('join-chat', { chatId });
    await admin.client.emitAck('join-chat', { chatId });
    // A first reply gives the user's socket an offset to resume from.
    expect(await admin.client.emitAck('send-message', { chatId, content: 'hello' })).toMatchObject({
      success: true,
    });
    await user.waitFor('new-message');

    await dropAndReconnect(user, async () => {
      const reply = await admin.client.emitAck('send-message', {
        chatId,
        content: 'sent while you were away',
      });
      expect(reply.success).toBe(true);
    });

    expect(user.socket.recovered).toBe(true);
    const delivered = await user.waitFor(
      'new-message',
      (p) => (p as { message: { content: string } }).message.content === 'sent while you were away',
    );
    expect(delivered).toMatchObject({ message: { chatId, senderType: 'admin' } });
    user.close();
  });
});

describe('the recovery buffer', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanup.splice(0)) c();
  });

  /** A bare server keeping at most `max` packets; a client in room "r". */
  async function setup(max: number) {
    const http = createServer();
    const io = new Server(http, {
      connectionStateRecovery: { maxDisconnectionDuration: 60_000 },
      adapter: boundedRecoveryAdapter(max),
    });
    io.on('connection', (socket) => {
      if (!socket.recovered) void socket.join('r');
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const client = await connectClient(url, {
      reconnection: true,
      reconnectionDelay: 200,
      reconnectionDelayMax: 200,
    });
    cleanup.push(() => {
      client.close();
      io.close();
    });
    // One delivered packet gives the client an offset to resume from.
    io.to('r').emit('tick', -1);
    await client.waitFor('tick');
    return { io, client };
  }

  it('replays what was missed while it covers the gap', async () => {
    const { io, client } = await setup(100);
    await dropAndReconnect(client, async () => {
      for (let i = 0; i < 20; i++) io.to('r').emit('tick', i);
    });
    expect(client.socket.recovered).toBe(true);
    await client.waitFor('tick', (p) => p === 19);
    expect(client.of('tick')).toEqual([-1, ...Array.from({ length: 20 }, (_, i) => i)]);
  });

  it('keeps only the newest packets: a gap longer than the buffer is not recovered', async () => {
    const { io, client } = await setup(100);
    await dropAndReconnect(client, async () => {
      for (let i = 0; i < 1000; i++) io.to('r').emit('tick', i);
    });
    expect(client.socket.recovered).toBe(false);
  });
});
