/**
 * The default BlobStore: bytes in the database (SQLite or PostgreSQL, whichever the server
 * runs on), so one node or a cluster needs nothing else. A file is written as rows of
 * attachmentChunkBytes, one statement each with a turn of the event loop between them:
 * on SQLite every write runs on the event loop, and a send waits for at most one chunk
 * rather than a whole file. Reads stream the same chunks back one at a time, so a
 * download holds one chunk, never the file.
 */
import { Readable } from 'node:stream';
import type { AttachmentRecords } from '../store/attachment-records.js';
import { TUNABLES } from '../tunables.js';
import type { BlobStore } from './ports.js';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export function databaseBlobStore(
  records: AttachmentRecords,
  chunkBytes: number = TUNABLES.attachmentChunkBytes.value,
): BlobStore {
  return {
    async put(key, bytes) {
      try {
        for (let idx = 0, at = 0; at < bytes.length || idx === 0; idx++, at += chunkBytes) {
          if (idx > 0) await nextTurn();
          await records.writeChunk(key, idx, bytes.subarray(at, at + chunkBytes));
        }
      } catch (err) {
        await records.deleteChunks(key).catch(() => {});
        throw err;
      }
    },

    async get(key) {
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
