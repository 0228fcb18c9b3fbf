/**
 * The SQLite writer thread (sqlite-writer.ts starts it): its own connection to the file,
 * the same pragmas, and the one batch append (sqlite-append.ts). Requests are taken one at
 * a time in arrival order, so batches commit in the order the lane sent them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { sqliteBatch, withoutFsync } from './sqlite-append.js';
import { sqliteIndexBatch } from './sqlite-search-index.js';
import type { AppendResult, MessageDraft } from './store.js';
import { type ThreadFailure, threadFailure } from './thread-failure.js';

export interface WriterData {
  path: string;
  busyTimeoutMs: number;
  /** SQLite checkpoints on the connection that commits: this one, for the appends. */
  walAutocheckpointPages: number;
}

export type WriterRequest =
  | { kind: 'append'; id: number; drafts: MessageDraft[]; webhookUrls: readonly string[] }
  | { kind: 'index'; id: number; max: number }
  | { kind: 'close' };

/** What crosses back: the results, or the error as plain data. */
export type WriterReply =
  | { id: number; results: AppendResult[] }
  | { id: number; indexed: number }
  | ThreadFailure;

const port = parentPort;
if (!port) throw new Error('sqlite-writer-thread runs as a worker thread');
const { path, busyTimeoutMs, walAutocheckpointPages } = workerData as WriterData;

const database = new BetterSqlite3(path, { timeout: busyTimeoutMs });
// As the main connection (sqlite.ts): every commit fsynced, foreign keys checked.
database.pragma('synchronous = FULL');
database.pragma('foreign_keys = ON');
database.pragma(`busy_timeout = ${busyTimeoutMs}`);
database.pragma(`wal_autocheckpoint = ${walAutocheckpointPages}`);
// IMMEDIATE: the batch reads before it writes, and a deferred transaction whose snapshot
// the main connection's write made stale fails at once (SQLITE_BUSY) instead of waiting.
const write = sqliteBatch(database).immediate;
// The search indexer's batches too: one writer for the file, and never the event loop.
const indexBatch = sqliteIndexBatch(database).immediate;
// Without an fsync of its own, as on the event loop (sqlite-append.ts): its rows and its
// watermark commit together, and the next synced commit covers it.
const index = (max: number): number => withoutFsync(database, () => indexBatch(max));

port.on('message', (request: WriterRequest) => {
  if (request.kind === 'close') {
    database.close();
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    reply =
      request.kind === 'index'
        ? { id: request.id, indexed: index(request.max) }
        : { id: request.id, results: write(request.drafts, request.webhookUrls) };
  } catch (err) {
    reply = threadFailure(request.id, err);
  }
  port.postMessage(reply);
});
