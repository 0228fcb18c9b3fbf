/**
 * attachment.downloaded in the audit log, on each store, with AUTH_MODE=jwt: one entry per
 * download of the file (200, or 206 from its first byte) naming the caller from the token
 * and the file by id and masked name; later ranges, thumbnails and refused downloads record
 * nothing. A download by signed link names who the link was handed to (the uploader, the
 * reader of a history page), and says it was by link; a link without a viewer (a room's
 * broadcast) names no one; a link whose viewer was changed is refused.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkSigner, signingKey } from '../../src/attachments/signed-urls.js';
import type { Role } from '../../src/auth/actor.js';
import type { Chat, Message } from '../../src/schemas/shapes.js';
import type { RunningServer } from '../../src/server.js';
import { api, startTestServer } from '../helpers/server.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';
import { bearer, JWT_ENV, signToken } from '../helpers/tokens.js';
import { download, pngWithExif, upload, uploaded } from '../helpers/uploads.js';

const person = async (role: Role) => {
  const id = `${role}-${randomUUID().slice(0, 8)}`;
  return { id, headers: bearer(await signToken(id, role, `N ${id}`)).headers };
};

describe.each(await storeTargets())('attachment.downloaded on $name', (target) => {
  let db: TestDatabase;
  let server: RunningServer;
  beforeAll(async () => {
    db = await target.create();
    server = await startTestServer(db.config, JWT_ENV);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  const downloads = async (attachmentId: string) =>
    (await server.store.audit.list({ action: 'attachment.downloaded', limit: 200 })).entries
      .filter((e) => e.details.attachmentId === attachmentId)
      .reverse();

  it('records each download of the file once, by whom, with its masked name; not later ranges, thumbnails or refusals', async () => {
    const [user, stranger, superadmin] = await Promise.all([
      person('user'),
      person('user'),
      person('superadmin'),
    ]);
    const opened = await api(
      server,
      'POST',
      '/api/chats',
      { userId: user.id, userName: 'U' },
      {
        headers: user.headers,
      },
    );
    const chat = opened.body.chat as Chat;
    const att = uploaded(
      await upload(server, {
        bytes: await pngWithExif(400, 300),
        name: 'card 4111 1111 1111 1111.png',
        type: 'image/png',
        fields: { chatId: chat._id },
        headers: user.headers,
      }),
    );
    expect(att.name).toBe('card 4111 11** **** 1111.png');
    const sent = await api(
      server,
      'POST',
      '/api/messages',
      {
        chatId: chat._id,
        senderId: user.id,
        senderType: 'user',
        senderName: 'U',
        content: '',
        attachmentId: att.id,
      },
      { headers: user.headers },
    );
    expect(sent.status).toBe(200);
    const [path] = att.url.split('?') as [string];

    expect((await download(server, path, superadmin.headers)).status).toBe(200);
    expect((await download(server, path, { ...user.headers, range: 'bytes=0-99' })).status).toBe(
      206,
    );
    // The rest of that download, a thumbnail, and a caller refused: nothing more.
    expect((await download(server, path, { ...user.headers, range: 'bytes=100-' })).status).toBe(
      206,
    );
    expect((await download(server, `${path}/thumbnail`, user.headers)).status).toBe(200);
    expect((await download(server, path, stranger.headers)).status).toBe(403);
    // Signed links: no token is asked for; the entry names who the link was handed to.
    expect((await download(server, att.url)).status).toBe(200);
    const page = await api(server, 'GET', `/api/messages/${chat._id}`, undefined, {
      headers: superadmin.headers,
    });
    const read = (page.body.messages as Message[]).find((m) => m.attachment?.id === att.id);
    const readerUrl = read?.attachment?.url ?? '';
    // The link says who by role and id; no name travels in a URL (proxies log URLs).
    const viewer = new URL(readerUrl, server.url).searchParams.get('v') ?? '';
    expect(JSON.parse(Buffer.from(viewer, 'base64url').toString('utf8'))).toEqual([
      'superadmin',
      superadmin.id,
    ]);
    await server.store.recordAdmin({ id: superadmin.id, name: `N ${superadmin.id}` });
    expect((await download(server, readerUrl)).status).toBe(200);
    // Another viewer in the link breaks its signature.
    const forged = readerUrl.replace(
      /([?&]v=)[^&]+/,
      `$1${Buffer.from(JSON.stringify(['user', stranger.id, 'S'])).toString('base64url')}`,
    );
    expect((await download(server, forged)).status).toBe(403);
    // A link without a viewer (a room's broadcast signs these) names no one.
    const unnamed = linkSigner(signingKey({ jwtSecret: JWT_ENV.JWT_SECRET }).key, 3600);
    expect((await download(server, unnamed.sign(path))).status).toBe(200);

    const entries = await downloads(att.id);
    // A link's download is named as the server knows its viewer: the chat's user by the
    // chat's name for them, an admin by the name last recorded.
    expect(entries.map((e) => [e.actor.id, e.actor.role, e.actor.name, e.details.link])).toEqual([
      [superadmin.id, 'superadmin', `N ${superadmin.id}`, false],
      [user.id, 'user', `N ${user.id}`, false],
      [user.id, 'user', 'U', true],
      [superadmin.id, 'superadmin', `N ${superadmin.id}`, true],
      ['', 'anonymous', '', true],
    ]);
    for (const e of entries) {
      expect(e).toMatchObject({
        chatId: chat._id,
        chain: `chat:${chat._id}`,
        details: { attachmentId: att.id, fileName: 'card 4111 11** **** 1111.png' },
      });
    }
  });

  it('ranges that skip byte 0 are one download, recorded once per caller: a known first byte (a PNG, a PDF) fetches no file unrecorded', async () => {
    const user = await person('user');
    const att = uploaded(
      await upload(server, { bytes: 'statement of account', name: 's.txt', headers: user.headers }),
    );
    const [path] = att.url.split('?') as [string];
    const ranged = async (url: string, range: string, headers: Record<string, string> = {}) => {
      const res = await download(server, url, { ...headers, range });
      expect(res.status, range).toBe(206);
      return res.bytes.toString();
    };
    // Everything but the first byte, in two ranges, then again by the link handed to them.
    expect(
      (await ranged(path, 'bytes=1-9', user.headers)) +
        (await ranged(path, 'bytes=10-', user.headers)),
    ).toBe('tatement of account');
    await ranged(att.url, 'bytes=1-');
    expect((await downloads(att.id)).map((e) => [e.actor.id, e.details.link])).toEqual([
      [user.id, false],
    ]);
    // Someone else's ranges are their own download.
    const unnamed = linkSigner(signingKey({ jwtSecret: JWT_ENV.JWT_SECRET }).key, 3600);
    await ranged(unnamed.sign(path), 'bytes=1-');
    expect((await downloads(att.id)).map((e) => e.actor.role)).toEqual(['user', 'anonymous']);
  });

  it('a HEAD (a link checker, a preview) answers the headers but is no download: nothing recorded', async () => {
    const user = await person('user');
    const att = uploaded(
      await upload(server, { bytes: 'statement', name: 's.txt', headers: user.headers }),
    );
    const [path] = att.url.split('?') as [string];
    for (const [url, headers] of [
      [att.url, {}],
      [path, user.headers],
    ] as const) {
      const res = await fetch(`${server.url}${url}`, { method: 'HEAD', headers });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-length')).toBe(String(att.size));
    }
    expect(await downloads(att.id)).toEqual([]);
    expect((await download(server, att.url)).status).toBe(200);
    expect(await downloads(att.id)).toHaveLength(1);
  });
});
