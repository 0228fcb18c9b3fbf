/**
 * SQLite's hot path. Appends go to sqlite-appender.cjs: on a worker thread with its own
 * connection for a database file, so that commits never block the event loop; on this
 * thread for `:memory:`, stepping aside (undefined) while a Kysely transaction holds the
 * shared connection. The chat read every send makes runs here, on the main connection.
 */
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import type { Selectable } from 'kysely';
import { newId } from '../ids.js';
import type { Chat } from '../schemas/shapes.js';
import { newMessageRow, toChat, toMessage } from './rows.js';
import type { ChatsTable } from './schema.js';
import {
  type AppendReply,
  type AppendRequest,
  createAppender,
  type IdentifiedDraft,
  type RawAppend,
} from './sqlite-appender.cjs';
import type { AppendResult, MessageDraft } from './store.js';

type Append = (drafts: IdentifiedDraft[], at: string) => Promise<RawAppend[]>;

/** An error from the worker, with the SQLite code the store's error mapping looks at. */
class SqliteWorkerError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'SqliteWorkerError';
  }
}

/** Starts the appender thread; resolves once it has opened the database. */
async function startAppenderThread(
  path: string,
): Promise<{ append: Append; close(): Promise<void> }> {
  const worker = new Worker(new URL('./sqlite-appender.cjs', import.meta.url), {
    workerData: { sqliteAppender: true, path },
  });
  const waiting = new Map<number, { resolve(r: RawAppend[]): void; reject(e: Error): void }>();
  let nextId = 0;
  let failed: Error | undefined;
  let ready: (err?: Error) => void = () => {};
  const started = new Promise<void>((resolve, reject) => {
    ready = (err) => (err ? reject(err) : resolve());
  });
  const failAll = (err: Error) => {
    failed = err;
    ready(err);
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  worker.on('message', (reply: AppendReply) => {
    if ('ready' in reply) return ready();
    const w = waiting.get(reply.id);
    waiting.delete(reply.id);
    if ('results' in reply) w?.resolve(reply.results);
    else w?.reject(new SqliteWorkerError(reply.error.message, reply.error.code));
  });
  worker.on('error', failAll);
  worker.on('exit', () => failAll(new SqliteWorkerError('SQLite writer stopped', 'SQLITE_IOERR')));
  await started;
  // From here the server's own handles keep the process alive; a forgotten close must not.
  worker.unref();
  const send = (request: AppendRequest) => worker.postMessage(request);
  return {
    append: (drafts, at) =>
      new Promise((resolve, reject) => {
        if (failed) return reject(failed);
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        send({ id, drafts, at });
      }),
    close: () =>
      new Promise((resolve) => {
        if (failed) return resolve();
        worker.once('exit', () => resolve());
        send({ close: true });
      }),
  };
}

export async function sqliteFastPath(database: BetterSqlite3.Database, path: string) {
  const chatById = database.prepare<[string], Selectable<ChatsTable>>(
    'SELECT * FROM chats WHERE id = ?',
  );
  const thread = path === ':memory:' ? undefined : await startAppenderThread(path);
  const here = thread ? undefined : createAppender(database);

  const toResults = (drafts: IdentifiedDraft[], at: string, raw: RawAppend[]): AppendResult[] =>
    raw.map((r, i) => {
      if (r.kind === 'rejected') return r;
      if (r.kind === 'duplicate') return { kind: 'duplicate', message: toMessage(r.row) };
      const draft = drafts[i] as IdentifiedDraft;
      // The row is exactly what was bound: no need to read it back.
      const message = toMessage(newMessageRow(draft, draft.id, r.seq, at));
      return { kind: 'stored', message, chat: toChat(r.chat) };
    });

  return {
    appendBatch(drafts: MessageDraft[]): Promise<AppendResult[]> | AppendResult[] | undefined {
      const at = new Date().toISOString();
      const identified = drafts.map((d) => ({ ...d, id: newId() }));
      if (thread)
        return thread.append(identified, at).then((raw) => toResults(identified, at, raw));
      if (database.inTransaction || !here) return undefined;
      return toResults(identified, at, here(identified, at));
    },
    /** null: no such chat; undefined: not now. */
    getChat(chatId: string): Chat | undefined | null {
      if (database.inTransaction) return undefined;
      const row = chatById.get(chatId);
      return row ? toChat(row) : null;
    },
    close: (): Promise<void> => thread?.close() ?? Promise.resolve(),
  };
}
