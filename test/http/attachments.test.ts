/**
 * Attachments end to end on each store: upload, send (REST and socket), history and
 * download, with the contract's headers, signed links and refusals.
 */

import { createHash } from 'node:crypto';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { linkSigner } from '../../src/attachments/signed-urls.js';
import { forChat, type Message, openChat, restSend } from '../helpers/flows.js';
import { pacedUpload } from '../helpers/paced-upload.js';
import { waitUntil } from '../helpers/processes.js';
import { api } from '../helpers/server.js';
import { failed } from '../helpers/sockets.js';
import { storeTargets } from '../helpers/stores.js';
import {
  download,
  EXIF_MARK,
  jpegWithExif,
  PDF,
  pngWithExif,
  upload,
  uploaded,
} from '../helpers/uploads.js';
import { useWorld } from '../helpers/world.js';

const URL_SECRET = 'attachment-link-secret-of-at-least-32-bytes';
const as = (p: { id: string; name: string }, type: 'user' | 'admin' = 'user') => ({
  senderId: p.id,
  senderType: type,
  senderName: p.name,
});

describe.each(await storeTargets())('attachments on $name', (target) => {
  const world = useWorld(target, { ATTACHMENT_URL_SECRET: URL_SECRET });
  const server = () => world.server();

  it('an image: stored without its EXIF, with a thumbnail, served with the contract headers', async () => {
    const user = await world.user();
    const chat = await openChat(world, user);
    const original = await pngWithExif(800, 600);
    expect(original.includes(EXIF_MARK)).toBe(true);
    const res = await upload(server(), {
      bytes: original,
      name: 'C:\\fakepath\\failed-payment.png',
      type: 'image/png',
      fields: { chatId: chat._id, ...as(user) },
    });
    const att = uploaded(res);
    expect(att).toMatchObject({
      name: 'failed-payment.png',
      contentType: 'image/png',
      width: 800,
      height: 600,
    });
    // The upload's link names its uploader (v), under the signature.
    expect(att.url).toMatch(
      new RegExp(`^/api/attachments/${att.id}\\?exp=\\d+&v=[\\w-]+&sig=[\\w-]+$`),
    );
    const file = await download(server(), att.url);
    expect(file.status).toBe(200);
    expect(file.bytes.includes(EXIF_MARK)).toBe(false);
    expect(file.bytes.length).toBe(att.size);
    expect(createHash('sha256').update(file.bytes).digest('hex')).toBe(att.sha256);
    expect(Object.fromEntries(file.headers)).toMatchObject({
      'content-type': 'image/png',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "sandbox; default-src 'none'",
      'cache-control': 'private',
    });
    expect(file.headers.get('content-disposition')).toMatch(
      /^inline; filename="failed-payment.png"/,
    );
    const thumb = await download(server(), att.thumbnailUrl ?? '');
    expect(thumb.status).toBe(200);
    const meta = await sharp(thumb.bytes).metadata();
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBe(320);
    // Named as the thumbnail it is, with its own type's extension.
    const thumbType = thumb.headers.get('content-type');
    const thumbExtension = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' }[
      thumbType ?? ''
    ];
    expect(thumbExtension, `thumbnail type ${thumbType}`).toBeDefined();
    expect(thumb.headers.get('content-disposition')).toMatch(
      new RegExp(`^inline; filename="failed-payment-thumbnail\\.${thumbExtension}"`),
    );
    const jpeg = uploaded(
      await upload(server(), { bytes: await jpegWithExif(), name: 'p.jpg', fields: as(user) }),
    );
    expect((await download(server(), jpeg.url)).bytes.includes(EXIF_MARK)).toBe(false);
  });

  it('sent over the socket without content: an image message whose fileUrl is the signed link; the room and history get it', async () => {
    const [user, member] = await Promise.all([world.user(), world.bystander()]);
    const chat = await openChat(world, user);
    await member.emitAck('join-chat', { chatId: chat._id });
    const att = uploaded(
      await upload(server(), { bytes: await pngWithExif(40, 30), name: 's.png', fields: as(user) }),
    );
    const ack = await user.client.emitAck('send-message', {
      chatId: chat._id,
      content: '',
      attachmentId: att.id,
    });
    if (!ack.success) throw new Error(JSON.stringify(ack));
    // Links are signed when handed out: the send's may expire a second later than the upload's.
    const unsigned = (url: string | null | undefined) => url?.split('?')[0];
    const { sha256: _sha, url: _url, thumbnailUrl: _thumb, ...onMessage } = att;
    expect(ack.message).toMatchObject({ messageType: 'image', content: '' });
    expect(unsigned(ack.message.fileUrl)).toBe(unsigned(att.url));
    expect(ack.message.fileUrl).toBe(ack.message.attachment?.url);
    expect(ack.message.attachment).toMatchObject(onMessage);
    expect(unsigned(ack.message.attachment?.thumbnailUrl)).toBe(unsigned(att.thumbnailUrl));
    expect(ack.chat.lastMessage).toBe('[image]');
    const heard = await member.waitFor('new-message', forChat(chat._id));
    expect(heard.message.attachment?.id).toBe(att.id);
    const page = await api(server(), 'GET', `/api/messages/${chat._id}`);
    const stored = (page.body.messages as Message[])[0] as Message;
    const onPage = stored.attachment as { url: string };
    expect(onPage).toMatchObject({ id: att.id, name: 's.png', width: 40, height: 30 });
    expect(stored.fileUrl).toBe(onPage.url);
    expect((await download(server(), onPage.url)).status).toBe(200);
  });

  it('a PDF by REST: a file message, downloaded as an attachment; it is used once, by its uploader only', async () => {
    const [user, other] = await Promise.all([world.user(), world.user()]);
    const chat = await openChat(world, user);
    const att = uploaded(
      await upload(server(), {
        bytes: PDF,
        name: 'statement.pdf',
        type: 'application/pdf',
        fields: { chatId: chat._id, ...as(user) },
      }),
    );
    expect(att).not.toHaveProperty('thumbnailUrl');
    expect(att).not.toHaveProperty('width');
    const theirs = await restSend(world, other, 'user', { content: 'mine?', attachmentId: att.id });
    expect(theirs.status).toBe(409);
    expect(failed(theirs.body).code).toBe('ATTACHMENT_USED');
    const sent = await restSend(world, user, 'user', {
      chatId: chat._id,
      content: 'my statement',
      attachmentId: att.id,
      clientMessageId: 'pdf-1',
    });
    expect(sent.status).toBe(200);
    expect(sent.body.message).toMatchObject({ messageType: 'file', content: 'my statement' });
    const retry = await restSend(world, user, 'user', {
      chatId: chat._id,
      content: 'my statement',
      attachmentId: att.id,
      clientMessageId: 'pdf-1',
    });
    expect(retry.status).toBe(200);
    expect((retry.body.message as Message)._id).toBe((sent.body.message as Message)._id);
    expect((retry.body.message as Message).attachment).toMatchObject({ id: att.id });
    const again = await restSend(world, user, 'user', {
      chatId: chat._id,
      content: 'x',
      attachmentId: att.id,
    });
    expect(failed(again.body).code).toBe('ATTACHMENT_USED');
    const file = await download(server(), att.url);
    expect(file.bytes.equals(PDF)).toBe(true);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-disposition')).toMatch(
      /^attachment; filename="statement.pdf"/,
    );
    const unknown = await restSend(world, user, 'user', {
      chatId: chat._id,
      content: '',
      attachmentId: '0123456789abcdef01234567',
    });
    expect(failed(unknown.body).code).toBe('ATTACHMENT_NOT_FOUND');
    const both = await restSend(world, user, 'user', {
      content: '',
      fileUrl: 'https://example.com/a.png',
      attachmentId: att.id,
    });
    expect(both.status).toBe(400);
  });

  it("a refused upload's connection stays open for the rest of its body, so a client still sending reads the answer", async () => {
    const [user, other] = await Promise.all([world.user(), world.user()]);
    const closed = await openChat(world, user);
    const closing = await api(server(), 'PATCH', `/api/chats/${closed._id}/close`, {
      userId: user.id,
    });
    expect(closing.status).toBe(200);
    const open = await openChat(world, user);
    const { port } = new URL(server().url);
    for (const [who, chat, status, code] of [
      [user, closed, 409, 'CHAT_CLOSED'],
      [other, open, 403, 'FORBIDDEN'],
    ] as const) {
      const refused = await sendRestAfterAnswer(
        Number(port),
        { chatId: chat._id, ...as(who) },
        { fileBytes: 2 * 1024 * 1024, before: 16 * 1024, chunk: 64 * 1024, everyMs: 0 },
      );
      expect(refused.status).toBe(status);
      expect(JSON.parse(refused.body).code).toBe(code);
      // Closed at once, the server's socket answered the rest with a reset (EPIPE or
      // ECONNRESET here), which can destroy the answer before a browser or fetch() reads it.
      expect(refused.error).toBeUndefined();
    }
  });

  it('files of a megabyte and more taken in, in turn, in the buffers earlier uploads gave back, each stored as itself', async () => {
    const user = await world.user();
    const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
    // Larger first: the smaller files after it land in its buffer, over its bytes.
    const files = [2048, 1536, 1100].map((kib, i) =>
      Buffer.from(`file ${i} line\n`.repeat(kib * 100).slice(0, kib * 1024)),
    );
    for (const file of files) {
      const att = uploaded(
        await upload(server(), {
          bytes: file,
          name: 'f.txt',
          type: 'text/plain',
          fields: as(user),
        }),
      );
      expect(att.size).toBe(file.length);
      expect(att.sha256).toBe(sha256(file));
      const stored = await download(server(), att.url);
      expect(Buffer.compare(stored.bytes, file)).toBe(0);
    }
  });

  it('links: a tampered or expired link is 403; the bare path needs a caller who may view (none here)', async () => {
    const user = await world.user();
    const att = uploaded(
      await upload(server(), { bytes: 'receipt 42\n', name: 'r.txt', fields: as(user) }),
    );
    const [path, query] = att.url.split('?') as [string, string];
    const params = new URLSearchParams(query);
    const tampered = `${path}?exp=${Number(params.get('exp')) + 1}&sig=${params.get('sig')}`;
    for (const url of [tampered, `${path}?exp=1&sig=x`, `${path}?sig=${params.get('sig')}`]) {
      const res = await download(server(), url);
      expect(res.status, url).toBe(403);
      expect(JSON.parse(res.bytes.toString()).code).toBe('ATTACHMENT_LINK');
    }
    const otherFile = `/api/attachments/${'0'.repeat(24)}?${query}`;
    expect((await download(server(), otherFile)).status).toBe(403);
    const signer = linkSigner(Buffer.from(URL_SECRET), 3600);
    const expired = signer.sign(path, Date.now() - 2 * 3600 * 1000);
    expect((await download(server(), expired)).status).toBe(403);
    expect((await download(server(), signer.sign(path))).status).toBe(200);
    // AUTH_MODE=none names nobody on a bare GET: only signed links work there.
    expect((await download(server(), path)).status).toBe(403);
  });

  it('AUTH_MODE=none: a sent attachment is not downloadable by its bare path (v2 anonymous sees every chat)', async () => {
    const user = await world.user();
    const chat = await openChat(world, user);
    const att = uploaded(
      await upload(server(), {
        bytes: 'statement 7\n',
        name: 's.txt',
        fields: { chatId: chat._id, ...as(user) },
      }),
    );
    const sent = await restSend(world, user, 'user', {
      chatId: chat._id,
      content: '',
      attachmentId: att.id,
    });
    expect(sent.status).toBe(200);
    const [path] = att.url.split('?') as [string];
    for (const url of [path, `${path}/thumbnail`]) {
      expect((await download(server(), url)).status, url).toBe(403);
    }
    expect((await download(server(), att.url)).status).toBe(200);
  });

  it('refused types: HTML or SVG in any name, archives, and names or declared types that contradict the content', async () => {
    const user = await world.user();
    const cases: [string | Uint8Array, string, string, string][] = [
      ['<html><script>alert(1)</script></html>', 'notes.txt', 'text/plain', 'markup'],
      [
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        'logo.svg',
        'image/svg+xml',
        'markup',
      ],
      [
        Buffer.from('504b030414000000080000000000', 'hex'),
        'a.zip',
        'application/zip',
        'application/zip',
      ],
      ['plain words', 'page.html', 'text/plain', 'named .html'],
      ['plain words', 'a.txt', 'text/html', 'declared as text/html'],
      [await pngWithExif(8, 8), 'shot.jpg', 'image/png', 'named .jpg'],
    ];
    for (const [bytes, name, type, why] of cases) {
      const res = await upload(server(), { bytes, name, type, fields: as(user) });
      expect(res.status, name).toBe(415);
      expect(res.body.code).toBe('ATTACHMENT_TYPE');
      expect(res.body.error).toContain(why);
    }
  });

  it('the extension judged is the one of the name kept: a script named to lose its last character on cleaning is refused', async () => {
    const user = await world.user();
    // Windows drops a name's trailing dots and spaces when it saves it: invoice.bat. is a .bat.
    for (const name of [
      'invoice.bat ',
      'invoice.vbs\u202E',
      'invoice.hta\u0007',
      'invoice.cmd\u2066',
      'invoice.bat.',
      'invoice.cmd. .',
    ]) {
      const res = await upload(server(), { bytes: 'calc.exe', name, fields: as(user) });
      expect(res.status, JSON.stringify(name)).toBe(415);
      expect(res.body.code).toBe('ATTACHMENT_TYPE');
      expect(res.body.error).toMatch(/named \.(bat|vbs|hta|cmd) but the content is text\/plain/);
    }
    expect(await server().store.attachments.bytesHeldBy(user.id)).toBe(0);
  });

  it('a name with quotes, parentheses, a star and other letters is downloaded under an RFC 8187 filename*, which decodes to it', async () => {
    const user = await world.user();
    const name = "Квитанция (копия) it's*.txt";
    const att = uploaded(await upload(server(), { bytes: 'paid', name, fields: as(user) }));
    expect(att.name).toBe(name);
    const disposition = (await download(server(), att.url)).headers.get('content-disposition');
    const value = /filename\*=UTF-8''(.*)$/.exec(disposition ?? '')?.[1];
    // attr-char: letters, digits and !#$&+-.^_`|~; everything else percent-encoded.
    expect(value).toMatch(/^(?:[A-Za-z0-9!#$&+\-.^_`|~]|%[0-9A-F]{2})+$/);
    expect(decodeURIComponent(value ?? '')).toBe(name);
  });
});

/** A multipart body with the sender and one text file, as a client would write it by hand. */
function textForm(senderId: string, file: Buffer) {
  const boundary = 'xFORMx';
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    head: Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="senderId"\r\n\r\n${senderId}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.txt"\r\nContent-Type: text/plain\r\n\r\n`,
    ),
    file,
    tail: Buffer.from(`\r\n--${boundary}--\r\n`),
  };
}

/** A text file of exactly `size` bytes. */
const textOf = (size: number) => Buffer.from('a line of a statement\n'.repeat(size).slice(0, size));

describe.each(await storeTargets())('upload limit and aborts on $name', (target) => {
  const maxBytes = 300 * 1024;
  const world = useWorld(target, {
    ATTACHMENT_URL_SECRET: URL_SECRET,
    ATTACHMENT_MAX_BYTES: String(maxBytes),
  });
  const server = () => world.server();
  const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

  /** The form sent without a Content-Length (chunked), the file in 16 KiB writes. */
  const sendChunked = (form: ReturnType<typeof textForm>) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const { port } = new URL(server().url);
      const req = httpRequest({
        port,
        host: '127.0.0.1',
        method: 'POST',
        path: '/api/attachments',
        headers: { 'content-type': form.contentType, 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d: Buffer) => {
          body += d.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write(form.head);
      for (let at = 0; at < form.file.length; at += 16 * 1024) {
        req.write(form.file.subarray(at, at + 16 * 1024));
      }
      req.end(form.tail);
    });

  it('a file of exactly ATTACHMENT_MAX_BYTES is stored whole with its sha256, with a length or chunked; one byte more is 413', async () => {
    const user = await world.user();
    const file = textOf(maxBytes);
    const withLength = uploaded(
      await upload(server(), { bytes: file, name: 'f.txt', type: 'text/plain', fields: as(user) }),
    );
    const chunked = await sendChunked(textForm(user.id, file));
    expect(chunked.status, chunked.body).toBe(200);
    for (const att of [withLength, JSON.parse(chunked.body).attachment as typeof withLength]) {
      expect(att.size).toBe(maxBytes);
      expect(att.sha256).toBe(sha256(file));
      const stored = await download(server(), att.url);
      expect(sha256(stored.bytes)).toBe(att.sha256);
    }
    const over = textOf(maxBytes + 1);
    const refused = await upload(server(), { bytes: over, name: 'f.txt', fields: as(user) });
    expect(refused.status).toBe(413);
    expect(refused.body.code).toBe('ATTACHMENT_TOO_LARGE');
    const refusedChunked = await sendChunked(textForm(user.id, over));
    expect(refusedChunked.status).toBe(413);
    expect(JSON.parse(refusedChunked.body).code).toBe('ATTACHMENT_TOO_LARGE');
    expect(await server().store.attachments.bytesHeldBy(user.id)).toBe(2 * maxBytes);
  });

  it('an upload cut off midway leaves nothing behind: no record, no chunks', async () => {
    const user = await world.user();
    const { port } = new URL(server().url);
    // Cut off once half the file is on its way.
    const cut = await pacedUpload(Number(port), user.id, textOf(maxBytes), {
      chunk: 16 * 1024,
      everyMs: 1,
      cutAfter: maxBytes / 2,
    });
    expect(cut.cutShort).toBe(true);
    // An upload after it, by the same person, is the only thing stored.
    const after = uploaded(
      await upload(server(), { bytes: 'after the cut', name: 'a.txt', fields: as(user) }),
    );
    expect(await server().store.attachments.bytesHeldBy(user.id)).toBe(after.size);
    const later = new Date(Date.now() + 60_000).toISOString();
    expect(await server().store.attachments.orphanChunkKeys(later, 10)).toEqual([]);
  });
});

describe('upload bounds (SQLite)', async () => {
  const [sqlite] = await storeTargets();
  if (!sqlite) throw new Error('no SQLite target');
  const world = useWorld(sqlite, {
    ATTACHMENT_MAX_BYTES: String(300 * 1024),
    ATTACHMENT_MAX_PIXELS: '1000000',
    ATTACHMENT_QUOTA_BYTES: String(200 * 1024),
  });
  const server = () => world.server();

  it('too large: 413 as soon as the limit is passed, without reading the rest (the connection closes)', async () => {
    const user = await world.user();
    const boundary = 'xBOUNDARYx';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="senderId"\r\n\r\n${user.id}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    );
    const total = 64 * 1024 * 1024;
    const { port } = new URL(server().url);
    const outcome = await new Promise<{ status: number; body: string; sent: number }>(
      (resolve, reject) => {
        let sent = 0;
        const req = httpRequest({
          port,
          host: '127.0.0.1',
          method: 'POST',
          path: '/api/attachments',
          headers: {
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'content-length': String(head.length + total),
          },
        });
        req.on('response', (res) => {
          let body = '';
          res.on('data', (d: Buffer) => {
            body += d.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, sent }));
        });
        req.on('error', (err) => (sent > 0 ? undefined : reject(err)));
        req.write(head);
        const chunk = Buffer.alloc(64 * 1024, 0x41);
        const pump = () => {
          while (sent < total) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          req.end();
        };
        pump();
      },
    );
    expect(outcome.status, outcome.body).toBe(413);
    expect(JSON.parse(outcome.body).code).toBe('ATTACHMENT_TOO_LARGE');
    // Far less than the body was sent when the answer came (socket buffers aside).
    expect(outcome.sent).toBeLessThan(total / 4);
  });

  it('a decompression bomb (a tiny PNG claiming 100000×100000 pixels) and a too-large image are 413 ATTACHMENT_PIXELS', async () => {
    const user = await world.user();
    const tiny = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    const bomb = Buffer.from(tiny);
    bomb.writeUInt32BE(100_000, 16);
    bomb.writeUInt32BE(100_000, 20);
    const { crc32 } = await import('node:zlib');
    bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)), 29);
    for (const [bytes, name] of [
      [bomb, 'bomb.png'],
      [await pngWithExif(1200, 1000), 'big.png'],
    ] as const) {
      const res = await upload(server(), { bytes, name, fields: as(user) });
      expect(res.status, name).toBe(413);
      expect(res.body.code).toBe('ATTACHMENT_PIXELS');
    }
  });

  it('a quota per uploader: an upload past it is 413 ATTACHMENT_QUOTA, others still upload', async () => {
    const [user, other] = await Promise.all([world.user(), world.user()]);
    const noise = (n: number) => Buffer.from('0123456789 '.repeat(n));
    expect(
      (await upload(server(), { bytes: noise(9000), name: 'a.txt', fields: as(user) })).status,
    ).toBe(200);
    expect(
      (await upload(server(), { bytes: noise(9000), name: 'b.txt', fields: as(user) })).status,
    ).toBe(200);
    const over = await upload(server(), { bytes: noise(2000), name: 'c.txt', fields: as(user) });
    expect(over.status).toBe(413);
    expect(over.body.code).toBe('ATTACHMENT_QUOTA');
    expect(
      (await upload(server(), { bytes: noise(10), name: 'd.txt', fields: as(other) })).status,
    ).toBe(200);
  });

  it('uploads sent at once cannot pass the quota together: each is checked against what the others stored', async () => {
    const user = await world.user();
    // 99,000 bytes each against 200 KiB: two fit, the third does not, however they arrive.
    const noise = Buffer.from('0123456789 '.repeat(9000));
    const replies = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        upload(server(), { bytes: noise, name: `${i}.txt`, fields: as(user) }),
      ),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 413, 413, 413, 413]);
    expect(await server().store.attachments.bytesHeldBy(user.id)).toBe(2 * noise.length);
  });

  it('a file part without a Content-Type (declaring nothing, as some mobile clients send it) passes for any accepted type', async () => {
    const user = await world.user();
    const png = await pngWithExif(16, 12);
    for (const [bytes, name, type] of [
      [png, 'shot.png', 'image/png'],
      [PDF, 'statement.pdf', 'application/pdf'],
      [Buffer.from('paid at 10:42\n'), 'note.txt', 'text/plain'],
    ] as const) {
      const body = Buffer.concat([
        Buffer.from(
          `--b\r\nContent-Disposition: form-data; name="senderId"\r\n\r\n${user.id}\r\n` +
            `--b\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n\r\n`,
        ),
        bytes,
        Buffer.from('\r\n--b--\r\n'),
      ]);
      const res = await fetch(`${server().url}/api/attachments`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'multipart/form-data; boundary=b' },
      });
      const reply = (await res.json()) as { attachment?: { contentType: string }; error?: string };
      expect(res.status, `${name}: ${reply.error}`).toBe(200);
      expect(reply.attachment?.contentType).toBe(type);
    }
  });

  it('bad forms are 4xx naming the problem, and store nothing', async () => {
    const user = await world.user();
    const url = `${server().url}/api/attachments`;
    const post = (body: string | FormData, headers: Record<string, string> = {}) =>
      fetch(url, { method: 'POST', body, headers }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { code: string; error: string },
      }));
    const two = new FormData();
    two.set('senderId', user.id);
    two.append('file', new Blob(['a']), 'a.txt');
    two.append('file', new Blob(['b']), 'b.txt');
    const none = new FormData();
    none.set('senderId', user.id);
    const misnamed = new FormData();
    misnamed.set('senderId', user.id);
    misnamed.set('upload', new Blob(['a']), 'a.txt');
    const fields = new FormData();
    for (let i = 0; i < 20; i++) fields.set(`f${i}`, 'x');
    const longField = new FormData();
    longField.set('chatId', 'x'.repeat(5000));
    // With AUTH_MODE=none the fields name the uploader, and only those before the file count.
    const anonymous = new FormData();
    anonymous.set('file', new Blob(['a']), 'a.txt');
    const senderAfterFile = new FormData();
    senderAfterFile.set('file', new Blob(['a']), 'a.txt');
    senderAfterFile.set('senderId', user.id);
    senderAfterFile.set('senderType', 'user');
    // Admitted as the fields before the file said: a field after it cannot change that.
    const otherSenderAfterFile = new FormData();
    otherSenderAfterFile.set('senderId', user.id);
    otherSenderAfterFile.set('senderType', 'user');
    otherSenderAfterFile.set('file', new Blob(['a']), 'a.txt');
    otherSenderAfterFile.append('senderId', `${user.id}-other`);
    const chatAfterFile = new FormData();
    chatAfterFile.set('senderId', user.id);
    chatAfterFile.set('senderType', 'user');
    chatAfterFile.set('file', new Blob(['a']), 'a.txt');
    chatAfterFile.set('chatId', 'some-chat');
    const typeForNoOne = new FormData();
    typeForNoOne.set('senderType', 'admin');
    typeForNoOne.set('file', new Blob(['a']), 'a.txt');
    const cases: [
      string,
      Promise<{ status: number; body: { code: string; error: string } }>,
      number,
      RegExp,
    ][] = [
      ['two files', post(two), 400, /One file per upload/],
      ['no file', post(none), 400, /No file/],
      ['misnamed part', post(misnamed), 400, /named "file"/],
      ['too many fields', post(fields), 400, /Too many form fields/],
      ['a long field', post(longField), 400, /too long/],
      ['a sender type for no one', post(typeForNoOne), 400, /senderType needs senderId/],
      ['nobody named', post(anonymous), 401, /senderId and senderType.*before the file/],
      ['the sender after the file', post(senderAfterFile), 401, /before the file/],
      [
        'another sender after the file',
        post(otherSenderAfterFile),
        400,
        /senderId comes after the file/,
      ],
      ['a chat after the file', post(chatAfterFile), 400, /chatId comes after the file/],
      ['JSON', post('{}', { 'content-type': 'application/json' }), 400, /multipart/],
      [
        'not a form',
        post('hello', { 'content-type': 'text/plain' }),
        415,
        /multipart\/form-data.*text\/plain/,
      ],
      [
        'truncated body',
        post(
          `--b\r\nContent-Disposition: form-data; name="senderId"\r\n\r\n${user.id}\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nabc`,
          {
            'content-type': 'multipart/form-data; boundary=b',
          },
        ),
        400,
        /malformed|No file/,
      ],
      ['no boundary', post('--b\r\n', { 'content-type': 'multipart/form-data' }), 400, /./],
    ];
    for (const [name, pending, status, error] of cases) {
      const res = await pending;
      expect(res.status, name).toBe(status);
      expect(res.body.error, name).toMatch(error);
    }
    expect(await server().store.attachments.bytesHeldBy(user.id)).toBe(0);
  });

  it('fuzzed multipart bodies never answer 500', async () => {
    const fc = (await import('fast-check')).default;
    const part = fc.oneof(
      fc.constant('Content-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello'),
      fc.constant('Content-Disposition: form-data; name="chatId"\r\n\r\n'),
      fc.string({ maxLength: 40 }),
      fc.constant(
        `Content-Disposition: form-data; name="file"; filename="${'a'.repeat(3000)}"\r\n\r\nx`,
      ),
      fc.constant(
        `X-Long: ${'h'.repeat(20000)}\r\nContent-Disposition: form-data; name="file"\r\n\r\nx`,
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(part, { maxLength: 4 }), fc.boolean(), async (parts, close) => {
        const body = parts.map((p) => `--q\r\n${p}\r\n`).join('') + (close ? '--q--\r\n' : '');
        const res = await fetch(`${server().url}/api/attachments`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'multipart/form-data; boundary=q' },
        });
        await res.arrayBuffer();
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 40 },
    );
  });

  it('an aborted upload leaves nothing behind', async () => {
    const user = await world.user();
    const { port } = new URL(server().url);
    const boundary = 'abort';
    const sent = `--${boundary}\r\nContent-Disposition: form-data; name="senderId"\r\n\r\n${user.id}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhalf of it`;
    // The server's side of the upload: to see it read what was sent, and see the abort.
    let arrived: { req: IncomingMessage; closed: boolean } | undefined;
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      if (req.url !== '/api/attachments' || req.headers['x-test'] !== 'aborted') return;
      const seen = { req, closed: false };
      res.once('close', () => {
        seen.closed = true;
      });
      arrived = seen;
    };
    server().app.server.on('request', onRequest);
    try {
      const req = httpRequest({
        port,
        host: '127.0.0.1',
        method: 'POST',
        path: '/api/attachments',
        headers: {
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': '100000',
          'x-test': 'aborted',
        },
      });
      req.on('error', () => {});
      await new Promise<void>((resolve) => req.write(sent, () => resolve()));
      // Cut off once the server has read all of it (half of the file), as a client that
      // went away.
      const written = req.socket?.bytesWritten ?? Number.POSITIVE_INFINITY;
      await waitUntil(
        'the server to read the first half of the upload',
        () => (arrived?.req.socket.bytesRead ?? 0) >= written,
        5000,
        5,
      );
      req.destroy();
      await waitUntil(
        'the server to see the upload cut off',
        () => arrived?.closed === true,
        5000,
        5,
      );
    } finally {
      server().app.server.off('request', onRequest);
    }
    const after = 'after the abort';
    const ok = await upload(server(), { bytes: after, name: 'a.txt', fields: as(user) });
    expect(ok.status).toBe(200);
    // What the user holds is that upload alone: the cut-off one stored nothing.
    expect(await server().store.attachments.bytesHeldBy(user.id)).toBe(after.length);
    const later = new Date(Date.now() + 60_000).toISOString();
    expect(await server().store.attachments.orphanChunkKeys(later, 10)).toEqual([]);
  });
});

describe('a slow upload refused as too large (SQLite)', async () => {
  const [sqlite] = await storeTargets();
  if (!sqlite) throw new Error('no SQLite target');
  const maxBytes = 64 * 1024;
  const world = useWorld(sqlite, {
    ATTACHMENT_MAX_BYTES: String(maxBytes),
    REQUEST_TIMEOUT_MS: '1000',
  });

  it('keeps its connection for the rest of the body past the whole-request timeout, so the client reads the 413', async () => {
    const user = await world.user();
    const { port } = new URL(world.server().url);
    // 16 KiB every 200 ms: the 413 comes after about a second, the rest takes another,
    // while the request timeout (1 s, checked every second) has passed.
    const refused = await sendRestAfterAnswer(Number(port), as(user), {
      fileBytes: maxBytes + 96 * 1024,
      before: maxBytes + 16 * 1024,
      chunk: 16 * 1024,
      everyMs: 200,
    });
    expect(refused.status).toBe(413);
    expect(JSON.parse(refused.body).code).toBe('ATTACHMENT_TOO_LARGE');
    expect(refused.error).toBeUndefined();
  });
});

/**
 * An upload the server refuses while its file is on its way: the form's head, then the
 * file `chunk` bytes at a time (every `everyMs`, or as fast as the socket drains), at most
 * `before` bytes of it until the answer is in, then the rest and the form's end, as a
 * client does that is still sending when the answer comes. Resolves when the connection
 * is closed, with the answer and the connection's error, if any.
 */
function sendRestAfterAnswer(
  port: number,
  fields: Record<string, string>,
  pace: { fileBytes: number; before: number; chunk: number; everyMs: number },
): Promise<{ status: number; body: string; error?: string }> {
  const boundary = 'restBOUNDARY';
  const head = Buffer.from(
    Object.entries(fields)
      .map(
        ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
      )
      .join('') +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="statement.txt"\r\nContent-Type: text/plain\r\n\r\n`,
  );
  const file = Buffer.alloc(pace.fileBytes, 'a');
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve) => {
    // Half-open, as a browser's upload: the server's FIN after its answer does not stop
    // the client sending the rest.
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    socket.write(
      Buffer.concat([
        Buffer.from(
          `POST /api/attachments HTTP/1.1\r\nHost: x\r\n` +
            `Content-Type: multipart/form-data; boundary=${boundary}\r\n` +
            `Content-Length: ${head.length + file.length + tail.length}\r\n\r\n`,
        ),
        head,
      ]),
    );
    let text = '';
    let error: string | undefined;
    let sent = 0;
    let ended = false;
    const answered = () => text.includes('}');
    /** One chunk, unless it must wait for the answer; whether the socket takes more now. */
    const step = (): boolean => {
      if (ended || socket.destroyed || (!answered() && sent >= pace.before)) return false;
      if (sent >= file.length) {
        ended = true;
        socket.end(tail);
        return false;
      }
      const chunk = file.subarray(sent, sent + pace.chunk);
      sent += chunk.length;
      return socket.write(chunk);
    };
    const pump = () => {
      while (step()) {}
      if (!ended && !socket.destroyed && (answered() || sent < pace.before)) {
        socket.once('drain', pump);
      }
    };
    const drip = pace.everyMs > 0 ? setInterval(step, pace.everyMs) : undefined;
    if (!drip) pump();
    socket.on('data', (d: Buffer) => {
      const before = answered();
      text += d.toString();
      if (!before && answered() && !drip) pump();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      error = err.code;
    });
    socket.on('close', () => {
      clearInterval(drip);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4), error });
    });
  });
}
