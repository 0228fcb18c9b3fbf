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
 * 503, as for the message writer); the next request starts a new one.
 */
import { Worker } from 'node:worker_threads';
import type { ChunkFile } from './attachment-records.js';
import type { BlobAnswer, BlobFileData, BlobReply, BlobRequest } from './sqlite-blobs-thread.js';
import { SqliteWriterExited } from './sqlite-writer.js';
import { threadSource } from './thread-source.js';

/**
 * Chunks posted ahead of the thread's answers: a few, so the thread always has the next
 * one, and at most this many chunks' copies wait in its queue (1 MiB at 256 KiB).
 */
const WRITES_IN_FLIGHT = 4;

/** Requests as posted, without the id each gets on its way. */
type Ask = BlobRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve: (answer: BlobAnswer) => void;
  reject: (err: unknown) => void;
  /** The thread it was posted to: a thread that ends fails its own requests only. */
  thread: Worker;
}

export interface SqliteBlobFile extends ChunkFile {
  /** The running thread, if any (tests stop it to see what a crash does). */
  readonly thread: Worker | undefined;
}

export function sqliteBlobFile(data: BlobFileData): SqliteBlobFile {
  let current: Worker | undefined;
  let starting: Promise<Worker> | undefined;
  let source: ReturnType<typeof threadSource> | undefined;
  let nextId = 0;
  let closed = false;
  const pending = new Map<number, Pending>();
  /** Each key's writes not yet awaited (all but its last chunk's), in order. */
  const unsettled = new Map<string, Promise<BlobAnswer>[]>();
  /** Writes posted and not yet answered, oldest first: at most WRITES_IN_FLIGHT are waited for. */
  const inFlight: Promise<BlobAnswer>[] = [];

  const stopped = (thread: Worker, why: string): void => {
    if (current === thread) {
      current = undefined;
      starting = undefined;
    }
    // A thread that throws reports 'error' and then 'exit', by which time a new thread may
    // hold requests of its own.
    const err = new SqliteWriterExited(`blob file: ${why}`);
    for (const [id, p] of pending) {
      if (p.thread !== thread) continue;
      pending.delete(id);
      p.reject(err);
    }
  };

  const start = async (): Promise<Worker> => {
    source ??= threadSource('sqlite-blobs');
    const { code, eval: isCode } = await source;
    const thread = new Worker(code, { workerData: data, eval: isCode });
    current = thread;
    thread.on('message', (reply: BlobReply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      // An idle thread does not keep the process alive; one with requests in hand does.
      if (![...pending.values()].some((q) => q.thread === thread)) thread.unref();
      if ('answer' in reply) p.resolve(reply.answer);
      else p.reject(Object.assign(new Error(reply.error.message), reply.error));
    });
    thread.on('error', (err) => stopped(thread, err.message));
    thread.on('exit', (code) => stopped(thread, `exit code ${code}`));
    return thread;
  };

  const ask = async (request: Ask, transfer: ArrayBuffer[] = []): Promise<BlobAnswer> => {
    if (closed) throw new Error('the SQLite blob file is closed');
    starting ??= start();
    const thread = await starting;
    // It died while this request waited for it: a request posted now would go nowhere.
    if (current !== thread)
      throw new SqliteWriterExited('blob file: before this request reached it');
    thread.ref();
    const id = nextId++;
    return new Promise<BlobAnswer>((resolve, reject) => {
      pending.set(id, { resolve, reject, thread });
      const posted: BlobRequest = { ...request, id };
      thread.postMessage(posted, transfer);
    });
  };

  return {
    get thread() {
      return current;
    },
    async write(key, idx, bytes, durable) {
      // A copy of the chunk alone, handed over: posting a view would clone the whole
      // upload's buffer behind it.
      const chunk = new Uint8Array(bytes);
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
    async close() {
      closed = true;
      const thread = await starting;
      if (!thread) return;
      starting = undefined;
      current = undefined;
      // Requests are taken in order: every one posted before this is answered first.
      const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
      const request: BlobRequest = { kind: 'close' };
      thread.ref();
      thread.postMessage(request);
      await exited;
    },
  };
}
