/**
 * PostgreSQL's attachment chunk reads by binary COPY: the reply's parsing, and on a real
 * server the bytes of every byte value (which the column read in binary format would
 * change), ranges across chunks, keys that need escaping, and a failed read.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { databaseBlobStore } from '../../src/attachments/database-blob-store.js';
import { Unavailable } from '../../src/errors.js';
import { openStore } from '../../src/store/open.js';
import { copiedValue, postgresChunkReader } from '../../src/store/postgres-chunks.js';
import type { Store } from '../../src/store/store.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const signature = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const int16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
/** A binary COPY's reply: its header (with `extension` bytes), the rows, the trailer. */
const copyOf = (rows: Buffer[][], extension = Buffer.alloc(0)) =>
  Buffer.concat([
    signature,
    int32(0),
    int32(extension.length),
    extension,
    ...rows.flatMap((fields) => [
      int16(fields.length),
      ...fields.flatMap((f) => [int32(f.length), f]),
    ]),
    int16(-1),
  ]);

describe('a binary COPY reply', () => {
  it("gives its one row's one column, past any header extension; no row gives undefined", () => {
    const bytes = randomBytes(300);
    expect(copiedValue(copyOf([[bytes]]))?.equals(bytes)).toBe(true);
    expect(copiedValue(copyOf([[bytes]], Buffer.from('ext')))?.equals(bytes)).toBe(true);
    expect(copiedValue(copyOf([[Buffer.alloc(0)]]))?.length).toBe(0);
    expect(copiedValue(copyOf([]))).toBeUndefined();
  });

  it('is refused without its signature, with two columns, or cut short', () => {
    const good = copyOf([[randomBytes(10)]]);
    expect(() => copiedValue(Buffer.concat([Buffer.from('X'), good.subarray(1)]))).toThrow();
    expect(() => copiedValue(copyOf([[randomBytes(4), randomBytes(4)]]))).toThrow();
    expect(() => copiedValue(good.subarray(0, good.length - 6))).toThrow();
  });
});

/** The statement a client was given, whether as text or as a query object. */
const textOf = (query: unknown): string =>
  typeof query === 'string'
    ? query
    : typeof query === 'object' &&
        query !== null &&
        'text' in query &&
        typeof query.text === 'string'
      ? query.text
      : '';

const reachable = (await storeTargets()).filter((t) => t.name === 'postgres');

describe.each(reachable)('chunk reads on $name', (target) => {
  let db: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    db = await target.create();
    store = await openStore(db.config);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const readAll = async (stream: NodeJS.ReadableStream | undefined) => {
    const parts: Buffer[] = [];
    for await (const part of stream ?? []) parts.push(Buffer.from(part as Uint8Array));
    return Buffer.concat(parts);
  };

  it("a download's bytes are the uploaded bytes, every byte value over several chunks and ranges across them, read by COPY", async () => {
    const queries = vi.spyOn(pg.Client.prototype, 'query');
    const blobs = databaseBlobStore(store.attachments, 1000);
    const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const bytes = Buffer.concat([every, randomBytes(2500), Buffer.from(every).reverse()]);
    await blobs.put('k-bytes', bytes, 'application/pdf');
    queries.mockClear();

    expect((await readAll(await blobs.get('k-bytes', undefined, bytes.length))).equals(bytes)).toBe(
      true,
    );
    for (const range of [
      { start: 990, end: 1009 },
      { start: 0, end: bytes.length - 1 },
      { start: 255, end: 2001 },
    ]) {
      const got = await readAll(await blobs.get('k-bytes', range));
      expect(got.equals(bytes.subarray(range.start, range.end + 1)), JSON.stringify(range)).toBe(
        true,
      );
    }
    const copies = queries.mock.calls.filter(([query]) => textOf(query).startsWith('COPY '));
    // The whole file's four chunks, then 2, 4 and 3 chunks for the ranges.
    expect(copies).toHaveLength(13);
  });

  it('a key that needs escaping reads its own chunks, and past the last chunk there is none', async () => {
    const keys = [
      "it's",
      'back\\slash',
      "'; DROP TABLE attachment_chunks; --",
      "E'\\x00'",
      'é😀\u2028',
    ];
    for (const [n, key] of keys.entries()) {
      await store.attachments.writeChunk(key, 0, Buffer.from([n, 0xff, 0xfe]));
    }
    for (const [n, key] of keys.entries()) {
      expect(Buffer.from((await store.attachments.readChunk(key, 0)) ?? [])).toEqual(
        Buffer.from([n, 0xff, 0xfe]),
      );
      expect(await store.attachments.readChunk(key, 1)).toBeUndefined();
    }
  });

  it('a key with a NUL has no chunk (PostgreSQL text holds none), not a store outage', async () => {
    // In COPY's text a NUL would cut the statement short: a protocol error, read as an outage.
    expect(await store.attachments.readChunk('k\0nul', 0)).toBeUndefined();
  });

  it('a read from a database that is gone is STORE_UNAVAILABLE, as any other query', async () => {
    const gone = await target.create();
    const doomed = await openStore(gone.config);
    try {
      await doomed.attachments.writeChunk('k-gone', 0, Buffer.from([1, 2, 3]));
      expect(Buffer.from((await doomed.attachments.readChunk('k-gone', 0)) ?? [])).toEqual(
        Buffer.from([1, 2, 3]),
      );
      await gone.drop();
      await expect(doomed.attachments.readChunk('k-gone', 0)).rejects.toBeInstanceOf(Unavailable);
    } finally {
      await doomed.close().catch(() => {});
      await gone.drop();
    }
  });

  it("a read that fails answers the database's error and gives its connection back", async () => {
    if (db.config.kind !== 'postgres') throw new Error('a PostgreSQL target');
    const url = new URL(db.config.url);
    url.pathname = '/postgres'; // a database without attachment_chunks
    const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
    try {
      const read = postgresChunkReader(pool);
      await expect(read('k', 0)).rejects.toThrow(/attachment_chunks/);
      await expect(read('k', 0)).rejects.toThrow(/attachment_chunks/);
      await expect(read('k', 1.5)).rejects.toThrow(RangeError);
      expect((await pool.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });
});
