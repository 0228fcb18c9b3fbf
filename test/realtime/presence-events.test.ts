/** A socket holds the presence of the one user it joined as, and gives it up when that changes. */
import { describe, expect, it } from 'vitest';
import { fetchUserChats, openChat } from '../helpers/flows.js';
import { ONE_NODE_QUIET_MS, quiet } from '../helpers/quiet.js';
import { api, startTestServer, succeeded } from '../helpers/server.js';
import { accepted, connectClient } from '../helpers/sockets.js';
import { storeTargets } from '../helpers/stores.js';
import { useWorld } from '../helpers/world.js';

describe('presence held by a socket (AUTH_MODE=none)', () => {
  it('joining as another user, or as an admin, takes the first user offline once', async () => {
    const server = await startTestServer({ kind: 'sqlite', path: ':memory:' });
    const admin = await connectClient(server.url);
    const socket = await connectClient(server.url);
    try {
      await admin.emitAck('join-admin', { adminId: 'watch', adminName: 'W' });
      await api(server, 'POST', '/api/chats', { userId: 'first', userName: 'F' });
      await socket.emitAck('join-user', { userId: 'first', userName: 'F' });
      await socket.emitAck('join-user', { userId: 'second', userName: 'S' });
      await socket.emitAck('join-admin', { adminId: 'now-admin', adminName: 'N' });
      await quiet(ONE_NODE_QUIET_MS);
      const statuses = admin.of('user-status').map((p) => `${p.userId}:${p.online}`);
      expect(statuses).toEqual(['first:true', 'first:false', 'second:true', 'second:false']);
      const chats = await fetchUserChats(server, 'first');
      expect(succeeded(chats).chats[0]?.userOnline).toBe(false);
      socket.close();
      await quiet(ONE_NODE_QUIET_MS);
      expect(admin.of('user-status')).toHaveLength(4);
    } finally {
      admin.close();
      socket.close();
      await server.close();
    }
  });
});

describe.each(await storeTargets())(
  'presence of a socket that changes identity, on $name',
  (target) => {
    const world = useWorld(target);

    it('a user whose join-user is followed at once by a join-admin on the socket is not left online', async () => {
      const watcher = await world.admin();
      for (let round = 0; round < 3; round++) {
        const client = await world.bystander();
        const userId = world.uid('user');
        await openChat(world, { id: userId, name: 'U', client });
        // Back to back, no ack awaited: the socket is the admin's once both are answered.
        const asUser = client.emitAck('join-user', { userId, userName: 'U' });
        const asAdmin = client.emitAck('join-admin', {
          adminId: world.uid('admin'),
          adminName: 'A',
        });
        accepted(await asUser);
        accepted(await asAdmin);
        await quiet(ONE_NODE_QUIET_MS);
        const chats = succeeded(await fetchUserChats(world.server(), userId)).chats;
        expect(chats[0]?.userOnline).toBe(false);
        const told = watcher.client.of('user-status').filter((p) => p.userId === userId);
        expect(told.at(-1)?.online).not.toBe(true);
        client.close();
      }
    });
  },
);
