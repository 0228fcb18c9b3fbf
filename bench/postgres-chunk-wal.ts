/**
 * `node --import tsx bench/postgres-chunk-wal.ts`: what a file's chunks being written cost
 * a send's commit on PostgreSQL, the database alone (no server). One connection commits a
 * tiny row every 20 ms, durably, as an append does; another writes 256 KiB chunks of 20-chunk
 * files at 8 MiB/s (the upload budget's default), as the database BlobStore does, in one of
 * these ways per phase: none; every chunk but a file's last with synchronous_commit off (as
 * now); every chunk durable; into an UNLOGGED table (the same work without WAL); chunks of
 * text that pglz compresses; the same with the column's STORAGE EXTERNAL (no compression).
 * Before each tiny commit it reads how much WAL is written but not yet flushed (what that
 * commit's flush has to take to the disk with it), and it counts the CPU of the two
 * backends and PostgreSQL's WAL writer, checkpointer and background writer.
 * PHASE_MS (default 8000) a phase, ROUNDS (default 2) of all of them; MODES="a|b" runs
 * only those.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { storeTargets } from '../test/helpers/stores.js';

const target = (await storeTargets()).find((t) => t.name === 'postgres');
if (!target) throw new Error('no PostgreSQL here');
const db = await target.create();
if (db.config.kind !== 'postgres') throw new Error('not a PostgreSQL database');
const url = db.config.url;

const CHUNK = 256 * 1024;
const FILE_CHUNKS = 20;
const BYTES_PER_SECOND = 8 * 1024 * 1024;
const PHASE_MS = Number(process.env.PHASE_MS ?? 8000);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const ONLY = process.env.MODES?.split('|');

const RANDOM = randomBytes(CHUNK * FILE_CHUNKS);
const LINE = 64;
const TEXT = Buffer.from(
  Array.from({ length: (CHUNK * FILE_CHUNKS) / LINE }, (_, i) =>
    `line ${i} of a log, level=info msg="ok" ${i % 97}\n`.padEnd(LINE, ' '),
  ).join(''),
);

const table = (name: string, unlogged = false) =>
  `CREATE ${unlogged ? 'UNLOGGED ' : ''}TABLE ${name} (key text NOT NULL, idx integer NOT NULL,
   data bytea NOT NULL, "createdAt" text NOT NULL, PRIMARY KEY (key, idx))`;
/** Every connection opened, ended with the database dropped even when a phase fails. */
const clients: pg.Client[] = [];
async function connected(): Promise<pg.Client> {
  const client = new pg.Client(url);
  clients.push(client);
  await client.connect();
  return client;
}

try {
  const setup = await connected();
  await setup.query(table('chunks'));
  await setup.query(table('chunks_external'));
  await setup.query('ALTER TABLE chunks_external ALTER COLUMN data SET STORAGE EXTERNAL');
  await setup.query(table('chunks_unlogged', true));
  await setup.query('CREATE TABLE sends (id bigserial PRIMARY KEY, body text)');

  interface Mode {
    label: string;
    into?: string;
    /** Every chunk but a file's last with synchronous_commit off. */
    relaxed?: boolean;
    bytes?: Buffer;
  }
  const MODES: Mode[] = [
    { label: 'none' },
    { label: 'async (as now)', into: 'chunks', relaxed: true, bytes: RANDOM },
    { label: 'every chunk durable', into: 'chunks', relaxed: false, bytes: RANDOM },
    { label: 'unlogged', into: 'chunks_unlogged', relaxed: true, bytes: RANDOM },
    { label: 'random, EXTERNAL', into: 'chunks_external', relaxed: true, bytes: RANDOM },
    { label: 'text', into: 'chunks', relaxed: true, bytes: TEXT },
    { label: 'text, EXTERNAL', into: 'chunks_external', relaxed: true, bytes: TEXT },
  ];

  const sender = await connected();
  const writer = await connected();
  const { rows: helpers } = await setup.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity
     WHERE backend_type IN ('walwriter', 'checkpointer', 'background writer')`,
  );
  const backendPid = async (c: pg.Client) =>
    (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid ?? 0;
  const pids = [await backendPid(sender), await backendPid(writer), ...helpers.map((r) => r.pid)];
  /** CPU (user + system, ms) of the processes above so far (/proc; Linux's 100 ticks a second). */
  const databaseCpuMs = (): number =>
    pids.reduce((sum, pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return sum + (Number(fields[11]) + Number(fields[12])) * 10;
      } catch {
        return sum;
      }
    }, 0);

  const quantile = (xs: number[], q: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  async function writeFiles(mode: Mode, round: number, stop: () => boolean): Promise<number[]> {
    const { into, bytes } = mode;
    if (!into || !bytes) return [];
    const times: number[] = [];
    const started = performance.now();
    let written = 0;
    for (let file = 0; !stop(); file++) {
      const key = `${round}-${file}`;
      for (let idx = 0; idx < FILE_CHUNKS && !stop(); idx++) {
        const values = [key, idx, bytes.subarray(idx * CHUNK, (idx + 1) * CHUNK), 'now'];
        const insert = `INSERT INTO ${into} VALUES ($1, $2, $3, $4)`;
        const t = performance.now();
        if (mode.relaxed && idx < FILE_CHUNKS - 1) {
          await writer.query('BEGIN');
          await writer.query('SET LOCAL synchronous_commit = off');
          await writer.query(insert, values);
          await writer.query('COMMIT');
        } else {
          await writer.query(insert, values);
        }
        times.push(performance.now() - t);
        written += CHUNK;
        await sleep(started + (written / BYTES_PER_SECOND) * 1000 - performance.now());
      }
    }
    return times;
  }

  const ms = (x: number) => x.toFixed(2);
  const kib = (x: number) => `${(x / 1024).toFixed(0)} KiB`;
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of MODES) {
      if (ONLY && !ONLY.includes(mode.label)) continue;
      let stopped = false;
      const cpuBefore = databaseCpuMs();
      const writing = writeFiles(mode, round, () => stopped);
      // Awaited after the phase: a failed write must not end the process before the cleanup.
      writing.catch(() => {});
      const commits: number[] = [];
      const unflushed: number[] = [];
      const end = Date.now() + PHASE_MS;
      while (Date.now() < end) {
        await sleep(20);
        const { rows } = await sender.query<{ bytes: string }>(
          'SELECT pg_current_wal_insert_lsn() - pg_current_wal_flush_lsn() AS bytes',
        );
        unflushed.push(Number(rows[0]?.bytes));
        const t = performance.now();
        await sender.query('INSERT INTO sends (body) VALUES ($1)', ['hello']);
        commits.push(performance.now() - t);
      }
      stopped = true;
      const chunks = await writing;
      const cpu = databaseCpuMs() - cpuBefore;
      console.log(
        `${round} ${mode.label.padEnd(20)} send commit p50 ${ms(quantile(commits, 0.5))} p99 ${ms(quantile(commits, 0.99))} ms` +
          `; WAL unflushed before it p50 ${kib(quantile(unflushed, 0.5))} p90 ${kib(quantile(unflushed, 0.9))}` +
          `; chunk p50 ${ms(quantile(chunks, 0.5))} p99 ${ms(quantile(chunks, 0.99))} ms (${chunks.length})` +
          `; database CPU ${cpu} ms${chunks.length ? `, ${(cpu / chunks.length).toFixed(2)} ms a chunk` : ''}`,
      );
      await setup.query('TRUNCATE chunks, chunks_external, chunks_unlogged');
      await setup.query('CHECKPOINT');
    }
  }
} finally {
  await Promise.allSettled(clients.map((c) => c.end()));
  await db.drop();
}
