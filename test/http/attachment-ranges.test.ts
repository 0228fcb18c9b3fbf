/**
 * Range requests on downloads, on each store: one byte range is a 206 with Content-Range
 * and only those bytes (across the database store's chunks too), a range past the end a
 * 416 naming the size, several ranges or a stale If-Range the whole file. A file whose
 * chunks vanish mid-send fails the download instead of ending it short of its length.
 */
import { describe, expect, it } from 'vitest';
import { storeTargets } from '../helpers/stores.js';
import { download, upload, uploaded } from '../helpers/uploads.js';
import { useWorld } from '../helpers/world.js';

/** Text over several 256 KiB chunks, every offset's byte telling where it is. */
const FILE = Buffer.from(
  Array.from({ length: 70_000 }, (_, i) => `${String(i).padStart(8, '0')}\n`).join(''),
);

describe.each(await storeTargets())('ranges on $name', (target) => {
  const world = useWorld(target);

  const uploadedFile = async () => {
    const user = await world.user();
    return uploaded(
      await upload(world.server(), {
        bytes: FILE,
        name: 'statement.txt',
        fields: { senderId: user.id, senderType: 'user', senderName: user.name },
      }),
    );
  };

  /** `header` asked of `url` is a 206 of exactly bytes start..end of FILE. */
  const expectPart = async (url: string, header: string, start: number, end: number) => {
    const part = await download(world.server(), url, { range: header });
    const size = FILE.length;
    expect(part.status, header).toBe(206);
    expect(part.headers.get('content-range'), header).toBe(`bytes ${start}-${end}/${size}`);
    expect(part.headers.get('content-length'), header).toBe(String(end - start + 1));
    expect(part.bytes.equals(FILE.subarray(start, end + 1)), header).toBe(true);
    return part;
  };

  it('one range: 206 with Content-Range and exactly those bytes, at the start, across chunks and at the end', async () => {
    const att = await uploadedFile();
    const size = FILE.length;
    const whole = await download(world.server(), att.url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.headers.get('etag')).toBe(`"${att.sha256}"`);
    for (const [header, start, end] of [
      ['bytes=0-99', 0, 99],
      ['bytes=262100-524400', 262100, 524400],
      ['bytes=-100', size - 100, size - 1],
      [`bytes=${size - 10}-`, size - 10, size - 1],
      [`bytes=600000-${size + 5000}`, 600000, size - 1],
    ] as const) {
      const part = await expectPart(att.url, header, start, end);
      expect(part.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
    }
  });

  it('edges: one byte at the start, at the end, either side of a chunk boundary, a suffix of one and one longer than the file', async () => {
    const att = await uploadedFile();
    const size = FILE.length;
    const chunk = 256 * 1024;
    for (const [header, start, end] of [
      ['bytes=0-0', 0, 0],
      [`bytes=${size - 1}-${size - 1}`, size - 1, size - 1],
      [`bytes=${size - 1}-`, size - 1, size - 1],
      ['bytes=-1', size - 1, size - 1],
      [`bytes=${chunk - 1}-${chunk - 1}`, chunk - 1, chunk - 1],
      [`bytes=${chunk}-${chunk}`, chunk, chunk],
      [`bytes=${chunk - 1}-${chunk}`, chunk - 1, chunk],
      [`bytes=0-${chunk - 1}`, 0, chunk - 1],
      [`bytes=1-${size - 1}`, 1, size - 1],
      [`bytes=0-${size - 2}`, 0, size - 2],
    ] as const) {
      await expectPart(att.url, header, start, end);
    }
    // The whole file asked for as a range (or more than it) is the whole file: 200.
    for (const header of [`bytes=0-${size - 1}`, `bytes=-${size + 1}`, 'bytes=0-']) {
      const whole = await download(world.server(), att.url, { range: header });
      expect(whole.status, header).toBe(200);
      expect(whole.headers.get('content-length'), header).toBe(String(size));
      expect(whole.bytes.equals(FILE), header).toBe(true);
    }
    const none = await download(world.server(), att.url, { range: 'bytes=-0' });
    expect(none.status).toBe(416);
  });

  it('a range past the end is 416 with the size; several ranges, malformed ones or a stale If-Range get the whole file', async () => {
    const att = await uploadedFile();
    const size = FILE.length;
    const past = await download(world.server(), att.url, { range: `bytes=${size}-` });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${size}`);
    expect(JSON.parse(past.bytes.toString()).code).toBe('RANGE_NOT_SATISFIABLE');
    const wholeFile: Record<string, string>[] = [
      { range: 'bytes=0-1,5-9' },
      { range: 'bytes=9-1' },
      { range: 'lines=1-2' },
      { range: 'bytes=0-99', 'if-range': '"another version"' },
      { range: 'bytes=0-99', 'if-range': 'Sat, 05 Dec 2026 14:00:00 GMT' },
    ];
    for (const headers of wholeFile) {
      const res = await download(world.server(), att.url, headers);
      expect(res.status, JSON.stringify(headers)).toBe(200);
      expect(res.bytes.equals(FILE), JSON.stringify(headers)).toBe(true);
    }
    const current = await download(world.server(), att.url, {
      range: 'bytes=0-99',
      'if-range': `"${att.sha256}"`,
    });
    expect(current.status).toBe(206);
    expect(current.bytes.equals(FILE.subarray(0, 100))).toBe(true);
  });

  it('a range of a thumbnail, and a range without a link or header is still refused', async () => {
    const user = await world.user();
    const sharp = (await import('sharp')).default;
    const png = await sharp({
      create: { width: 600, height: 400, channels: 3, background: '#123456' },
    })
      .png()
      .toBuffer();
    const att = uploaded(
      await upload(world.server(), {
        bytes: png,
        name: 'shot.png',
        fields: { senderId: user.id, senderType: 'user', senderName: user.name },
      }),
    );
    const thumb = await download(world.server(), att.thumbnailUrl ?? '');
    const part = await download(world.server(), att.thumbnailUrl ?? '', { range: 'bytes=0-7' });
    expect(part.status).toBe(206);
    expect(part.bytes.equals(thumb.bytes.subarray(0, 8))).toBe(true);
    const bare = await download(world.server(), `/api/attachments/${att.id}`, {
      range: 'bytes=0-7',
    });
    expect(bare.status).toBeGreaterThanOrEqual(401);
    expect(bare.status).toBeLessThan(404);
  });

  it('a file whose chunks vanish while it is sent fails the download, never ends it short', async () => {
    const records = world.server().store.attachments;
    const readChunk = records.readChunk;
    try {
      const asked: Record<string, string>[] = [{}, { range: 'bytes=100-600000' }];
      for (const headers of asked) {
        const att = await uploadedFile();
        const { blobKey } = (await records.get(att.id)) ?? { blobKey: '' };
        // Erased (or swept) right after the first chunk was read: the rest are gone.
        records.readChunk = async (key, idx) => {
          const chunk = await readChunk.call(records, key, idx);
          if (key === blobKey && idx === 0) await records.deleteChunks(key);
          return chunk;
        };
        const res = await fetch(`${world.server().url}${att.url}`, { headers });
        expect(res.status).toBeLessThan(300);
        await expect(res.arrayBuffer()).rejects.toThrow();
        records.readChunk = readChunk;
        // The server is still fine: the next request on it is answered.
        expect((await download(world.server(), att.url)).status).toBe(404);
      }
    } finally {
      records.readChunk = readChunk;
    }
  });
});
