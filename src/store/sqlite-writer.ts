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
 * the stored message if it did. The next append starts a new thread (thread-client.ts).
 */
import type { Worker } from 'node:worker_threads';
import type { WriterData, WriterReply, WriterRequest } from './sqlite-writer-thread.js';
import type { Appender, MessageDraft } from './store.js';
import { threadClient } from './thread-client.js';

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
  const client = threadClient<Ask, WriterReply>('sqlite-writer', data, {
    closeRequest: { kind: 'close' },
    whyPrefix: '',
    closedMessage: 'the SQLite writer is closed',
  });
  const ask = client.ask;
  return {
    get thread() {
      return client.thread;
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
    close: () => client.close(),
  };
}
