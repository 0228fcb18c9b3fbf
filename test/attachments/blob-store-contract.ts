/**
 * What every BlobStore must do (src/attachments/ports.ts), as one suite that any store runs:
 * call `blobStoreContract('the S3 store', open)` inside a test file, where `open` gives a
 * fresh, empty store and a way to close it. Keys are fresh ids, so the cases need no order.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../src/attachments/ports.js';

export interface BlobStoreUnderTest {
  store: BlobStore;
  close(): Promise<void>;
}

const MiB = 1024 * 1024;
/** The largest attachment the protocol accepts by default (ATTACHMENT_MAX_BYTES). */
const LARGEST = 10 * MiB;

interface Read {
  bytes: Buffer;
  chunks: number;
}

async function readAll(stream: Readable): Promise<Read> {
  const parts: Buffer[] = [];
  for await (const part of stream) {
    parts.push(Buffer.isBuffer(part) ? part : Buffer.from(part));
  }
  return { bytes: Buffer.concat(parts), chunks: parts.length };
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export function blobStoreContract(name: string, open: () => Promise<BlobStoreUnderTest>): void {
  describe(`${name} keeps the BlobStore contract`, () => {
    let subject: BlobStoreUnderTest | undefined;
    const store = (): BlobStore => {
      if (!subject) throw new Error(`${name} did not open`);
      return subject.store;
    };
    const read = async (key: string): Promise<Read | undefined> => {
      const stream = await store().get(key);
      return stream === undefined ? undefined : readAll(stream);
    };

    beforeAll(async () => {
      subject = await open();
    }, 120_000);
    afterAll(async () => {
      await subject?.close();
    });

    it('gives back exactly the bytes it was given, every byte value included', async () => {
      const key = randomUUID();
      const bytes = Buffer.concat([
        Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
        randomBytes(1000),
      ]);
      await store().put(key, bytes, 'application/pdf');
      expect((await read(key))?.bytes.equals(bytes)).toBe(true);
    });

    it('answers undefined for a key that holds nothing', async () => {
      expect(await store().get(randomUUID())).toBeUndefined();
    });

    it('keeps an empty file as an empty file, not as nothing', async () => {
      const key = randomUUID();
      await store().put(key, new Uint8Array(0), 'text/plain');
      const got = await read(key);
      expect(got).toBeDefined();
      expect(got?.bytes.length).toBe(0);
    });

    it('streams the largest attachment back in more than one chunk, unchanged', async () => {
      const key = randomUUID();
      const bytes = randomBytes(LARGEST);
      await store().put(key, bytes, 'image/png');
      const got = await read(key);
      expect(got?.bytes.length).toBe(LARGEST);
      expect(sha256(got?.bytes ?? Buffer.alloc(0))).toBe(sha256(bytes));
      expect(got?.chunks).toBeGreaterThan(1);
    }, 60_000);

    it('gives back exactly the bytes of a range: the first, the last, within and across chunks', async () => {
      const key = randomUUID();
      const bytes = randomBytes(3 * MiB + 123);
      await store().put(key, bytes, 'application/pdf');
      const ranges = [
        { start: 0, end: 0 },
        { start: bytes.length - 1, end: bytes.length - 1 },
        { start: 1000, end: 1999 },
        { start: 256 * 1024 - 10, end: 256 * 1024 + 9 },
        { start: MiB - 1, end: 2 * MiB + 1 },
        { start: 17, end: bytes.length - 1 },
      ];
      for (const range of ranges) {
        const stream = await store().get(key, range);
        const got = stream === undefined ? undefined : await readAll(stream);
        expect(
          got?.bytes.equals(bytes.subarray(range.start, range.end + 1)),
          JSON.stringify(range),
        ).toBe(true);
      }
      expect(await store().get(randomUUID(), { start: 0, end: 9 })).toBeUndefined();
    }, 60_000);

    it('deletes a key, and deleting a key that holds nothing is no error', async () => {
      const key = randomUUID();
      const other = randomUUID();
      await store().put(key, Buffer.from('receipt'), 'text/plain');
      await store().put(other, Buffer.from('statement'), 'text/plain');
      await store().delete(key);
      expect(await store().get(key)).toBeUndefined();
      await expect(store().delete(key)).resolves.toBeUndefined();
      await expect(store().delete(randomUUID())).resolves.toBeUndefined();
      expect((await read(other))?.bytes.toString()).toBe('statement');
    });

    it('keeps files put at the same time apart', async () => {
      const files = Array.from({ length: 8 }, () => ({
        key: randomUUID(),
        bytes: randomBytes(200_000),
      }));
      await Promise.all(files.map((f) => store().put(f.key, f.bytes, 'application/octet-stream')));
      const got = await Promise.all(files.map((f) => read(f.key)));
      got.forEach((g, i) => {
        expect(g?.bytes.equals(files[i]?.bytes ?? Buffer.alloc(0))).toBe(true);
      });
    });

    it('serves whole files again after readers gave up half-way (an aborted download)', async () => {
      const key = randomUUID();
      const bytes = randomBytes(2 * MiB);
      await store().put(key, bytes, 'image/jpeg');
      // More abandoned streams than a connection pool would hold if they leaked.
      for (let i = 0; i < 60; i++) {
        const stream = await store().get(key);
        stream?.destroy();
      }
      expect((await read(key))?.bytes.equals(bytes)).toBe(true);
    }, 60_000);
  });
}
