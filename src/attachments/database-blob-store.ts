/**
 * The default BlobStore: bytes in the database (SQLite or PostgreSQL, whichever the server
 * runs on), so one node or a cluster needs nothing else. A file is written as rows of
 * attachmentChunkBytes, one statement each, and the chunks of all uploads take turns in
 * one lane, a turn of the event loop after each, so on PostgreSQL an upload holds one
 * pooled connection at a time, whatever the number of uploads. On SQLite the chunks go to
 * a file of their own written by a thread (store/sqlite-blobs.ts), off the event loop and
 * the lock appends take. Only the last chunk's write waits for the disk, and it answers
 * for the ones before it (one fsync of SQLite's blob file, one WAL flush of PostgreSQL's
 * per file: store/attachment-records.ts).
 * Reads stream the chunks back, the next one read while the last is sent, so a download
 * holds two chunks, never the file; a range reads only the chunks it covers, and a file
 * whose size the caller knows no chunk past its last (its stream ends with its last byte,
 * not a store read later).
 */
import { Readable } from 'node:stream';
import type { AttachmentRecords } from '../store/attachment-records.js';
import { TUNABLES } from '../tunables.js';
import type { ByteRange } from './byte-range.js';
import type { BlobStore } from './ports.js';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A chunk read ahead: a reader that stops before it leaves its failure to no one. */
const readAhead = (read: Promise<Uint8Array | undefined>): Promise<Uint8Array | undefined> => {
  read.catch(() => {});
  return read;
};

export function databaseBlobStore(
  records: AttachmentRecords,
  chunkBytes: number = TUNABLES.attachmentChunkBytes.value,
): BlobStore {
  let lane: Promise<void> = Promise.resolve();
  const inTurn = (work: () => Promise<void>): Promise<void> => {
    const run = lane.then(work);
    lane = run.then(nextTurn, nextTurn);
    return run;
  };
  /**
   * A range reads only the chunks that hold it: their size from the first chunk's length
   * (a store written with another chunk size still reads right), then each chunk in turn,
   * cut at both ends.
   */
  async function getRange(key: string, range: ByteRange): Promise<Readable | undefined> {
    const stored = await records.firstChunkBytes(key);
    if (stored === undefined) return undefined;
    const size = stored;
    const first = size === 0 ? 0 : Math.floor(range.start / size);
    const last = size === 0 ? 0 : Math.floor(range.end / size);
    async function* chunks(): AsyncGenerator<Uint8Array> {
      let next = readAhead(records.readChunk(key, first));
      for (let idx = first; idx <= last; idx++) {
        const chunk = await next;
        if (chunk === undefined) return;
        if (idx < last) next = readAhead(records.readChunk(key, idx + 1));
        const from = idx === first ? range.start - idx * size : 0;
        const to = idx === last ? range.end - idx * size + 1 : chunk.length;
        yield chunk.subarray(from, to);
      }
    }
    return Readable.from(chunks(), { objectMode: false });
  }

  return {
    async put(key, bytes) {
      try {
        for (let idx = 0, at = 0; at < bytes.length || idx === 0; idx++, at += chunkBytes) {
          const chunk = bytes.subarray(at, at + chunkBytes);
          const n = idx;
          // The last chunk's write makes the ones before it durable too.
          const last = at + chunkBytes >= bytes.length;
          await inTurn(() => records.writeChunk(key, n, chunk, last));
        }
      } catch (err) {
        await records.deleteChunks(key).catch(() => {});
        throw err;
      }
    },

    async get(key, range, size) {
      if (range) return getRange(key, range);
      const first = await records.readChunk(key, 0);
      if (first === undefined) return undefined;
      // The chunks `size` spans, all as long as the first but the last (a store written
      // with another chunk size reads right); unknown, they run until one is missing.
      const count =
        size === undefined ? Number.POSITIVE_INFINITY : Math.ceil(size / (first.length || 1));
      async function* chunks(): AsyncGenerator<Uint8Array> {
        let next = count > 1 ? readAhead(records.readChunk(key, 1)) : undefined;
        yield first as Uint8Array;
        for (let idx = 2; next; idx++) {
          const chunk = await next;
          if (chunk === undefined) return;
          next = idx < count ? readAhead(records.readChunk(key, idx)) : undefined;
          yield chunk;
        }
      }
      return Readable.from(chunks(), { objectMode: false });
    },

    delete: (key) => records.deleteChunks(key),
  };
}
