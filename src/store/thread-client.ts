/**
 * The event loop's side of a store thread (the SQLite writer, the blob file): requests
 * posted with an id and answered by id. The thread starts with the first request (a start
 * that fails is tried again by the next one). A thread that dies fails the requests posted
 * to it, as unavailable, and the next request starts another: a thread that throws reports
 * 'error' and then 'exit', by which time a new thread may hold requests of its own, so each
 * request remembers its thread. An idle thread does not keep the process alive; close()
 * lets it answer what it holds (requests are taken in order), then stops it.
 */
import { Worker } from 'node:worker_threads';
import type { ThreadFailure } from './thread-failure.js';
import { threadSource } from './thread-source.js';

/** The code of the requests a dead store thread leaves behind (an "unavailable" family). */
export const WRITER_EXITED = 'SQLITE_WRITER_EXITED';

export class SqliteWriterExited extends Error {
  readonly code = WRITER_EXITED;
  constructor(why: string) {
    super(`the SQLite writer thread stopped (${why}); its pending writes may not be stored`);
    this.name = 'SqliteWriterExited';
  }
}

export interface ThreadClient<Ask, Reply> {
  /** Posts `request` (handing over `transfer`); its reply, or its failure thrown. */
  ask(request: Ask, transfer?: ArrayBuffer[]): Promise<Exclude<Reply, ThreadFailure>>;
  /** Answers the requests in hand, then stops the thread. */
  close(): Promise<void>;
  /** The running thread, if any (tests stop it to see what a crash does). */
  readonly thread: Worker | undefined;
}

interface Pending<Answer> {
  resolve: (reply: Answer) => void;
  reject: (err: unknown) => void;
  thread: Worker;
}

const isFailure = (reply: { id: number }): reply is ThreadFailure => 'error' in reply;
const isAnswer = <Reply extends { id: number }>(
  reply: Reply,
): reply is Exclude<Reply, ThreadFailure> => !isFailure(reply);

export interface ThreadOptions {
  /** What tells the thread to stop once it has answered what it holds. */
  closeRequest: object;
  /** Starts the reason its failures give ('' for the writer, 'blob file: '). */
  whyPrefix: string;
  /** The error of a request made after close(). */
  closedMessage: string;
}

/** `entry` names the thread's module (store/<entry>-thread.ts); `data` its workerData. */
export function threadClient<Ask extends object, Reply extends { id: number }>(
  entry: string,
  data: unknown,
  options: ThreadOptions,
): ThreadClient<Ask, Reply> {
  const label = options.whyPrefix;
  type Answer = Exclude<Reply, ThreadFailure>;
  let current: Worker | undefined;
  let starting: Promise<Worker> | undefined;
  let source: ReturnType<typeof threadSource> | undefined;
  let nextId = 0;
  let closed = false;
  const pending = new Map<number, Pending<Answer>>();
  /** Requests each thread holds: one with none is unref'd. */
  const held = new Map<Worker, number>();

  const stopped = (thread: Worker, why: string): void => {
    if (current === thread) {
      current = undefined;
      starting = undefined;
    }
    held.delete(thread);
    const err = new SqliteWriterExited(`${label}${why}`);
    for (const [id, p] of pending) {
      if (p.thread !== thread) continue;
      pending.delete(id);
      p.reject(err);
    }
  };

  const start = async (): Promise<Worker> => {
    source ??= threadSource(entry);
    const { code, eval: isCode } = await source;
    const thread = new Worker(code, { workerData: data, eval: isCode });
    current = thread;
    thread.on('message', (reply: Reply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      const left = (held.get(thread) ?? 1) - 1;
      held.set(thread, left);
      if (left === 0) thread.unref();
      if (isFailure(reply)) p.reject(Object.assign(new Error(reply.error.message), reply.error));
      else if (isAnswer(reply)) p.resolve(reply);
    });
    thread.on('error', (err) => stopped(thread, err.message));
    thread.on('exit', (code) => stopped(thread, `exit code ${code}`));
    return thread;
  };

  return {
    get thread() {
      return current;
    },
    async ask(request, transfer = []) {
      if (closed) throw new Error(options.closedMessage);
      if (!starting) {
        const attempt: Promise<Worker> = start().catch((err: unknown) => {
          // A start that failed (the entry not found, the constructor throwing) is not kept.
          if (starting === attempt) starting = undefined;
          throw err;
        });
        starting = attempt;
      }
      const thread = await starting;
      // It died while this request waited for it: a request posted now would go nowhere.
      if (current !== thread)
        throw new SqliteWriterExited(`${label}before this request reached it`);
      thread.ref();
      held.set(thread, (held.get(thread) ?? 0) + 1);
      const id = nextId++;
      return new Promise<Answer>((resolve, reject) => {
        pending.set(id, { resolve, reject, thread });
        thread.postMessage({ ...request, id }, transfer);
      });
    },
    async close() {
      closed = true;
      const thread = await starting?.catch(() => undefined);
      if (!thread) return;
      starting = undefined;
      current = undefined;
      const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
      // Kept alive until it has answered and stopped (an idle thread is unref'd).
      thread.ref();
      thread.postMessage(options.closeRequest);
      await exited;
    },
  };
}
