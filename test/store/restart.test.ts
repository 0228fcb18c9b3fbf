import { describe, expect, it } from 'vitest';
import { fetchHistory } from '../helpers/flows.js';
import { api, request, startTestServer, succeeded } from '../helpers/server.js';
import { storeTargets } from '../helpers/stores.js';

describe.each(await storeTargets())('restarting on the same $name store', (target) => {
  it('keeps history, and seq continues where it stopped', async () => {
    const db = await target.create();
    try {
      const first = await startTestServer(db.config);
      const { chat } = succeeded(
        await request(first, 'POST /api/chats', { body: { userId: 'u-r', userName: 'R' } }),
      );
      for (const content of ['one', 'two', 'three']) {
        const res = await api(first, 'POST', '/api/messages', {
          chatId: chat._id,
          senderId: 'u-r',
          senderType: 'user',
          senderName: 'R',
          content,
        });
        expect(res.status).toBe(200);
      }
      await first.close();

      const second = await startTestServer(db.config);
      try {
        const history = await fetchHistory(second, chat._id);
        expect(succeeded(history).messages.map((m) => [m.seq, m.content])).toEqual([
          [1, 'one'],
          [2, 'two'],
          [3, 'three'],
        ]);
        const next = await api(second, 'POST', '/api/messages', {
          senderId: 'u-r',
          senderType: 'user',
          senderName: 'R',
          content: 'four',
        });
        expect(next.body.message).toMatchObject({ chatId: chat._id, seq: 4 });
        expect(next.body.chat).toMatchObject({ unreadCount: 4, lastMessage: 'four' });
      } finally {
        await second.close();
      }
    } finally {
      await db.drop();
    }
  });

  it('two servers starting at once on a fresh database both migrate safely', async () => {
    const db = await target.create();
    try {
      if (target.name === 'sqlite') {
        // One process per SQLite file is the supported shape; start twice in a row.
        const a = await startTestServer(db.config);
        await a.close();
        const b = await startTestServer(db.config);
        expect((await api(b, 'GET', '/health')).status).toBe(200);
        await b.close();
        return;
      }
      const servers = await Promise.all([startTestServer(db.config), startTestServer(db.config)]);
      for (const s of servers) expect((await api(s, 'GET', '/health')).status).toBe(200);
      await Promise.all(servers.map((s) => s.close()));
    } finally {
      await db.drop();
    }
  });
});
