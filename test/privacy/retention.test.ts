/**
 * RETENTION_DAYS on each store: a purge deletes exactly the chats closed before its cutoff,
 * with their messages, notes, attachments (bytes too) and search entries, and keeps their
 * audit entries; open and recently closed chats stay. Two nodes purging at once delete
 * each chat once (PostgreSQL), and sends keep being acknowledged while the daily job
 * purges thousands of messages.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { databaseBlobStore } from '../../src/attachments/database-blob-store.js';
import { purgeClosedChats, RETENTION_LEASE, startRetention } from '../../src/privacy/retention.js';
import type { RunningServer } from '../../src/server.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { seedClosedChats } from '../helpers/bulk-seed.js';
import { api, startTestServer } from '../helpers/server.js';
import { connectClient } from '../helpers/sockets.js';
import { storeTargets } from '../helpers/stores.js';
import { upload, uploaded } from '../helpers/uploads.js';
import { useWorld } from '../helpers/world.js';

const blobsOf = (store: Store) => databaseBlobStore(store.attachments);
const nextMs = () => new Promise((resolve) => setTimeout(resolve, 2));
/** Seeds, scans or purges thousands of rows: up to 10 s on a machine shared by other workers. */
const HEAVY_TEST_MS = 90_000;

async function chatWith(server: RunningServer, userId: string, content: string | null) {
  const opened = await api(server, 'POST', '/api/chats', { userId, userName: `Name ${userId}` });
  const chatId = (opened.body.chat as { _id: string })._id;
  if (content !== null) {
    const sent = await api(server, 'POST', '/api/messages', {
      chatId,
      senderId: userId,
      senderType: 'user',
      senderName: `Name ${userId}`,
      content,
    });
    expect(sent.status).toBe(200);
  }
  return chatId;
}

const close = async (server: RunningServer, chatId: string) => {
  const res = await api(server, 'PATCH', `/api/chats/${chatId}/close`, {
    adminId: 'ret-admin',
    isSuperAdmin: true,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
};

describe.each(await storeTargets())('retention on $name', (target) => {
  const world = useWorld(target);

  it('deletes exactly the chats closed before the cutoff, with all they hold; their audit entries stay', async () => {
    const server = world.server();
    const word = `ret${randomUUID().replaceAll('-', '').slice(0, 10)}`;
    const oldUser = world.uid('ret-old');
    const old = await chatWith(server, oldUser, `${word} expired words`);
    const note = await api(server, 'POST', '/api/messages', {
      chatId: old,
      senderId: 'ret-admin',
      senderType: 'admin',
      senderName: 'Ali',
      content: 'a note',
      internal: true,
    });
    expect(note.status).toBe(200);
    const file = uploaded(
      await upload(server, {
        bytes: 'old statement',
        name: 'old.txt',
        type: 'text/plain',
        fields: { senderId: oldUser, senderType: 'user', senderName: 'N', chatId: old },
      }),
    );
    const withFile = await api(server, 'POST', '/api/messages', {
      chatId: old,
      senderId: oldUser,
      senderType: 'user',
      senderName: 'N',
      content: '',
      attachmentId: file.id,
    });
    expect(withFile.status).toBe(200);
    const labelled = await api(
      server,
      'PUT',
      `/api/chats/${old}/labels?adminId=ret-admin&isSuperAdmin=true`,
      {
        labels: ['refund'],
      },
    );
    expect(labelled.status, JSON.stringify(labelled.body)).toBe(200);
    await close(server, old);
    const empty = await chatWith(server, world.uid('ret-empty'), null);
    await close(server, empty);
    await nextMs();
    const cutoff = new Date().toISOString();
    await nextMs();
    const recent = await chatWith(server, world.uid('ret-recent'), `${word} recent words`);
    await close(server, recent);
    const open = await chatWith(server, world.uid('ret-open'), `${word} open words`);
    const blobKey = (await server.store.attachments.get(file.id))?.blobKey ?? '';
    expect(await server.store.attachments.firstChunkBytes(blobKey)).toBeGreaterThan(0);

    const purged = await purgeClosedChats(
      { store: server.store, blobs: blobsOf(server.store) },
      cutoff,
      {
        batch: 1,
      },
    );
    // Other tests of this file close no chat before this cutoff.
    expect(purged).toEqual({ chats: 2, messages: 2 });

    expect(await server.store.getChat(old)).toBeUndefined();
    expect(await server.store.getChat(empty)).toBeUndefined();
    expect((await api(server, 'GET', `/api/messages/${old}`)).status).toBe(404);
    expect(await server.store.attachments.get(file.id)).toBeUndefined();
    expect(await server.store.attachments.firstChunkBytes(blobKey)).toBeUndefined();
    expect(await server.store.privacy.notesAfter(old, null, 10)).toEqual([]);
    const labelledChats = await api(server, 'GET', '/api/chats/all?label=refund');
    expect((labelledChats.body.chats as { _id: string }[]).map((c) => c._id)).not.toContain(old);
    for (const chatId of [recent, open]) {
      const history = await api(server, 'GET', `/api/messages/${chatId}`);
      expect((history.body.messages as unknown[]).length).toBe(1);
    }
    const audit = await server.store.audit.list({ chatId: old, limit: 10 });
    expect(audit.entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(['chat.opened', 'note.added', 'chat.closed']),
    );
    await server.store.indexSearch(1000);
    const found = await api(server, 'GET', `/api/search?q=${word}`);
    const texts = (found.body.results as { message?: { content: string } }[]).map(
      (r) => r.message?.content,
    );
    expect(texts.sort()).toEqual([`${word} open words`, `${word} recent words`]);

    const again = await purgeClosedChats(
      { store: server.store, blobs: blobsOf(server.store) },
      cutoff,
      {
        batch: 1,
      },
    );
    expect(again).toEqual({ chats: 0, messages: 0 });
  });
});

describe.each((await storeTargets()).filter((t) => t.name === 'postgres'))(
  'retention across nodes on $name',
  (target) => {
    it('two nodes purging at once delete each chat once; the lease lets one of them run', async () => {
      const db = await target.create();
      const stores: Store[] = [];
      try {
        await seedClosedChats(db.config, {
          prefix: 'race',
          count: 60,
          messages: 3,
          closedAt: '2020-01-01T00:00:00.000Z',
        });
        stores.push(await openStore(db.config), await openStore(db.config));
        const cutoff = '2021-01-01T00:00:00.000Z';
        const results = await Promise.all(
          stores.map((store) =>
            purgeClosedChats({ store, blobs: blobsOf(store) }, cutoff, { batch: 5 }),
          ),
        );
        expect(results.reduce((n, r) => n + r.chats, 0)).toBe(60);
        expect(results.reduce((n, r) => n + r.messages, 0)).toBe(180);
        const [a, b] = stores;
        if (!a || !b) throw new Error('two stores');
        expect(await a.privacy.userChats('race-user-1', '', 10)).toEqual([]);
        expect(await a.attachments.takeLease(RETENTION_LEASE, 'node-a', 60_000)).toBe(true);
        expect(await b.attachments.takeLease(RETENTION_LEASE, 'node-b', 60_000)).toBe(false);
        expect(await a.attachments.takeLease(RETENTION_LEASE, 'node-a', 60_000)).toBe(true);
      } finally {
        for (const store of stores) await store.close();
        await db.drop();
      }
    });
  },
);

describe.each(await storeTargets())('the retention job on $name', (target) => {
  it(
    'purges on its first run after the start while sends keep being acknowledged, and counts what it purged',
    async () => {
      const db = await target.create();
      const chats = 400;
      await seedClosedChats(db.config, {
        prefix: 'job',
        count: chats,
        messages: 25,
        closedAt: '2020-01-01T00:00:00.000Z',
      });
      // And chats the v2 import closed: no closedAt, counted from their last change.
      await seedClosedChats(db.config, {
        prefix: 'undated',
        count: 10,
        messages: 2,
        closedAt: '2020-01-01T00:00:00.000Z',
        undated: true,
      });
      const server = await startTestServer(db.config, {
        RETENTION_DAYS: '30',
        RETENTION_FIRST_RUN_MS: '500',
        METRICS_TOKEN: 'retention-metrics-token',
      });
      try {
        const user = await connectClient(server.url);
        const userId = 'job-sender';
        expect((await user.emitAck('join-user', { userId, userName: 'Sender' })).success).toBe(
          true,
        );
        const acks: { at: number; purging: boolean }[] = [];
        const purgedSoFar = async () =>
          (await server.metrics?.chatsPurged.get())?.values[0]?.value ?? 0;
        let purged = 0;
        let i = 0;
        let sawPurging = false;
        while (purged < chats + 10) {
          const ack = await user.emitAck('send-message', {
            userId,
            userName: 'Sender',
            content: `during the purge ${i++}`,
          });
          expect(ack.success).toBe(true);
          purged = await purgedSoFar();
          const purging = purged > 0 && purged < chats + 10;
          sawPurging ||= purging;
          acks.push({ at: performance.now(), purging });
          if (i > 20_000) throw new Error('the purge never finished');
        }
        // Sends were acknowledged between the purge's first and last batch.
        expect(sawPurging).toBe(true);
        const during = acks.filter((a) => a.purging);
        expect(during.length).toBeGreaterThan(2);
        const metrics = await fetch(`${server.url}/metrics`, {
          headers: { authorization: 'Bearer retention-metrics-token' },
        });
        expect(await metrics.text()).toMatch(
          new RegExp(`chat_retention_purged_chats_total ${chats + 10}\\b`),
        );
        const gaps = during.slice(1).map((a, k) => a.at - (during[k]?.at ?? a.at));
        console.info(
          `retention job on ${target.name}: ${during.length} sends acknowledged during the purge of ${chats} chats (${chats * 25} messages); longest gap ${Math.round(Math.max(0, ...gaps))} ms`,
        );
      } finally {
        await server.close();
        await db.drop();
      }
    },
    HEAVY_TEST_MS,
  );
});

describe.each(await storeTargets())('the retention job across restarts on $name', (target) => {
  const expired = { messages: 2, closedAt: '2020-01-01T00:00:00.000Z' };
  const purgedAll = async (store: Store, prefix: string, count: number) => {
    for (let i = 1; i <= count; i++) {
      expect(await store.privacy.userChats(`${prefix}-user-${i}`, '', 1)).toEqual([]);
    }
  };

  it('a node started right after another one stopped purges on its first run, not a day later', async () => {
    const db = await target.create();
    const env = { RETENTION_DAYS: '30', RETENTION_FIRST_RUN_MS: '50' };
    try {
      await seedClosedChats(db.config, { prefix: 'first', count: 3, ...expired });
      const first = await startTestServer(db.config, env);
      try {
        await vi.waitFor(() => purgedAll(first.store, 'first', 3), { timeout: 10_000 });
      } finally {
        await first.close();
      }
      await seedClosedChats(db.config, { prefix: 'second', count: 3, ...expired });
      const second = await startTestServer(db.config, env);
      try {
        await vi.waitFor(() => purgedAll(second.store, 'second', 3), { timeout: 10_000 });
      } finally {
        await second.close();
      }
    } finally {
      await db.drop();
    }
  });

  it('a node that finds the lease held (a node died holding it) retries until it is free', async () => {
    const db = await target.create();
    await seedClosedChats(db.config, { prefix: 'held', count: 3, ...expired });
    const store = await openStore(db.config);
    try {
      expect(await store.attachments.takeLease(RETENTION_LEASE, 'dead-node', 300)).toBe(true);
      const job = startRetention(
        { store, blobs: blobsOf(store) },
        { days: 30, everyMs: 3_600_000, firstRunMs: 0, batch: 10, retryMs: 100 },
        'live-node',
        pino({ level: 'silent' }),
      );
      try {
        await vi.waitFor(() => purgedAll(store, 'held', 3), { timeout: 10_000 });
      } finally {
        await job.stop();
      }
      // Stopped: the lease is free for the next node at once.
      expect(await store.attachments.takeLease(RETENTION_LEASE, 'next-node', 60_000)).toBe(true);
    } finally {
      await store.close();
      await db.drop();
    }
  });
});
