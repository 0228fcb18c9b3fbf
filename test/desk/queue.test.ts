/**
 * The queue as waiting users see it, on each store: `queue-position` on join and on
 * every change of what they read (positions move up as chats are taken; a chat opened
 * behind tells nobody; a taken chat hears position null once), the estimate from the
 * median wait, and GET /api/chats/:chatId/queue with who may ask it.
 */
import { describe, expect, it } from 'vitest';
import type { QueuePosition } from '../../src/desk/estimate.js';
import { assignChat, openChat } from '../helpers/flows.js';
import { QUEUE_ROUND_QUIET_MS, quiet } from '../helpers/quiet.js';
import { request, startTestServer, succeeded } from '../helpers/server.js';
import { connectClient, joinAs } from '../helpers/sockets.js';
import { storeTargets } from '../helpers/stores.js';
import { bearer, JWT_ENV, signToken } from '../helpers/tokens.js';
import { type Person, useWorld } from '../helpers/world.js';

/** The queue-position saying `position` (and, when given, `waiting`), received or awaited. */
const at = (user: Person, chatId: string, position: number | null, waiting?: number) =>
  user.client.waitFor(
    'queue-position',
    (p) =>
      p.chatId === chatId &&
      p.position === position &&
      (waiting === undefined || p.waiting === waiting),
  );

describe.each(await storeTargets())('queue positions on $name', (target) => {
  const world = useWorld(target);
  const queueOf = async (chatId: string) =>
    succeeded(
      await request(world.server(), 'GET /api/chats/:chatId/queue', { params: { chatId } }),
    );

  it('tells each waiting user where they stand, moves them up as chats are taken, and says null to the one taken', async () => {
    const [u1, u2, u3] = [await world.user(), await world.user(), await world.user()];
    const c1 = await openChat(world, u1);
    const c2 = await openChat(world, u2);
    const c3 = await openChat(world, u3);
    // Each is told once its chat waits; a chat opened behind changes nothing they read.
    const first: QueuePosition[] = await Promise.all([
      at(u1, c1._id, 1),
      at(u2, c2._id, 2),
      at(u3, c3._id, 3, 3),
    ]);
    await quiet(QUEUE_ROUND_QUIET_MS);
    expect(u1.client.of('queue-position')).toHaveLength(1);
    // No chat was ever assigned on this server: no estimate.
    expect(first.map((p) => p.estimatedWaitSeconds)).toEqual([null, null, null]);
    expect(await queueOf(c3._id)).toEqual({
      success: true,
      position: 3,
      waiting: 3,
      estimatedWaitSeconds: null,
    });

    const admin = await world.admin();
    await assignChat(world, c1, admin);
    const gone = await at(u1, c1._id, null, 2);
    expect(gone.estimatedWaitSeconds).toBeNull();
    const [p2, p3] = await Promise.all([at(u2, c2._id, 1, 2), at(u3, c3._id, 2, 2)]);
    // One chat waited (well under a second) before its first assignment: that is the median.
    expect(p2.estimatedWaitSeconds).not.toBeNull();
    expect(p2.estimatedWaitSeconds).toBeLessThanOrEqual(p3.estimatedWaitSeconds ?? -1);
    expect(await queueOf(c1._id)).toEqual({
      success: true,
      position: null,
      waiting: 2,
      estimatedWaitSeconds: null,
    });
    expect(await queueOf(c2._id)).toMatchObject({ position: 1, waiting: 2 });

    // u1 hears null once; u2 and u3 nothing more while nothing changes.
    await assignChat(world, c2, admin);
    await at(u3, c3._id, 1, 1);
    expect(u1.client.of('queue-position').filter((p) => p.position === null)).toHaveLength(1);
    await assignChat(world, c3, admin);
    await at(u3, c3._id, null, 0);
  });

  it('tells a user who joins while waiting (a new tab) where they stand', async () => {
    const user = await world.user();
    const chat = await openChat(world, user);
    await at(user, chat._id, 1, 1);
    const tab = await joinAs(await connectClient(world.server().url), user.id, { role: 'user' });
    try {
      const told = await tab.client.waitFor('queue-position', (p) => p.chatId === chat._id);
      expect(told).toMatchObject({ position: 1, waiting: 1 });
    } finally {
      tab.client.close();
    }
    await assignChat(world, chat, await world.admin());
  });

  it('gathers a burst of assignments into one or two updates, not one per assignment', async () => {
    const ahead = [];
    for (let i = 0; i < 6; i++) ahead.push(await openChat(world, await world.user()));
    const last = await world.user();
    const mine = await openChat(world, last);
    await at(last, mine._id, 7, 7);
    const admin = await world.admin();
    // One after another, each answered before the next: a node that recomputed per
    // assignment would tell six positions.
    for (const chat of ahead) await assignChat(world, chat, admin);
    await at(last, mine._id, 1, 1);
    // Told on opening, then at most once per coalescing round: not six more times.
    expect(last.client.of('queue-position').length).toBeLessThanOrEqual(4);
    await assignChat(world, mine, admin);
  });

  it('answers 404 for a chat that does not exist', async () => {
    const res = await request(world.server(), 'GET /api/chats/:chatId/queue', {
      params: { chatId: 'no-such-chat' },
    });
    expect(res.status).toBe(404);
  });
});

describe.each(await storeTargets())('who may ask for a queue position on $name', (target) => {
  it('its user, an admin whose queue shows it and a superadmin; not another user (403)', async () => {
    const db = await target.create();
    const server = await startTestServer(db.config, JWT_ENV);
    try {
      const ask = async (chatId: string, token: string) =>
        request(
          server,
          'GET /api/chats/:chatId/queue',
          { params: { chatId } },
          bearer(token).headers,
        );
      const owner = await signToken('q-owner', 'user');
      const opened = await request(
        server,
        'POST /api/chats',
        { body: { userId: 'q-owner', userName: 'Owner' } },
        bearer(owner).headers,
      );
      const chatId = succeeded(opened).chat._id;
      expect((await ask(chatId, owner)).body).toMatchObject({ position: 1, waiting: 1 });
      expect((await ask(chatId, await signToken('q-admin', 'admin'))).status).toBe(200);
      expect((await ask(chatId, await signToken('q-chief', 'superadmin'))).status).toBe(200);
      const other = await ask(chatId, await signToken('q-other', 'user'));
      expect(other.status).toBe(403);
      expect(other.body).toMatchObject({ code: 'FORBIDDEN' });
      const none = await request(server, 'GET /api/chats/:chatId/queue', { params: { chatId } });
      expect(none.status).toBe(401);
    } finally {
      await server.close();
      await db.drop();
    }
  });
});
