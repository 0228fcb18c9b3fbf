/**
 * `node --import tsx bench/attachment-orphans.ts`: what one round of the orphan sweep over
 * SQLite's blob file costs the event loop. ORPHAN_KEYS (default 20,000) files a record
 * names and three it does not, one chunk each, old enough to be swept; each round asks
 * for up to 100 orphans (the sweep's batch), so the whole file is looked through. Prints
 * the main thread's CPU per round (from /proc, so the blob thread's work is not counted)
 * and the wall time, over ROUNDS (default 5) rounds.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../src/store/sqlite.js';
import { pdfRecord } from '../test/helpers/attachment-record.js';

const KEYS = Number(process.env.ORPHAN_KEYS ?? 20_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'orphans-'));
// Seeding 20,000 records is not what is measured: no fsync for it.
const store = await openSqliteStore(join(dir, 'chat.db'), {
  onOpen: (database) => database.pragma('synchronous = OFF'),
});
const createdAt = '2020-01-01T00:00:00.000Z';
for (let i = 0; i < KEYS + 3; i++) {
  const key = `attachments/${randomBytes(12).toString('hex')}`;
  await store.attachments.writeChunk(key, 0, new Uint8Array([1]), i === KEYS + 2);
  if (i >= KEYS) continue;
  await store.attachments.insert(pdfRecord(key, createdAt));
}

const mainThreadCpuMs = (): number => {
  const stat = readFileSync(`/proc/${process.pid}/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
};

const later = new Date(Date.now() + 60_000).toISOString();
const cpu: number[] = [];
const wall: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const [c, t] = [mainThreadCpuMs(), performance.now()];
  const found = await store.attachments.orphanChunkKeys(later, 100);
  cpu.push(mainThreadCpuMs() - c);
  wall.push(performance.now() - t);
  if (found.length !== 3) throw new Error(`found ${found.length} orphans, not 3`);
}
const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
console.log(`${KEYS} named keys, 3 orphans, ${ROUNDS} rounds`);
console.log(`event loop CPU per round: ${list(cpu)} ms`);
console.log(`wall time per round:      ${list(wall)} ms`);
await store.close();
rmSync(dir, { recursive: true, force: true });
