/**
 * The default BlobStore: bytes in the database (SQLite or PostgreSQL, whichever the server
 * runs on), so one node or a cluster needs nothing else. A file is written as rows of
 * attachmentChunkBytes, one statement each, and the chunks of all uploads take turns in
 * one lane, a turn of the event loop after each: on SQLite every write (and its fsync)
 * runs on the event loop and on the one connection sends use, so a send waits for at most
 * the chunk being written, however many uploads run (with a chunk per upload queued at the
 * connection, ten uploads made a send wait for ten). Reads stream the same chunks back one at a time, so a
 * download holds one chunk, never the file; a range reads only the chunks it covers.
 */
import { Readable } from 'node:stream';
import type { AttachmentRecords } from '../store/attachment-records.js';
import { TUNABLES } from '../tunables.js';
import type { ByteRange } from './byte-range.js';
import type { BlobStore } from './ports.js';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

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
      for (let idx = first; idx <= last; idx++) {
        const chunk = await records.readChunk(key, idx);
        if (chunk === undefined) return;
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

    async get(key, range) {
      if (range) return getRange(key, range);
      const first = await records.readChunk(key, 0);
      if (first === undefined) return undefined;
      async function* chunks(): AsyncGenerator<Uint8Array> {
        yield first as Uint8Array;
        for (let idx = 1; ; idx++) {
          const chunk = await records.readChunk(key, idx);
          if (chunk === undefined) return;
          yield chunk;
        }
      }
      return Readable.from(chunks(), { objectMode: false });
    },

    delete: (key) => records.deleteChunks(key),
  };
}
