/**
 * A waiting chat locked by an admin (the v2 import keeps such a lock) is in nobody's queue
 * but its locker's and a superadmin's: when that admin is gone, only a superadmin can free
 * it. An unlock by a superadmin puts it back in every admin's queue; anyone else is refused
 * as before.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importV2 } from '../../src/import/import-v2.js';
import type { RunningServer } from '../../src/server.js';
import { api, request, startTestServer, succeeded } from '../helpers/server.js';
import { connectClient, joinAs } from '../helpers/sockets.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const created = { $date: '2024-01-01T00:01:00.000Z' };
const lockedChat = (id: string, userId: string) =>
  JSON.stringify({
    _id: id,
    userId,
    userName: `Name of ${userId}`,
    status: 'waiting',
    isLocked: true,
    lockedByAdminId: 'gone-admin',
    lockedByAdminName: 'Gone',
    createdAt: created,
  });

describe.each(await storeTargets())('a waiting chat locked by a gone admin on $name', (target) => {
  let db: TestDatabase;
  let dir: string;
  let server: RunningServer;
  const chatIds = ['0000000000000000000000a1', '0000000000000000000000a2'];

  beforeAll(async () => {
    db = await target.create();
    dir = mkdtempSync(join(tmpdir(), 'locked-in-queue-'));
    writeFileSync(
      join(dir, 'chats.json'),
      `${chatIds.map((id, i) => lockedChat(id, `locked-user-${i}`)).join('\n')}\n`,
    );
    writeFileSync(join(dir, 'messages.json'), '');
    await importV2({
      database: db.config,
      chatsFile: join(dir, 'chats.json'),
      messagesFile: join(dir, 'messages.json'),
    });
    server = await startTestServer(db.config);
  });

  afterAll(async () => {
    await server?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a superadmin unlocks it: waiting, unlocked, in every admin’s queue, and takeable', async () => {
    const [chatId] = chatIds;
    const watcher = await joinAs(await connectClient(server.url), 'watching-admin', {
      role: 'admin',
      superadmin: false,
    });
    try {
      const unlocked = await api(server, 'POST', '/api/chats/unlock', {
        chatId,
        adminId: 'desk-super',
        isSuperAdmin: true,
      });
      expect(unlocked.status).toBe(200);
      expect(unlocked.body.chat).toMatchObject({
        _id: chatId,
        status: 'waiting',
        isLocked: false,
        lockedByAdminId: null,
        assignedAdminId: null,
      });
      const event = await watcher.client.waitFor('chat-unlocked', (p) => p.chatId === chatId);
      expect(event.chat.isLocked).toBe(false);

      const queue = await request(server, 'GET /api/chats/waiting', {
        query: { adminId: 'any-admin' },
      });
      expect(succeeded(queue).chats.map((c) => c._id)).toContain(chatId);
      const taken = await api(server, 'POST', '/api/chats/assign', {
        chatId,
        adminId: 'any-admin',
        adminName: 'Any',
      });
      expect(taken.status).toBe(200);
    } finally {
      watcher.client.close();
    }
  });

  it('an admin who did not lock it may still neither unlock nor take it', async () => {
    const chatId = chatIds[1];
    const unlock = await api(server, 'POST', '/api/chats/unlock', {
      chatId,
      adminId: 'plain-admin',
    });
    expect(unlock.status).toBe(403);
    expect(unlock.body).toMatchObject({ success: false, code: 'FORBIDDEN' });
    const take = await api(server, 'POST', '/api/chats/assign', {
      chatId,
      adminId: 'plain-admin',
      adminName: 'Plain',
    });
    expect(take.status).toBe(409);
    expect(take.body).toMatchObject({ code: 'CHAT_TAKEN', assignedAdminId: 'gone-admin' });
  });
});
