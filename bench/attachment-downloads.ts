/**
 * `node --import tsx bench/attachment-downloads.ts`: what one download of a stored file
 * costs the event loop on PostgreSQL, the chunks read as a bytea column (hex text decoded
 * in JavaScript, as before) against the store's reads (COPY's binary bytes,
 * store/postgres-chunks.ts), in one process, alternated round by round. FILE_MIB (default
 * 5) sized file in the default chunks, ROUNDS (default 10) downloads of each after two of
 * each to warm up. Prints the process's CPU (process.cpuUsage: user + system) and the event
 * loop's busy time (eventLoopUtilization) per download, and checks every download's bytes.
 */
import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { databaseBlobStore } from '../src/attachments/database-blob-store.js';
import type { AttachmentRecords } from '../src/store/attachment-records.js';
import { openPostgresStore } from '../src/store/postgres.js';
import type { Database } from '../src/store/schema.js';
import { benchDatabases } from './databases.js';

const FILE_BYTES = Number(process.env.FILE_MIB ?? 5) * 1024 * 1024;
const ROUNDS = Number(process.env.ROUNDS ?? 10);
const WARM_UP = 2;

const databases = benchDatabases('downloads');
const url = await databases.fresh('postgres');
const store = await openPostgresStore(url, () => {});
const pool = new pg.Pool({ connectionString: url, max: 4 });
const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });

/** The read as it was: the bytea column in a row, decoded by node-postgres. */
const asColumn: AttachmentRecords = {
  ...store.attachments,
  readChunk: async (key, idx) =>
    (
      await db
        .selectFrom('attachment_chunks')
        .select('data')
        .where('key', '=', key)
        .where('idx', '=', idx)
        .executeTakeFirst()
    )?.data,
};
const ways = { column: databaseBlobStore(asColumn), copy: databaseBlobStore(store.attachments) };

const bytes = randomBytes(FILE_BYTES);
await ways.copy.put('bench-file', bytes, 'application/pdf');

async function download(way: keyof typeof ways): Promise<{ cpuMs: number; busyMs: number }> {
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const stream = await ways[way].get('bench-file', undefined, FILE_BYTES);
  const parts: Buffer[] = [];
  for await (const part of stream ?? []) parts.push(part as Buffer);
  const used = process.cpuUsage(cpu);
  const busy = performance.eventLoopUtilization(elu);
  if (!Buffer.concat(parts).equals(bytes)) throw new Error(`${way}: the bytes differ`);
  return { cpuMs: (used.user + used.system) / 1000, busyMs: busy.active };
}

const seen = {
  column: { cpu: [] as number[], busy: [] as number[] },
  copy: { cpu: [] as number[], busy: [] as number[] },
};
for (let round = 0; round < WARM_UP + ROUNDS; round++) {
  // Alternate which goes first, so neither always runs after the other's garbage.
  const order: (keyof typeof ways)[] = round % 2 === 0 ? ['column', 'copy'] : ['copy', 'column'];
  for (const way of order) {
    const { cpuMs, busyMs } = await download(way);
    if (round < WARM_UP) continue;
    seen[way].cpu.push(cpuMs);
    seen[way].busy.push(busyMs);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const show = (xs: number[]) =>
  `median ${median(xs).toFixed(1)} ms (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;
console.log(`${FILE_BYTES / 1024 / 1024} MiB file, ${ROUNDS} downloads each, alternated`);
for (const way of ['column', 'copy'] as const) {
  console.log(
    `${way.padEnd(6)} CPU ${show(seen[way].cpu)}, event loop busy ${show(seen[way].busy)}`,
  );
}
await db.destroy();
await store.close();
await databases.dropAll();
