/**
 * SQLite's appends on a worker thread (sqlite-writer-thread.ts) with a connection of its
 * own: better-sqlite3 is synchronous, so on the event loop every batch's commit stopped
 * every socket for its fsync (~2.6 ms a commit on the bench machine, of which ~0.2 ms
 * CPU). Here the event loop posts the batch and awaits the answer, which comes after the
 * commit: an acknowledgement still means "on disk". WAL lets the main connection read
 * beside the writer, and it sees a batch once the batch is answered (read-your-writes).
 *
 * A thread that dies (a crash, an uncaught error) fails the writes it had with
 * SQLITE_WRITER_EXITED, a 503 (STORE_UNAVAILABLE) as for a full disk: whether the batch
 * in hand committed is unknown, and a client's retry with its clientMessageId is answered
 * the stored message if it did. The next append starts a new thread.
 */
import { Worker } from 'node:worker_threads';
import type { WriterData, WriterReply, WriterRequest } from './sqlite-writer-thread.js';
import type { Appender, MessageDraft } from './store.js';
import { threadSource } from './thread-source.js';

/** The code of the writes a dead writer thread leaves behind (an "unavailable" family). */
export const WRITER_EXITED = 'SQLITE_WRITER_EXITED';

export class SqliteWriterExited extends Error {
  readonly code = WRITER_EXITED;
  constructor(why: string) {
    super(`the SQLite writer thread stopped (${why}); its pending writes may not be stored`);
    this.name = 'SqliteWriterExited';
  }
}

/** What each request waits for: its reply, already known to be no error. */
type Answer = Exclude<WriterReply, { error: unknown }>;

interface Pending {
  resolve: (reply: Answer) => void;
  reject: (err: unknown) => void;
}

/** The requests that are answered (all but close), without the id the writer gives them. */
type Ask =
  | Omit<Extract<WriterRequest, { kind: 'append' }>, 'id'>
  | Omit<Extract<WriterRequest, { kind: 'index' }>, 'id'>;

export interface SqliteWriter extends Appender {
  /** The search indexer's batches, on the same thread as the appends. */
  indexSearch(max: number): Promise<number>;
  /** Answers the writes in hand, then stops the thread. */
  close(): Promise<void>;
  /** The running thread, if any (tests stop it to see what a crash does). */
  readonly thread: Worker | undefined;
}

export function sqliteWriter(data: WriterData): SqliteWriter {
  let current: Worker | undefined;
  let starting: Promise<Worker> | undefined;
  let source: ReturnType<typeof threadSource> | undefined;
  let nextId = 0;
  let closed = false;
  const pending = new Map<number, Pending>();

  const stopped = (thread: Worker, why: string): void => {
    if (current === thread) {
      current = undefined;
      starting = undefined;
    }
    const err = new SqliteWriterExited(why);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };

  const start = async (): Promise<Worker> => {
    source ??= threadSource('sqlite-writer');
    const { code, eval: isCode } = await source;
    const thread = new Worker(code, { workerData: data, eval: isCode });
    current = thread;
    thread.on('message', (reply: WriterReply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      // An idle writer does not keep the process alive; one with writes in hand does.
      if (pending.size === 0) thread.unref();
      if ('error' in reply) p.reject(Object.assign(new Error(reply.error.message), reply.error));
      else p.resolve(reply);
    });
    thread.on('error', (err) => stopped(thread, err.message));
    thread.on('exit', (code) => stopped(thread, `exit code ${code}`));
    return thread;
  };

  const ask = async (request: Ask): Promise<Answer> => {
    if (closed) throw new Error('the SQLite writer is closed');
    starting ??= start();
    const thread = await starting;
    // It died while this request waited for it: a message posted now would go nowhere.
    if (current !== thread) throw new SqliteWriterExited('before this write reached it');
    thread.ref();
    const id = nextId++;
    return new Promise<Answer>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      const posted: WriterRequest = { ...request, id };
      thread.postMessage(posted);
    });
  };

  return {
    get thread() {
      return current;
    },
    async append(drafts: MessageDraft[], webhookUrls: readonly string[] = []) {
      const reply = await ask({ kind: 'append', drafts, webhookUrls });
      if (!('results' in reply))
        throw new Error('the writer thread answered an append with no results');
      return reply.results;
    },
    async indexSearch(max: number) {
      const reply = await ask({ kind: 'index', max });
      if (!('indexed' in reply))
        throw new Error('the writer thread answered an index batch with no count');
      return reply.indexed;
    },
    async close() {
      closed = true;
      const thread = await starting;
      if (!thread) return;
      starting = undefined;
      current = undefined;
      // Requests are taken in order: every append posted before this one is answered first.
      const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
      const request: WriterRequest = { kind: 'close' };
      // Kept alive until it has answered and stopped (an idle thread is unref'd).
      thread.ref();
      thread.postMessage(request);
      await exited;
    },
  };
}
