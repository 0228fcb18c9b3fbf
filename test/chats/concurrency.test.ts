import { describe, expect, it } from 'vitest';
import { fetchHistory, openChat } from '../helpers/flows.js';
import { api, request, startTestServer, succeeded } from '../helpers/server.js';
import { accepted, connectClient } from '../helpers/sockets.js';
import { storeTargets } from '../helpers/stores.js';
import { useWorld } from '../helpers/world.js';

describe.each(await storeTargets())('races decided by the store on $name', (target) => {
  const world = useWorld(target);

  for (const action of ['assign', 'lock'] as const) {
    it(`20 admins who ${action} one waiting chat at once: exactly one wins, nineteen get 409`, async () => {
      const user = await world.user();
      const chat = await openChat(world, user);
      const admins = Array.from({ length: 20 }, (_, i) => ({
        id: world.uid(`a${i}`),
        name: `Admin ${i}`,
      }));
      const results = await Promise.all(
        admins.map((a) =>
          request(world.server(), `POST /api/chats/${action}`, {
            body: { chatId: chat._id, adminId: a.id, adminName: a.name },
          }),
        ),
      );
      const winners = results.filter((r) => r.status === 200);
      const losers = results.filter((r) => r.status === 409);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(19);
      const winner = winners[0] && succeeded(winners[0]).chat.assignedAdminName;
      for (const l of losers)
        expect(l.body).toMatchObject({ success: false, code: 'CHAT_TAKEN', assignedTo: winner });
      const all = await request(world.server(), 'GET /api/chats/all', {
        query: { status: 'active' },
      });
      const row = succeeded(all).chats.find((c) => c._id === chat._id);
      expect(row?.assignedAdminName).toBe(winner);
      if (action === 'lock') expect(row?.lockedByAdminName).toBe(winner);
    });
  }

  it('concurrent sends to one chat from many sockets: all acked, all stored, seq 1..N without gap or duplicate', async () => {
    const user = await world.user();
    const chat = await openChat(world, user);
    const userId = user.id;
    const tabs = await Promise.all(
      Array.from({ length: 8 }, () => connectClient(world.server().url)),
    );
    await Promise.all(tabs.map((t) => t.emitAck('join-user', { userId, userName: user.name })));
    const perTab = 25;
    const acks = await Promise.all(
      tabs.flatMap((t, ti) =>
        Array.from({ length: perTab }, (_, i) =>
          t.emitAck('send-message', {
            chatId: chat._id,
            content: `t${ti}-m${i}`,
            clientMessageId: `t${ti}-m${i}`,
          }),
        ),
      ),
    );
    const total = tabs.length * perTab;
    expect(acks.every((a) => a.success === true)).toBe(true);
    const ackedSeqs = acks.map((a) => accepted(a).message.seq).sort((a, b) => a - b);
    expect(ackedSeqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const stored = await fetchHistory(world.server(), chat._id, { after: '0', limit: '200' });
    const more = await fetchHistory(world.server(), chat._id, { after: '200', limit: '200' });
    const messages = [...succeeded(stored).messages, ...succeeded(more).messages];
    expect(messages.map((m) => m.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(new Set(messages.map((m) => m.content)).size).toBe(total);
    const row = succeeded(
      await request(world.server(), 'GET /api/chats/user/:userId', { params: { userId } }),
    ).chats;
    expect(row[0]?.unreadCount).toBe(total);
    for (const t of tabs) t.close();
  });

  it('concurrent opens for one user make one chat', async () => {
    const userId = world.uid('user');
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        request(world.server(), 'POST /api/chats', { body: { userId, userName: 'Racer' } }),
      ),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(new Set(results.map((r) => succeeded(r).chat._id)).size).toBe(1);
    expect(results.filter((r) => r.body.isNew === true)).toHaveLength(1);
  });
});

describe.each((await storeTargets()).filter((t) => t.name === 'postgres'))(
  'two server processes sharing one $name database',
  (target) => {
    it('keep seq gap-free and assignment atomic across servers', async () => {
      const db = await target.create();
      const [a, b] = await Promise.all([startTestServer(db.config), startTestServer(db.config)]);
      try {
        const userId = 'shared-user';
        const { chat } = succeeded(
          await request(a, 'POST /api/chats', { body: { userId, userName: 'Shared' } }),
        );
        const sends = Array.from({ length: 60 }, (_, i) =>
          request(i % 2 ? a : b, 'POST /api/messages', {
            body: {
              chatId: chat._id,
              senderId: userId,
              senderType: 'user',
              senderName: 'Shared',
              content: `m${i}`,
            },
          }),
        );
        const results = await Promise.all(sends);
        expect(results.every((r) => r.status === 200)).toBe(true);
        const seqs = results.map((r) => succeeded(r).message.seq).sort((x, y) => x - y);
        expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));

        const takes = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            api(i % 2 ? a : b, 'POST', '/api/chats/assign', {
              chatId: chat._id,
              adminId: `adm${i}`,
              adminName: `A${i}`,
            }),
          ),
        );
        expect(takes.filter((r) => r.status === 200)).toHaveLength(1);
        expect(takes.filter((r) => r.status === 409)).toHaveLength(9);
      } finally {
        await Promise.all([a.close(), b.close()]);
        await db.drop();
      }
    });
  },
);
