/**
 * `node --import tsx bench/webhook-append.ts`: what message.created costs an append, on each
 * store alone (no server, no sockets): store.appendMessage of BENCH_MESSAGES user messages
 * (10,000) over BENCH_CHATS chats (100), that many in flight (group-commit batches of about
 * that size), after a warm-up, with no WEBHOOK_URLS and with one. Variants alternate round
 * by round (A B, then B A…) on fresh databases, BENCH_ROUNDS rounds (4), every round printed;
 * BENCH_STORES=sqlite or postgres for one store. BENCH_BASE=<another checkout> adds a third
 * variant, that checkout's store with no WEBHOOK_URLS (what "no extra work without webhooks"
 * is measured against: the commit this branch started from); BENCH_ONLY_OFF=1 leaves out
 * the variant with a URL.
 *
 * Measured as CPU time per message, not wall time (the machine is shared): this process's
 * (process.cpuUsage), and on PostgreSQL also the database's, read from /proc for the
 * backends of the store's connections (the server must run on this machine; clock ticks,
 * 10 ms each, so a round's sum is good to about 1%).
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { DatabaseConfig } from '../src/config.js';
import type { openStore as OpenStore } from '../src/store/open.js';
import type { MessageDraft, Store } from '../src/store/store.js';
import { benchDatabases, pgReachable, type StoreName } from './databases.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
const CHATS = Number(process.env.BENCH_CHATS ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const WARM_UP = 1_000;
const HOOK_URL = 'http://127.0.0.1:9/hook';

const databases = benchDatabases('webhooks');

const draft = (chatId: string, userId: string, n: number): MessageDraft => ({
  chatId,
  senderId: userId,
  senderRole: 'user',
  senderType: 'user',
  senderName: 'Bench user',
  content: `message ${n} of the webhook bench`,
  messageType: 'text',
  fileUrl: null,
  clientMessageId: null,
  effect: { lastMessage: `message ${n} of the webhook bench`, unreadIncrement: 1 },
});

const processMicros = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

/** CPU µs the database's backends have used so far (PostgreSQL on this machine). */
async function databaseMicros(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    let ticks = 0;
    for (const { pid } of rows) {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      // utime and stime: fields 14 and 15 of stat, 12 and 13 after "pid (comm) ".
      ticks += Number(fields[11]) + Number(fields[12]);
    }
    return ticks * 10_000;
  } finally {
    await client.end();
  }
}

async function send(
  store: Store,
  chats: { _id: string; userId: string }[],
  from: number,
  total: number,
) {
  let next = from;
  await Promise.all(
    chats.map(async (_, lane) => {
      let turn = lane;
      while (next < from + total) {
        const n = next++;
        const chat = chats[turn % chats.length];
        turn += chats.length;
        if (!chat) throw new Error('no chat');
        const result = await store.appendMessage(draft(chat._id, chat.userId, n));
        if (result.kind !== 'stored') throw new Error(`append ${n}: ${result.kind}`);
      }
    }),
  );
}

interface Variant {
  label: string;
  openStore: typeof OpenStore;
  webhooks: boolean;
}

async function round(
  name: StoreName,
  { openStore, webhooks }: Variant,
): Promise<{ node: number; db: number }> {
  const url = await databases.fresh(name);
  const config: DatabaseConfig =
    name === 'sqlite'
      ? { kind: 'sqlite', path: url.slice('sqlite:'.length) }
      : { kind: 'postgres', url };
  const store = await openStore(config);
  try {
    if (webhooks) store.sendWebhooksTo([HOOK_URL]);
    const chats = await Promise.all(
      Array.from(
        { length: CHATS },
        async (_, i) =>
          (await store.openChat({ userId: `bench-${i}`, userName: 'Bench user', online: true }))
            .chat,
      ),
    );
    await send(store, chats, 0, WARM_UP);
    const dbBefore = name === 'postgres' ? await databaseMicros(url) : 0;
    const before = processMicros();
    await send(store, chats, WARM_UP, MESSAGES);
    const node = (processMicros() - before) / MESSAGES;
    const db = name === 'postgres' ? ((await databaseMicros(url)) - dbBefore) / MESSAGES : 0;
    if (webhooks) {
      const rows = (await store.webhooks.list('pending', MESSAGES + WARM_UP + 1)).length;
      if (rows !== MESSAGES + WARM_UP) throw new Error(`outbox holds ${rows} rows`);
    }
    return { node, db };
  } finally {
    await store.close();
  }
}

const stores: StoreName[] = (process.env.BENCH_STORES?.split(',') ?? ['sqlite', 'postgres']).filter(
  (s): s is StoreName => s === 'sqlite' || s === 'postgres',
);
if (stores.includes('postgres') && !(await pgReachable())) throw new Error('no PostgreSQL');
const here = (await import('../src/store/open.js')).openStore;
const variants: Variant[] = [
  { label: 'no WEBHOOK_URLS', openStore: here, webhooks: false },
  // BENCH_ONLY_OFF=1: only the variants without webhooks (against BENCH_BASE).
  ...(process.env.BENCH_ONLY_OFF
    ? []
    : [{ label: 'one webhook URL', openStore: here, webhooks: true }]),
];
if (process.env.BENCH_BASE) {
  const base: { openStore: typeof OpenStore } = await import(
    `${process.env.BENCH_BASE}/src/store/open.ts`
  );
  variants.push({ label: 'base, no webhooks', openStore: base.openStore, webhooks: false });
}
try {
  for (const name of stores) {
    const results = new Map<string, number[]>();
    const add = (label: string, value: number) =>
      results.set(label, [...(results.get(label) ?? []), value]);
    for (let r = 0; r < ROUNDS; r++) {
      for (const variant of r % 2 === 0 ? variants : [...variants].reverse()) {
        const { node, db } = await round(name, variant);
        add(`${variant.label}: process`, node);
        if (name === 'postgres') add(`${variant.label}: database`, db);
      }
    }
    console.log(
      `\n${name}: CPU µs per message (${MESSAGES} messages, ${CHATS} chats), each round:`,
    );
    for (const [label, values] of results) {
      const sorted = [...values].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
      console.log(
        `  ${label.padEnd(30)} ${values.map((v) => v.toFixed(1)).join(' / ')}   median ${median.toFixed(1)}`,
      );
    }
  }
} finally {
  await databases.dropAll();
}
