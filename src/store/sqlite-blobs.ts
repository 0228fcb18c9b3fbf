/**
 * SQLite's blob file: attachments' chunks in `<file>.blobs` beside the database, written
 * and read by a worker thread (sqlite-blobs-thread.ts) with a connection of its own. On
 * the event loop a chunk's commit and fsync (and the WAL checkpoints 5 MB of chunks bring
 * about) stopped every socket; in the database file they also held the one write lock
 * message appends need. Two files, two locks: an append never waits for a chunk.
 *
 * Nothing spans the two files, so the order of writes keeps them consistent: an upload's
 * chunks are durable before its record is written (a crash between leaves chunks no record
 * names, which the sweep finds here and deletes); a record is deleted before its chunks.
 *
 * The thread starts with the first chunk asked for (a server storing files in a bucket
 * never starts it). One that dies fails the requests it had with SQLITE_WRITER_EXITED (a
 * 503, as for the message writer); the next request starts a new one (thread-client.ts).
 */
import type { Worker } from 'node:worker_threads';
import type { ChunkFile } from './attachment-records.js';
import type { BlobAnswer, BlobFileData, BlobReply, BlobRequest } from './sqlite-blobs-thread.js';
import { threadClient } from './thread-client.js';

/**
 * Chunks posted ahead of the thread's answers: a few, so the thread always has the next
 * one, and at most this many chunks' copies wait in its queue (1 MiB at 256 KiB).
 */
const WRITES_IN_FLIGHT = 4;

/**
 * Chunk buffers the thread hands back once written, kept for the next chunks' copies: a
 * new buffer for each chunk cost the event loop the kernel's page faults (fresh memory,
 * ~5-13 ms per 5 MB on this machine, more than the copy itself) and V8 a full collection
 * every few files for the external memory. Enough for the chunks in flight and the last
 * one each upload waits for.
 */
const SPARE_BUFFERS = 8;

/** Requests as posted, without the id each gets on its way. */
type Ask = BlobRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export interface SqliteBlobFile extends ChunkFile {
  /** The running thread, if any (tests stop it to see what a crash does). */
  readonly thread: Worker | undefined;
}

export function sqliteBlobFile(data: BlobFileData): SqliteBlobFile {
  const client = threadClient<Ask, BlobReply>('sqlite-blobs', data, {
    closeRequest: { kind: 'close' },
    whyPrefix: 'blob file: ',
    closedMessage: 'the SQLite blob file is closed',
  });
  const spares: ArrayBuffer[] = [];
  const ask = async (request: Ask, transfer: ArrayBuffer[] = []): Promise<BlobAnswer> => {
    const reply = await client.ask(request, transfer);
    if (reply.spare && spares.length < SPARE_BUFFERS) spares.push(reply.spare);
    return reply.answer;
  };
  /** The chunk copied into a spare buffer large enough, or a new one. */
  const copyOf = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => {
    const at = spares.findLastIndex((spare) => spare.byteLength >= bytes.length);
    const [spare] = at < 0 ? [] : spares.splice(at, 1);
    const chunk = new Uint8Array(spare ?? new ArrayBuffer(bytes.length), 0, bytes.length);
    chunk.set(bytes);
    return chunk;
  };
  /** Each key's writes not yet awaited (all but its last chunk's), in order. */
  const unsettled = new Map<string, Promise<BlobAnswer>[]>();
  /** Writes posted and not yet answered, oldest first: at most WRITES_IN_FLIGHT are waited for. */
  const inFlight: Promise<BlobAnswer>[] = [];

  return {
    get thread() {
      return client.thread;
    },
    async write(key, idx, bytes, durable) {
      // A copy of the chunk alone, handed over: posting a view would clone the whole
      // upload's buffer behind it. The thread hands the buffer back with its answer.
      const chunk = copyOf(bytes);
      const written = ask(
        { kind: 'write', key, idx, data: chunk, createdAt: new Date().toISOString(), durable },
        [chunk.buffer],
      );
      const before = unsettled.get(key) ?? [];
      if (!durable) {
        // Answered once posted (a round trip per chunk made an upload wait for two thread
        // switches a chunk): the key's last, durable write answers for all of them.
        written.catch(() => {});
        before.push(written);
        unsettled.set(key, before);
        inFlight.push(written);
        if (inFlight.length > WRITES_IN_FLIGHT) await inFlight.shift()?.catch(() => {});
        return;
      }
      unsettled.delete(key);
      await Promise.all([...before, written]);
    },
    async read(key, idx) {
      const answer = await ask({ kind: 'read', key, idx });
      return answer instanceof Uint8Array ? answer : undefined;
    },
    async firstBytes(key) {
      const answer = await ask({ kind: 'firstBytes', key });
      return typeof answer === 'number' ? answer : undefined;
    },
    async delete(key) {
      unsettled.delete(key);
      await ask({ kind: 'delete', key });
    },
    async firstChunks(before, after, max) {
      const answer = await ask({ kind: 'firstChunks', before, after, max });
      return Array.isArray(answer) ? answer : [];
    },
    close: () => client.close(),
  };
}
