/**
 * Two nodes in one process (one PostgreSQL database, one Redis): an attachment uploaded
 * and sent through one node is announced, listed and downloaded through the other, by
 * signed link and by bare path with a token. The signing key comes from JWT_SECRET on
 * both nodes (no ATTACHMENT_URL_SECRET): links one node signs, the other accepts. Then
 * the same through nginx configured as deploy/nginx.conf: a file larger than its 1 MiB
 * body limit for other routes is uploaded through it to one node, and downloaded (whole
 * and by range) through it from the other. Uploads sent at once through both nodes by one
 * uploader fill the storage quota and no more (the two nodes' uploads rarely overlap here
 * between the quota's check and the record's insert; test/store/attachments.test.ts makes
 * them overlap on the store itself, where the insert's own check is what refuses them).
 */
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.js';
import { freshAddress, nodeBehind } from '../helpers/cluster-client.js';
import { type Nginx, nginxInstalled, startNginx } from '../helpers/nginx.js';
import { waitUntil } from '../helpers/processes.js';
import { REDIS_TEST_URL, redisReachable } from '../helpers/redis.js';
import { api } from '../helpers/server.js';
import { connectClient, type TestClient } from '../helpers/sockets.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { bearer, JWT_ENV, signToken } from '../helpers/tokens.js';
import { startTwoNodes } from '../helpers/two-nodes.js';
import { download, pngWithExif, type Uploaded, upload, uploaded } from '../helpers/uploads.js';

const postgres = (await storeTargets()).filter((t) => t.name === 'postgres');
const redis = await redisReachable(!!process.env.CI);
const withNginx = nginxInstalled();

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
}

/** A request from a local address of its own (nginx sends each address to one node). */
function from(
  address: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: Buffer } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: init.method ?? 'GET', headers: init.headers ?? {}, localAddress: address },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            bytes: Buffer.concat(parts),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A multipart upload of one file, the chatId field first (as FormData sends it). */
function form(chatId: string, name: string, file: Buffer) {
  const boundary = `b${randomBytes(8).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="chatId"\r\n\r\n${chatId}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/plain\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

/**
 * Room for the nginx test's 3 MB file, and for three of the quota test's 1 MB files: an
 * odd number, so that uploads taking turns on each node but not across them would pass it
 * in pairs (two at 2 MB each see room for one more).
 */
const QUOTA_BYTES = 3.5 * 1024 * 1024;

describe.each(redis ? postgres : [])('attachments across two nodes on $name', (target) => {
  let db: TestDatabase;
  let a: RunningServer;
  let b: RunningServer;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    db = await target.create();
    const env = {
      ...JWT_ENV,
      REDIS_URL: `${REDIS_TEST_URL}/6`,
      ATTACHMENT_QUOTA_BYTES: String(QUOTA_BYTES),
    };
    ({ a, b } = await startTwoNodes(db.config, env, {
      auth: { token: await signToken('probe', 'admin') },
    }));
  });
  let nginx: Nginx | undefined;
  afterAll(async () => {
    await nginx?.stop();
    for (const c of clients) c.close();
    // Closed with a client's connection still open, a node waited about 70 s for it.
    await waitUntil('the clients have left both nodes', () =>
      [a, b].every((node) => !node || node.io.engine.clientsCount === 0),
    );
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('uploads sent at once through both nodes fill the quota and no more', async () => {
    const uploader = 'quota-racer';
    const user = bearer(await signToken(uploader, 'user', 'Q'));
    const file = Buffer.alloc(1_000_000, 'receipt line\n');
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        upload(i % 2 ? b : a, {
          bytes: file,
          name: `r${i}.txt`,
          type: 'text/plain',
          headers: user.headers,
        }),
      ),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 413, 413, 413, 413, 413]);
    for (const refused of answers.filter((r) => r.status === 413)) {
      expect(refused.body.code).toBe('ATTACHMENT_QUOTA');
    }
    expect(await a.store.attachments.bytesHeldBy(uploader)).toBe(3 * file.length);
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

  it.runIf(withNginx)(
    'through nginx: a 3 MB statement uploaded to one node, downloaded whole and by range from the other',
    async () => {
      nginx = await startNginx([a.port, b.port]);
      const proxy = nginx;
      // Two client addresses that nginx sends to different nodes.
      const addresses = new Map<number, string>();
      for (let i = 0; i < 40 && addresses.size < 2; i++) {
        const address = freshAddress();
        const port = await nodeBehind(proxy, address);
        if (!addresses.has(port)) addresses.set(port, address);
      }
      const toA = addresses.get(a.port);
      const toB = addresses.get(b.port);
      if (!toA || !toB) throw new Error('nginx sent every address to one node');

      const user = bearer(await signToken('nginx-user', 'user', 'U'));
      const chat = (
        await api(a, 'POST', '/api/chats', { userId: 'nginx-user', userName: 'U' }, user)
      ).body.chat as { _id: string };
      const file = Buffer.from('statement line 0123456789\n'.repeat(120_000));
      expect(file.length).toBeGreaterThan(3_000_000);
      const upload = form(chat._id, 'statement.txt', file);
      const up = await from(toA, `${proxy.url}/api/attachments`, {
        method: 'POST',
        headers: { ...user.headers, 'content-type': upload.type },
        body: upload.body,
      });
      expect(up.status, up.bytes.toString()).toBe(200);
      const att = JSON.parse(up.bytes.toString()).attachment as Uploaded;
      expect(att.sha256).toBe(createHash('sha256').update(file).digest('hex'));

      const whole = await from(toB, `${proxy.url}${att.url}`);
      expect(whole.status).toBe(200);
      expect(whole.bytes.equals(file)).toBe(true);
      expect(whole.headers['content-security-policy']).toBe("sandbox; default-src 'none'");
      const part = await from(toB, `${proxy.url}${att.url}`, {
        headers: { range: 'bytes=1000000-1000099' },
      });
      expect(part.status).toBe(206);
      expect(part.headers['content-range']).toBe(`bytes 1000000-1000099/${file.length}`);
      expect(part.bytes.equals(file.subarray(1_000_000, 1_000_100))).toBe(true);

      // Which node served which, as nginx logged it.
      await waitUntil(
        'nginx logged the downloads',
        () =>
          proxy
            .accessLog()
            .split('\n')
            .filter((l) => l.includes(`/api/attachments/${att.id}`)).length >= 2,
      );
      const log = proxy.accessLog().split('\n');
      const upstream = (line: string | undefined) => /\s\S+:(\d+)\s+\S+$/.exec(line ?? '')?.[1];
      expect(upstream(log.find((l) => l.includes('"POST /api/attachments"')))).toBe(String(a.port));
      expect(upstream(log.find((l) => l.includes(`/api/attachments/${att.id}`)))).toBe(
        String(b.port),
      );
    },
  );
});
