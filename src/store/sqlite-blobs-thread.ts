/**
 * The thread that owns SQLite's blob file (sqlite-blobs.ts starts it): attachments'
 * chunks in a file of their own beside the database, on a connection of its own, so a
 * chunk's commit, its fsync and the WAL checkpoints its bytes cause never run on the
 * event loop nor hold the database's write lock that message appends take. Requests are
 * taken one at a time in arrival order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { type ThreadFailure, threadFailure } from './thread-failure.js';

export interface BlobFileData {
  path: string;
  busyTimeoutMs: number;
}

/** A key's first chunk, as the sweep pages through them (oldest first, then by key). */
export interface FirstChunk {
  key: string;
  createdAt: string;
}

export type BlobRequest =
  | {
      kind: 'write';
      id: number;
      key: string;
      idx: number;
      data: Uint8Array;
      createdAt: string;
      /** false: committed without an fsync; a later durable write's fsync covers it. */
      durable: boolean;
    }
  | { kind: 'read'; id: number; key: string; idx: number }
  | { kind: 'firstBytes'; id: number; key: string }
  | { kind: 'delete'; id: number; key: string }
  | { kind: 'firstChunks'; id: number; before: string; after: FirstChunk; max: number }
  | { kind: 'close' };

export type BlobAnswer = Uint8Array | number | FirstChunk[] | undefined;

/**
 * What crosses back: the answer, or the error as plain data. A write hands its chunk's
 * buffer back (`spare`), for the event loop's next copy.
 */
export type BlobReply = { id: number; answer: BlobAnswer; spare?: ArrayBuffer } | ThreadFailure;

const port = parentPort;
if (!port) throw new Error('sqlite-blobs-thread runs as a worker thread');
const { path, busyTimeoutMs } = workerData as BlobFileData;

const database = new BetterSqlite3(path, { timeout: busyTimeoutMs });
// This process alone uses the file (the database beside it is held the same way).
database.pragma('locking_mode = EXCLUSIVE');
database.pragma('journal_mode = WAL');
database.pragma('synchronous = FULL');
database.pragma(`busy_timeout = ${busyTimeoutMs}`);
// The file's own schema, versioned by user_version (the database's migrations do not
// reach it): the chunks as the database's attachment_chunks table holds them.
if (database.pragma('user_version', { simple: true }) === 0) {
  database.exec(`
    BEGIN;
    CREATE TABLE IF NOT EXISTS attachment_chunks (
      key TEXT NOT NULL, idx INTEGER NOT NULL, data BLOB NOT NULL, createdAt TEXT NOT NULL,
      PRIMARY KEY (key, idx));
    CREATE INDEX IF NOT EXISTS attachment_chunks_first
      ON attachment_chunks (createdAt, key) WHERE idx = 0;
    PRAGMA user_version = 1;
    COMMIT;`);
}

const insert = database.prepare<[string, number, Uint8Array, string]>(
  'INSERT INTO attachment_chunks (key, idx, data, createdAt) VALUES (?, ?, ?, ?)',
);
// pluck(): the one column's value, not a row object.
const read = database
  .prepare<[string, number], Buffer>('SELECT data FROM attachment_chunks WHERE key = ? AND idx = ?')
  .pluck();
const firstBytes = database
  .prepare<[string], number>('SELECT length(data) FROM attachment_chunks WHERE key = ? AND idx = 0')
  .pluck();
const remove = database.prepare<[string]>('DELETE FROM attachment_chunks WHERE key = ?');
const firstChunks = database.prepare<[string, string, string, number], FirstChunk>(
  `SELECT key, createdAt FROM attachment_chunks
   WHERE idx = 0 AND createdAt < ? AND (createdAt, key) > (?, ?)
   ORDER BY createdAt, key LIMIT ?`,
);

let synchronous = 'FULL';
/**
 * In WAL mode an fsync of the log covers every commit written to it before, so the chunks
 * before a file's last may commit without one (NORMAL): the last chunk's commit (FULL)
 * makes the whole file durable, and only then does the upload go on to its record.
 */
function setSynchronous(durable: boolean): void {
  const wanted = durable ? 'FULL' : 'NORMAL';
  if (wanted === synchronous) return;
  database.pragma(`synchronous = ${wanted}`);
  synchronous = wanted;
}

function answer(request: Exclude<BlobRequest, { kind: 'close' }>): BlobAnswer {
  switch (request.kind) {
    case 'write':
      setSynchronous(request.durable);
      insert.run(request.key, request.idx, request.data, request.createdAt);
      return undefined;
    case 'read':
      return read.get(request.key, request.idx);
    case 'firstBytes':
      return firstBytes.get(request.key);
    case 'delete':
      setSynchronous(true);
      remove.run(request.key);
      return undefined;
    case 'firstChunks': {
      const { before, after, max } = request;
      return firstChunks.all(before, after.createdAt, after.key, max);
    }
  }
}

/** A chunk read is handed over, not copied, when it owns its memory. */
const transferOf = (value: BlobAnswer): ArrayBuffer[] =>
  value instanceof Uint8Array &&
  value.byteOffset === 0 &&
  value.buffer instanceof ArrayBuffer &&
  value.byteLength === value.buffer.byteLength
    ? [value.buffer]
    : [];

port.on('message', (request: BlobRequest) => {
  if (request.kind === 'close') {
    database.close();
    port.close();
    return;
  }
  let reply: BlobReply;
  try {
    reply = { id: request.id, answer: answer(request) };
  } catch (err) {
    reply = threadFailure(request.id, err);
  }
  const spare = request.kind === 'write' ? request.data.buffer : undefined;
  if ('answer' in reply && spare instanceof ArrayBuffer) {
    port.postMessage({ ...reply, spare }, [spare]);
    return;
  }
  port.postMessage(reply, 'answer' in reply ? transferOf(reply.answer) : []);
});
