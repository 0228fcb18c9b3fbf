/**
 * A socket's admin presence when it changes identity faster than its joins finish: a
 * join-admin answered after the same socket already joined as someone else leaves no
 * presence behind (an admin listed online, and routed to, with no socket of theirs).
 * On each store, over Socket.io, the joins sent back to back without waiting for acks.
 */
import { describe, expect, it } from 'vitest';
import { request, succeeded } from '../helpers/server.js';
import { accepted } from '../helpers/sockets.js';
import { storeTargets } from '../helpers/stores.js';
import { useWorld } from '../helpers/world.js';

describe.each(await storeTargets())(
  'admin presence of a socket that changes identity, on $name',
  (target) => {
    const world = useWorld(target);

    const onlineAs = async (asker: string, adminId: string) =>
      succeeded(
        await request(world.server(), 'GET /api/agents', { query: { adminId: asker } }),
      ).agents.find((a) => a.adminId === adminId)?.online;

    it('an admin whose join-admin is followed at once by a join-user on the socket is not left online', async () => {
      const watcher = await world.admin();
      for (let round = 0; round < 5; round++) {
        const client = await world.bystander();
        const adminId = world.uid('switcher');
        // A user may share an admin's id: half the rounds, the same id.
        const userId = round % 2 === 0 ? world.uid('user') : adminId;
        const asAdmin = client.emitAck('join-admin', {
          adminId,
          adminName: `Name ${adminId}`,
          isSuperAdmin: false,
        });
        const asUser = client.emitAck('join-user', { userId, userName: `Name ${userId}` });
        accepted(await asAdmin);
        accepted(await asUser);
        // The socket is a user's now: the admin has no socket anywhere, then or once it closes.
        expect(await onlineAs(watcher.id, adminId)).not.toBe(true);
        client.close();
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(await onlineAs(watcher.id, adminId)).not.toBe(true);
      }
    });

    it("an admin whose join-admin is followed at once by another admin's is not left online", async () => {
      const watcher = await world.admin();
      for (let round = 0; round < 5; round++) {
        const client = await world.bystander();
        const first = world.uid('first');
        const second = world.uid('second');
        const joins = [first, second].map((adminId) =>
          client.emitAck('join-admin', {
            adminId,
            adminName: `Name ${adminId}`,
            isSuperAdmin: false,
          }),
        );
        for (const join of joins) accepted(await join);
        expect(await onlineAs(watcher.id, first)).not.toBe(true);
        expect(await onlineAs(watcher.id, second)).toBe(true);
        client.close();
        await watcher.client.waitFor('agent-status', (a) => a.adminId === second && !a.online);
      }
    });
  },
);
