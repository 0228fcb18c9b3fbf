/**
 * Two nodes in one process (one PostgreSQL database, one Redis): an attachment uploaded
 * and sent through one node is announced, listed and downloaded through the other, by
 * signed link and by bare path with a token. The signing key comes from JWT_SECRET on
 * both nodes (no ATTACHMENT_URL_SECRET): links one node signs, the other accepts.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { waitUntil } from '../helpers/processes.js';
import { REDIS_TEST_URL, redisReachable } from '../helpers/redis.js';
import { api, startTestServer } from '../helpers/server.js';
import { connectClient, type TestClient } from '../helpers/sockets.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { bearer, JWT_ENV, signToken } from '../helpers/tokens.js';
import { download, pngWithExif, upload, uploaded } from '../helpers/uploads.js';

const postgres = (await storeTargets()).filter((t) => t.name === 'postgres');
const redis = await redisReachable(!!process.env.CI);

describe.each(redis ? postgres : [])('attachments across two nodes on $name', (target) => {
  let db: TestDatabase;
  let a: RunningServer;
  let b: RunningServer;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    db = await target.create();
    const env = { ...JWT_ENV, REDIS_URL: `${REDIS_TEST_URL}/6` };
    a = await startTestServer(db.config, env);
    b = await startTestServer(db.config, env);
    const probe = await connectClient(b.url, {
      auth: { token: await signToken('probe', 'admin') },
    });
    await waitUntil('a broadcast from node A reaches node B', () => {
      a.io.emit('pong', { timestamp: 'probe' });
      return probe.of('pong').length > 0;
    });
    probe.close();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    // Closed with a client's connection still open, a node waited about 70 s for it.
    await waitUntil('the clients have left both nodes', () =>
      [a, b].every((node) => !node || node.io.engine.clientsCount === 0),
    );
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('uploaded and sent through A: B hears it, lists it and serves it', async () => {
    const user = bearer(await signToken('cluster-user', 'user', 'U'));
    const admin = bearer(await signToken('cluster-admin', 'admin', 'A'));
    const chat = (
      await api(a, 'POST', '/api/chats', { userId: 'cluster-user', userName: 'U' }, user)
    ).body.chat as { _id: string };
    const watcher = await connectClient(b.url, {
      auth: { token: admin.headers.authorization.slice(7) },
    });
    clients.push(watcher);
    await watcher.emitAck('join-admin', { adminId: 'cluster-admin' });
    await watcher.emitAck('join-chat', { chatId: chat._id });

    const png = await pngWithExif(300, 200);
    const att = uploaded(
      await upload(a, {
        bytes: png,
        name: 'shot.png',
        fields: { chatId: chat._id },
        headers: user.headers,
      }),
    );
    const sent = await api(
      a,
      'POST',
      '/api/messages',
      {
        chatId: chat._id,
        senderId: 'cluster-user',
        senderType: 'user',
        senderName: 'U',
        content: '',
        attachmentId: att.id,
      },
      user,
    );
    expect(sent.status).toBe(200);
    const heard = await watcher.waitFor('new-message', (p) => p.message.chatId === chat._id);
    expect(heard.message.attachment?.id).toBe(att.id);

    const byLink = await download(b, heard.message.fileUrl ?? '');
    expect(byLink.status).toBe(200);
    expect(createHash('sha256').update(byLink.bytes).digest('hex')).toBe(att.sha256);
    const bare = att.url.split('?')[0] as string;
    expect((await download(b, bare, admin.headers)).status).toBe(200);
    const page = await api(b, 'GET', `/api/messages/${chat._id}`, undefined, admin);
    const listed = (page.body.messages as { attachment?: { thumbnailUrl?: string } }[])[0];
    expect((await download(b, listed?.attachment?.thumbnailUrl ?? '')).status).toBe(200);
  });
});
