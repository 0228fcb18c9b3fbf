/**
 * SQLite's blob file: attachments' chunks beside the database, on a thread of their own,
 * with the chunks of files stored in the database's table before it still served there.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseBlobStore } from '../../src/attachments/database-blob-store.js';
import { Unavailable } from '../../src/errors.js';
import { blobFilePath, openSqliteStore } from '../../src/store/sqlite.js';
import type { SqliteBlobFile } from '../../src/store/sqlite-blobs.js';
import { pdfRecord } from '../helpers/attachment-record.js';

const chunksIn = (path: string): number => {
  const database = new BetterSqlite3(path, { readonly: true });
  try {
    return (
      database.prepare<[], number>('SELECT count(*) FROM attachment_chunks').pluck().get() ?? 0
    );
  } finally {
    database.close();
  }
};

async function readAll(stream: AsyncIterable<unknown> | undefined): Promise<Buffer | undefined> {
  if (!stream) return undefined;
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part as Uint8Array));
  return Buffer.concat(parts);
}

describe('SQLite attachments in the blob file', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chat-blobs-'));
    path = join(dir, 'chat.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const open = async () => {
    let file: SqliteBlobFile | undefined;
    const store = await openSqliteStore(path, {
      onBlobFile: (f) => {
        file = f;
      },
    });
    if (!file) throw new Error('no blob file');
    return { store, file };
  };

  it("writes a file's chunks to the blob file beside the database, none to the database", async () => {
    const { store } = await open();
    const bytes = randomBytes(5000);
    await databaseBlobStore(store.attachments, 1000).put('k', bytes, 'application/pdf');
    expect(
      (await readAll(await databaseBlobStore(store.attachments).get('k')))?.equals(bytes),
    ).toBe(true);
    await store.close();
    expect(existsSync(blobFilePath(path))).toBe(true);
    expect(chunksIn(blobFilePath(path))).toBe(5);
    expect(chunksIn(path)).toBe(0);
  });

  it('still reads, sweeps and deletes the chunks a file left in the database table', async () => {
    await (await open()).store.close();
    const old = new BetterSqlite3(path);
    const insert = old.prepare(
      'INSERT INTO attachment_chunks (key, idx, data, createdAt) VALUES (?, ?, ?, ?)',
    );
    insert.run('kept', 0, Buffer.from('abc'), '2020-01-01T00:00:00.000Z');
    insert.run('kept', 1, Buffer.from('de'), '2020-01-01T00:00:00.000Z');
    insert.run('orphan', 0, Buffer.from('x'), '2020-01-01T00:00:00.000Z');
    old.close();

    const { store } = await open();
    try {
      await store.attachments.insert(pdfRecord('kept'));
      const blobs = databaseBlobStore(store.attachments);
      expect((await readAll(await blobs.get('kept')))?.toString()).toBe('abcde');
      expect((await readAll(await blobs.get('kept', { start: 2, end: 3 })))?.toString()).toBe('cd');
      const later = new Date(Date.now() + 60_000).toISOString();
      expect(await store.attachments.orphanChunkKeys(later, 100)).toEqual(['orphan']);
      await blobs.delete('kept');
      expect(await blobs.get('kept')).toBeUndefined();
    } finally {
      await store.close();
    }
    expect(chunksIn(path)).toBe(1);
  });

  it('finds the keys no record names among many that one does, a page at a time', async () => {
    const { store } = await open();
    try {
      const named = ['n-1', 'n-2', 'n-3', 'n-4', 'n-5'];
      for (const key of named) {
        await store.attachments.writeChunk(key, 0, new Uint8Array([1]));
        await store.attachments.insert(pdfRecord(key));
      }
      await store.attachments.writeChunk('orphan-1', 0, new Uint8Array([1]));
      await store.attachments.writeChunk('orphan-2', 0, new Uint8Array([1]));
      const later = new Date(Date.now() + 60_000).toISOString();
      expect(await store.attachments.orphanChunkKeys(later, 2)).toEqual(['orphan-1', 'orphan-2']);
      expect(await store.attachments.orphanChunkKeys(later, 1)).toEqual(['orphan-1']);
      const earlier = new Date(Date.now() - 60_000).toISOString();
      expect(await store.attachments.orphanChunkKeys(earlier, 2)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('looks through more keys than one page holds, a key named as a thumbnail named too', async () => {
    const { store } = await open();
    try {
      const orphans: string[] = [];
      // 1,203 files: three pages of the file; an orphan at the start, one per page boundary's
      // neighbourhood and one at the end, every other file named by its record.
      for (let i = 0; i < 1203; i++) {
        const key = `k-${String(i).padStart(5, '0')}`;
        await store.attachments.writeChunk(key, 0, new Uint8Array([1]), false);
        if ([0, 999, 1000, 1202].includes(i)) orphans.push(key);
        else if (i % 2 === 0) await store.attachments.insert(pdfRecord(key));
        else {
          const main = `${key}-file`;
          await store.attachments.insert({ ...pdfRecord(main), thumbKey: key });
        }
      }
      await store.attachments.writeChunk('last', 0, new Uint8Array([1]));
      await store.attachments.insert(pdfRecord('last'));
      const later = new Date(Date.now() + 60_000).toISOString();
      const found = await store.attachments.orphanChunkKeys(later, 100);
      expect([...found].sort()).toEqual(orphans);
      expect(await store.attachments.orphanChunkKeys(later, 3)).toHaveLength(3);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('keys with quotes, backslashes, JSON and other scripts; a page exactly full, then an empty one', async () => {
    const { store } = await open();
    try {
      const odd = [
        "it's",
        'say "hi"',
        'back\\slash',
        '["k-00001"]',
        '{"a":1}',
        'ключ',
        '键 🗝',
        ' ',
        '%_*',
      ];
      const orphans: string[] = [];
      // 1,000 files in all: one full page, and the next one empty.
      for (let i = 0; i < 1000 - odd.length * 2; i++) {
        const key = `k-${String(i).padStart(5, '0')}`;
        await store.attachments.writeChunk(key, 0, new Uint8Array([1]), false);
        if (i % 100 === 0) orphans.push(key);
        else await store.attachments.insert(pdfRecord(key));
      }
      for (const key of odd) {
        // Each odd key both an orphan and, with a suffix, a file its record names.
        await store.attachments.writeChunk(key, 0, new Uint8Array([1]), false);
        orphans.push(key);
        await store.attachments.writeChunk(`${key}/named`, 0, new Uint8Array([1]), false);
        await store.attachments.insert(pdfRecord(`${key}/named`));
      }
      const later = new Date(Date.now() + 60_000).toISOString();
      const found = await store.attachments.orphanChunkKeys(later, 1000);
      expect([...found].sort()).toEqual([...orphans].sort());
    } finally {
      await store.close();
    }
  }, 60_000);

  it("a chunk that failed fails the file's last write, so no record follows it", async () => {
    const { store } = await open();
    try {
      await store.attachments.writeChunk('k', 0, new Uint8Array([1]), false);
      // The same chunk again: refused by the file's primary key, answered by the last write.
      await store.attachments.writeChunk('k', 0, new Uint8Array([2]), false);
      await expect(store.attachments.writeChunk('k', 1, new Uint8Array([3]))).rejects.toThrow(
        /UNIQUE/,
      );
      await store.attachments.writeChunk('other', 0, new Uint8Array([4]));
      expect(await store.attachments.readChunk('other', 0)).toEqual(new Uint8Array([4]));
    } finally {
      await store.close();
    }
  });

  it('a thread that dies fails the requests in hand as unavailable, and the next starts another', async () => {
    const { store, file } = await open();
    try {
      await store.attachments.writeChunk('k', 0, new Uint8Array([7]));
      const thread = file.thread;
      if (!thread) throw new Error('no thread');
      const post = thread.postMessage.bind(thread);
      // Stopped as the request reaches it: it never answers.
      thread.postMessage = (message: unknown) => {
        void thread.terminate();
        post(message);
      };
      const refusal = await store.attachments.readChunk('k', 0).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(refusal).toBeInstanceOf(Unavailable);
      expect(await store.attachments.readChunk('k', 0)).toEqual(new Uint8Array([7]));
      expect(file.thread).not.toBe(thread);
    } finally {
      await store.close();
    }
  });

  it("a thread that failed leaves the next thread's requests alone when it exits", async () => {
    // A directory where the file should be: the thread throws as it opens it ('error',
    // then 'exit' a moment later).
    mkdirSync(blobFilePath(path));
    const { store } = await open();
    try {
      await expect(store.attachments.writeChunk('k', 0, new Uint8Array([1]))).rejects.toThrow(
        Unavailable,
      );
      rmSync(blobFilePath(path), { recursive: true });
      // Asked at once: posted to a new thread before the failed one's exit is reported.
      await store.attachments.writeChunk('k', 0, new Uint8Array([2]));
      expect(await store.attachments.readChunk('k', 0)).toEqual(new Uint8Array([2]));
    } finally {
      await store.close();
    }
  });
});
