/** A socket holds the presence of the one user it joined as, and gives it up when that changes. */
import { describe, expect, it } from 'vitest';
import { fetchUserChats } from '../helpers/flows.js';
import { ONE_NODE_QUIET_MS, quiet } from '../helpers/quiet.js';
import { api, startTestServer, succeeded } from '../helpers/server.js';
import { connectClient } from '../helpers/sockets.js';

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
