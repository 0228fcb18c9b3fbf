/**
 * Transfers name an admin the server knows, and the admins it knows are listed for the
 * transfer picker: over REST, on each store.
 */
import { describe, expect, it } from 'vitest';
import { assignChat, openChat } from '../helpers/flows.js';
import { ONE_NODE_QUIET_MS, quiet } from '../helpers/quiet.js';
import { api, request, succeeded } from '../helpers/server.js';
import { storeTargets } from '../helpers/stores.js';
import { useWorld } from '../helpers/world.js';

describe.each(await storeTargets())('known admins over REST on $name', (target) => {
  const world = useWorld(target);

  it('refuses a transfer to an admin the server has never seen: 404 naming toAdminId, nothing changes, nobody hears', async () => {
    const [holder, user, watcher] = await Promise.all([world.admin(), world.user(), world.admin()]);
    const chat = await openChat(world, user);
    await assignChat(world, chat, holder);
    const before = await world.server().store.getChat(chat._id);
    const ghost = world.uid('nobody');
    const res = await api(world.server(), 'POST', '/api/chats/transfer', {
      chatId: chat._id,
      fromAdminId: holder.id,
      toAdminId: ghost,
      toAdminName: 'Typo',
    });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ success: false, code: 'ADMIN_NOT_FOUND' });
    expect(res.body.error).toMatch(/^toAdminId: /);
    expect(res.body.error).toContain(ghost);
    world.server().store.forgetChat(chat._id);
    expect(await world.server().store.getChat(chat._id)).toEqual(before);
    await quiet(ONE_NODE_QUIET_MS);
    for (const who of [holder, watcher, user]) {
      expect(who.client.of('chat-transferred-out')).toHaveLength(0);
      expect(who.client.of('chat-transferred-in')).toHaveLength(0);
      expect(who.client.of('admin-changed')).toHaveLength(0);
    }
  });

  it('knows an admin who only acted over REST, never connected: the transfer to them succeeds', async () => {
    const [holder, user] = await Promise.all([world.admin(), world.user()]);
    const restOnly = world.uid('rest-admin');
    const queue = await api(world.server(), 'GET', `/api/chats/waiting?adminId=${restOnly}`);
    expect(queue.status).toBe(200);
    const chat = await openChat(world, user);
    await assignChat(world, chat, holder);
    const res = await request(world.server(), 'POST /api/chats/transfer', {
      body: { chatId: chat._id, fromAdminId: holder.id, toAdminId: restOnly, toAdminName: 'R' },
    });
    expect(res.status).toBe(200);
    expect(succeeded(res).chat).toMatchObject({ assignedAdminId: restOnly, status: 'active' });
  });

  it('lists the known admins for the picker: connected ones first, with their names', async () => {
    const offline = world.uid('gone');
    await api(world.server(), 'GET', `/api/chats/waiting?adminId=${offline}`); // acts, never connects
    const online = await world.admin();
    const res = await request(world.server(), 'GET /api/admins', {
      query: { adminId: online.id },
    });
    const admins = succeeded(res).admins;
    const mine = admins.findIndex((a) => a.id === online.id);
    const theirs = admins.findIndex((a) => a.id === offline);
    expect(admins[mine]).toMatchObject({ name: online.name, online: true });
    expect(admins[theirs]).toMatchObject({ online: false });
    expect(mine).toBeLessThan(theirs);
    const firstOffline = admins.findIndex((a) => !a.online);
    expect(admins.slice(firstOffline).every((a) => !a.online)).toBe(true);
    online.client.close();
    await expect
      .poll(async () => {
        const again = succeeded(
          await request(world.server(), 'GET /api/admins', { query: { adminId: offline } }),
        );
        return again.admins.find((a) => a.id === online.id)?.online;
      })
      .toBe(false);
  });

  it('refuses bad input on the admin list with a 400 naming the field', async () => {
    const s = world.server();
    for (const query of ['adminId=', `adminId=${'x'.repeat(101)}`, 'isSuperAdmin=maybe']) {
      const res = await api(s, 'GET', `/api/admins?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body).toMatchObject({ success: false, code: 'VALIDATION_ERROR' });
      expect(res.body.error).toMatch(/adminId|isSuperAdmin/);
    }
  });

  it('refuses bad input on a transfer target with a 400 naming toAdminId', async () => {
    const [holder, user] = await Promise.all([world.admin(), world.user()]);
    const chat = await openChat(world, user);
    await assignChat(world, chat, holder);
    for (const toAdminId of ['', '   ', 'x'.repeat(101), 42, null]) {
      const res = await api(world.server(), 'POST', '/api/chats/transfer', {
        chatId: chat._id,
        fromAdminId: holder.id,
        toAdminId,
        toAdminName: 'T',
      });
      expect(res.status, String(toAdminId)).toBe(400);
      expect(res.body.error).toMatch(/toAdminId/);
    }
  });
});
