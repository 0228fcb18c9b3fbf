/**
 * `node --import tsx bench/search-pending-list.ts`: PostgreSQL's GIN pending list and the
 * appends, the store alone in one process. Each round appends BENCH_MESSAGES (60,000) user
 * messages from 100 chats at once, one append at a time per chat, each chat waiting
 * BENCH_PACE_MS (0: none) after its append; alternately with the search indexer running as
 * each node runs it (every searchIndexEveryMs it merges the list) and without any. Prints per
 * round: the CPU of this database's backends per message, the appends' p50 / p99 / p99.9 /
 * max, and, where pgstattuple can be made, the list's largest size seen (pages, sampled every
 * 20 ms) and how often it emptied (a merge: by an insert when the indexer is off).
 * BENCH_ROUNDS (3) pairs.
 */
import pg from 'pg';
import { startSearchIndexer } from '../src/search/indexer.js';
import { openPostgresStore } from '../src/store/postgres.js';
import type { MessageDraft } from '../src/store/store.js';
import { TUNABLES } from '../src/tunables.js';
import { benchDatabases } from './databases.js';
import { cpuMs } from './processes.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 60_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PACE_MS = Number(process.env.BENCH_PACE_MS ?? 0);
const CHATS = 100;

const WORDS = ['payment', 'failed', 'card', 'refund', 'transfer', 'bank', 'help', 'order'];
const WORDS_RU_UZ = ['платеж', 'карта', 'возврат', 'pul', 'karta', 'tolov', 'qaytarish'];
const textOf = (n: number): string => {
  const words = [...WORDS, ...WORDS_RU_UZ];
  const picked = Array.from({ length: 8 }, (_, i) => words[(n * 31 + i * 17) % words.length]);
  return `tx${(n * 7919) % 1_000_003} ${picked.join(' ')} ${n}`;
};
const draftOf = (chatId: string, userId: string, n: number): MessageDraft => ({
  chatId,
  senderId: userId,
  senderRole: 'user',
  senderType: 'user',
  senderName: 'Bench user',
  content: textOf(n),
  messageType: 'text',
  fileUrl: null,
  clientMessageId: null,
  effect: { lastMessage: textOf(n), unreadIncrement: 1 },
});

const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN;

/** The CPU ms of every backend connected to this database now. */
async function backendsCpuMs(probe: pg.Client, database: string): Promise<number> {
  const { rows } = await probe.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = $1',
    [database],
  );
  let total = 0;
  for (const { pid } of rows) {
    try {
      total += cpuMs(pid);
    } catch {
      // A backend that ended meanwhile.
    }
  }
  return total;
}

/** Samples the list's size until stopped; undefined where pgstattuple cannot be made. */
async function sampleList(probe: pg.Client, stopped: () => boolean) {
  try {
    await probe.query('CREATE EXTENSION IF NOT EXISTS pgstattuple');
  } catch {
    return undefined;
  }
  let largest = 0;
  let emptied = 0;
  let last = 0;
  while (!stopped()) {
    const { rows } = await probe.query<{ pending_pages: number }>(
      `SELECT pending_pages FROM pgstatginindex('message_search_terms')`,
    );
    const pages = Number(rows[0]?.pending_pages ?? 0);
    if (pages < last) emptied++;
    largest = Math.max(largest, pages);
    last = pages;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { largest, emptied };
}

async function round(withIndexer: boolean, url: string): Promise<string> {
  const database = new URL(url).pathname.slice(1);
  const store = await openPostgresStore(url, (err) => console.error(err));
  const probe = new pg.Client(url);
  await probe.connect();
  try {
    const chats = await Promise.all(
      Array.from({ length: CHATS }, (_, i) =>
        store.openChat({ userId: `bench-user-${i}`, userName: 'Bench user', online: true }),
      ),
    );
    const indexer = withIndexer
      ? startSearchIndexer({
          store,
          everyMs: TUNABLES.searchIndexEveryMs.value,
          batch: TUNABLES.searchIndexBatch.value,
          onError: (err) => console.error(err),
        })
      : undefined;
    let done = false;
    const sampling = sampleList(probe, () => done);
    const latencies: number[] = [];
    let next = 0;
    const cpuBefore = await backendsCpuMs(probe, database);
    await Promise.all(
      chats.map(async ({ chat }) => {
        while (next < MESSAGES) {
          const n = next++;
          const started = performance.now();
          const result = await store.appendMessage(draftOf(chat._id, chat.userId, n));
          if (result.kind !== 'stored') throw new Error(`append ${n}: ${result.kind}`);
          const took = performance.now() - started;
          latencies.push(took);
          if (took < PACE_MS) await new Promise((r) => setTimeout(r, PACE_MS - took));
        }
      }),
    );
    const cpuUs = ((await backendsCpuMs(probe, database)) - cpuBefore) * 1000;
    done = true;
    const list = await sampling;
    await indexer?.stop();
    latencies.sort((a, b) => a - b);
    const ms = (q: number) => quantile(latencies, q).toFixed(1);
    return [
      `backends ${(cpuUs / MESSAGES).toFixed(1)} µs/msg`,
      `appends p50 ${ms(0.5)} p99 ${ms(0.99)} p99.9 ${ms(0.999)} max ${ms(1)} ms`,
      list ? `list at most ${list.largest} pages, emptied ${list.emptied} times` : '',
    ].join(', ');
  } finally {
    await probe.end();
    await store.close();
  }
}

const databases = benchDatabases('pendinglist');
try {
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? [true, false] : [false, true];
    for (const withIndexer of order) {
      const line = await round(withIndexer, await databases.fresh('postgres'));
      console.log(`round ${r + 1}, ${withIndexer ? 'indexer merges' : 'no indexer   '}: ${line}`);
    }
  }
} finally {
  await databases.dropAll();
}
