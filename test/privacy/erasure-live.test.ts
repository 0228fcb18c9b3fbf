/**
 * Erasure against live traffic: what the user does while DELETE /api/users/:userId runs
 * leaves nothing of them that is still open, routed or queued afterwards.
 */
import { describe, expect, it } from 'vitest';
import type { Chat } from '../../src/schemas/shapes.js';
import { api, replyOf, succeeded } from '../helpers/server.js';
import { storeTargets } from '../helpers/stores.js';
import { useWorld } from '../helpers/world.js';

const AS_SUPER = 'adminId=eraser&isSuperAdmin=true';

describe.each(await storeTargets())('erasure against live traffic on $name', (target) => {
  const world = useWorld(target, { ROUTING: 'auto' });

  it('a chat the user opens while the erasure runs is erased and closed, not left routed', async () => {
    const server = world.server();
    const admin = await world.admin();
    const userId = world.uid('live-erase');
    const opened = await api(server, 'POST', '/api/chats', { userId, userName: 'Olim' });
    expect(opened.status).toBe(200);
    // The user opens another chat after the erasure read their chats, before its last step.
    const { privacy } = server.store;
    const lastStep = privacy.eraseUser;
    let lateChatId = '';
    privacy.eraseUser = async (...args) => {
      const late = await api(server, 'POST', '/api/chats', { userId, userName: 'Olim again' });
      lateChatId = (late.body.chat as Chat)._id;
      return lastStep(...args);
    };
    try {
      const res = replyOf(
        'DELETE /api/users/:userId',
        await api(server, 'DELETE', `/api/users/${userId}?${AS_SUPER}`),
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(succeeded(res).chats).toBe(2);
    } finally {
      privacy.eraseUser = lastStep;
    }
    expect(lateChatId).not.toBe('');
    const late = await server.store.getChat(lateChatId);
    expect(late).toMatchObject({ userName: '[erased]', status: 'closed' });
    const waiting = await api(server, 'GET', `/api/chats/waiting?${AS_SUPER}`);
    expect((waiting.body.chats as Chat[]).map((c) => c._id)).not.toContain(lateChatId);
    const held = await api(server, 'GET', `/api/chats/admin/${admin.id}?adminId=${admin.id}`);
    expect((held.body.chats as Chat[]).map((c) => c._id)).not.toContain(lateChatId);
  });

  // The user's sockets are disconnected only after the last step: a send without chatId in
  // between (or, on PostgreSQL, while the last transaction runs, whose chat read came
  // first) opens a chat under the user's own id that the erasure never sees, and its texts
  // stay, though the DELETE was under way. Closing it needs the identity held off for the
  // whole erasure (disconnect first and refuse its writes, on every node): not a small fix.
  it.todo(
    'a chat the user opens after the last step began and before their sockets go is erased too',
  );
});
