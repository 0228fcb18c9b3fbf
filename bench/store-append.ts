/**
 * `node --import tsx bench/store-append.ts [append|history|writer|writer-marks|mark-read|statements]`: the SQLite
 * store alone, without a server or sockets, so that what one statement or index costs a
 * message shows above the noise. Each measure alternates its variants round by round
 * (A B, then B A, ...) on fresh files and prints every round, so that a drift of a shared
 * machine hits all of them. Sizes by environment: BENCH_MESSAGES (20,000), BENCH_CHATS
 * (100), BENCH_ROUNDS (3).
 *
 * - append: store.appendMessage of BENCH_MESSAGES user messages over BENCH_CHATS chats,
 *   BENCH_IN_FLIGHT at once (default BENCH_CHATS: group-commit batches of about that many),
 *   after a warm-up; CPU µs of this process per message. Variants: the store as it is, the
 *   same with the partial index of unread messages that migration 0005 added (0010 drops
 *   it), and the store without its statement cache (sqlite-statements.ts).
 * - history: history pages of 50 (by page number and by cursor, in turn) of 200-message
 *   chats, HISTORY_READS (5,000) per round; CPU µs per page, with the statement cache and
 *   without.
 * - writer: the event loop's share of appends as in append, on the loop and on the writer
 *   thread (sqlite-writer.ts), with the search indexer running beside them as in the
 *   server (and catching up at the end): µs of its activity per message, the process's
 *   CPU per message (both threads), the p99 of its delay, and the wall time.
 * - writer-marks: the appends as in writer, with an admin mark-read every 5 ms beside them
 *   on the main connection (read receipts), on the loop and with the writer thread: the
 *   appends' wall time, the mark-reads' p50/p99 and the p99 of the loop's delay.
 * - mark-read: one admin mark-read of a 300,000-message chat with 100 unread user messages
 *   (100 more appended before each); ms of wall time. Variants: the store's (watermarks);
 *   and 0005's statement, as it was, with its partial index and without it (what the
 *   index was added for).
 * - statements: the append's two statements on the raw handle, in transactions of
 *   BENCH_CHATS messages; CPU µs per message. Variants: as sqlite-append.ts has them (the
 *   chat bump's WHERE is writableBy, the insert binds by name), the bump by id alone, and
 *   the insert bound by position.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import { readEffect } from '../src/chats/rules.js';
import { newId } from '../src/ids.js';
import { startSearchIndexer } from '../src/search/indexer.js';
import { writableBy } from '../src/store/chat-sql.js';
import { MESSAGE_COLUMNS, newMessageRow, quoted, toChat, toMessage } from '../src/store/rows.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import type { MessageDraft, Store } from '../src/store/store.js';
import { TUNABLES } from '../src/tunables.js';
import { seedLongChat } from '../test/helpers/bulk-seed.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000);
const CHATS = Number(process.env.BENCH_CHATS ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Appends in flight at once (at most one per chat): about the group commit's batch size. */
const IN_FLIGHT = Math.min(Number(process.env.BENCH_IN_FLIGHT ?? CHATS), CHATS);
const LONG_CHAT = 300_000;
const UNREAD = 100;
const WARM_UP = 2_000;
const HISTORY_READS = Number(process.env.HISTORY_READS ?? 5_000);

const scratch = mkdtempSync(join(os.tmpdir(), 'chat-store-bench-'));
let files = 0;
const freshPath = () => join(scratch, `bench-${++files}.db`);

/** 0005's partial index of unread messages, exactly as it was created. */
const UNREAD_INDEX = `CREATE INDEX "messages_unread" ON "messages" ("chatId", "senderType") WHERE "isRead" = 0`;

/** Runs `database` work on the store's file while no store holds it (it locks the file). */
function onFile(path: string, work: (database: BetterSqlite3.Database) => void): void {
  const database = new BetterSqlite3(path);
  try {
    work(database);
  } finally {
    database.close();
  }
}

const cpuMicros = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

const userDraft = (chatId: string, userId: string, n: number): MessageDraft => ({
  chatId,
  senderId: userId,
  senderRole: 'user',
  senderType: 'user',
  senderName: 'Bench user',
  content: `message ${n} of the store bench`,
  messageType: 'text',
  fileUrl: null,
  clientMessageId: null,
  effect: { lastMessage: `message ${n} of the store bench`, unreadIncrement: 1 },
});

/** Round r runs the variants forwards when r is even, backwards when odd. */
function inTurn<T>(variants: readonly T[], round: number): T[] {
  return round % 2 === 0 ? [...variants] : [...variants].reverse();
}

function report(title: string, unit: string, results: Map<string, number[]>): void {
  console.log(`\n${title} (${unit}), every round in order:`);
  for (const [name, values] of results) {
    const sorted = [...values].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
    console.log(
      `  ${name.padEnd(34)} ${values.map((v) => v.toFixed(1)).join(' / ')}   median ${median.toFixed(1)}`,
    );
  }
}

// ---- append ----------------------------------------------------------------------------

/**
 * CHATS chats opened on `store`, and a sender of `total` user messages over them, IN_FLIGHT
 * at once: each lane goes round the chats, so every chat gets messages.
 */
async function appendingTo(
  store: Store,
  opened?: Awaited<ReturnType<Store['openChat']>>[],
): Promise<(total: number) => Promise<void>> {
  const chats =
    opened ??
    (await Promise.all(
      Array.from({ length: CHATS }, (_, i) =>
        store.openChat({ userId: `bench-user-${i}`, userName: 'Bench user', online: true }),
      ),
    ));
  return async (total) => {
    let next = 0;
    await Promise.all(
      chats.slice(0, IN_FLIGHT).map(async (_, lane) => {
        let turn = lane;
        while (next < total) {
          const n = next++;
          const { chat } = chats[turn % CHATS] ?? { chat: undefined };
          turn += IN_FLIGHT;
          if (!chat) throw new Error('no chat');
          const result = await store.appendMessage(userDraft(chat._id, chat.userId, n));
          if (result.kind !== 'stored') throw new Error(`append ${n}: ${result.kind}`);
        }
      }),
    );
  };
}

const APPEND_VARIANTS = [
  'as it is (0010)',
  'with messages_unread (0005)',
  'no statement cache',
] as const;
type AppendVariant = (typeof APPEND_VARIANTS)[number];

async function appendRound(variant: AppendVariant): Promise<number> {
  const path = freshPath();
  await (await openSqliteStore(path)).close();
  if (variant === APPEND_VARIANTS[1]) onFile(path, (database) => database.exec(UNREAD_INDEX));
  const store = await openSqliteStore(
    path,
    variant === APPEND_VARIANTS[2] ? { statementCache: 0 } : {},
  );
  try {
    const send = await appendingTo(store);
    await send(WARM_UP);
    const started = cpuMicros();
    await send(MESSAGES);
    return (cpuMicros() - started) / MESSAGES;
  } finally {
    await store.close();
    rmSync(path, { force: true });
  }
}

async function benchAppend(): Promise<void> {
  const results = new Map<string, number[]>(APPEND_VARIANTS.map((v) => [v, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of inTurn(APPEND_VARIANTS, round)) {
      results.get(variant)?.push(await appendRound(variant));
    }
  }
  report(
    `appendMessage, ${MESSAGES} messages over ${CHATS} chats, ${IN_FLIGHT} in flight`,
    'CPU µs per message',
    results,
  );
}

// ---- writer ----------------------------------------------------------------------------

/**
 * The event loop's share of an append, on the loop and on the writer thread: its active
 * time per message (event-loop utilization, an fsync on the loop included) and the p99 of
 * its delay (how long a socket's turn could wait), for BENCH_MESSAGES appends as in append.
 */
async function writerRound(
  onThread: boolean,
): Promise<{ cpuUs: number; activeUs: number; delayP99Ms: number; wallMs: number }> {
  const path = freshPath();
  const store = await openSqliteStore(path, { writerThread: onThread });
  try {
    const send = await appendingTo(store);
    await send(WARM_UP);
    // As in the server: the search indexer makes the appends searchable beside them.
    const indexer = startSearchIndexer({
      store,
      everyMs: TUNABLES.searchIndexEveryMs.value,
      batch: TUNABLES.searchIndexBatch.value,
      onError: (err) => {
        throw err;
      },
    });
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const elu = performance.eventLoopUtilization();
    const started = performance.now();
    const startedCpu = cpuMicros();
    await send(MESSAGES);
    await indexer.stop();
    while ((await store.indexSearch(TUNABLES.searchIndexBatch.value)) > 0);
    const cpuUs = (cpuMicros() - startedCpu) / MESSAGES;
    const wallMs = performance.now() - started;
    delay.disable();
    const { active } = performance.eventLoopUtilization(elu);
    return {
      cpuUs,
      activeUs: (active * 1000) / MESSAGES,
      delayP99Ms: delay.percentile(99) / 1e6,
      wallMs,
    };
  } finally {
    await store.close();
    rmSync(path, { force: true });
  }
}

async function benchWriter(): Promise<void> {
  const variants = ['on the event loop', 'writer thread'] as const;
  const active = new Map<string, number[]>(variants.map((v) => [v, []]));
  const cpu = new Map<string, number[]>(variants.map((v) => [v, []]));
  const delay = new Map<string, number[]>(variants.map((v) => [v, []]));
  const wall = new Map<string, number[]>(variants.map((v) => [v, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of inTurn(variants, round)) {
      const r = await writerRound(variant === 'writer thread');
      active.get(variant)?.push(r.activeUs);
      cpu.get(variant)?.push(r.cpuUs);
      delay.get(variant)?.push(r.delayP99Ms);
      wall.get(variant)?.push(r.wallMs / 1000);
    }
  }
  const title = `appendMessage, ${MESSAGES} messages over ${CHATS} chats, ${IN_FLIGHT} in flight`;
  report(title, 'µs of event-loop activity per message', active);
  report(title, 'CPU µs per message, every thread of the process', cpu);
  report(title, 'p99 event-loop delay, ms', delay);
  report(title, 's of wall time', wall);
}

/**
 * Read receipts beside the appends, as a server takes them: one admin mark-read every
 * MARK_EVERY_MS on the main connection while the appends run, on the loop and with the
 * writer thread. With the thread, two connections write the file, and a mark-read that
 * meets the thread's write lock waits in SQLite's busy handler, which sleeps on the event
 * loop. Prints the appends' wall time, the mark-reads' latency and the loop's delay.
 */
const MARK_EVERY_MS = 5;

async function writerMarksRound(onThread: boolean) {
  const path = freshPath();
  const store = await openSqliteStore(path, { writerThread: onThread });
  try {
    const chats = await Promise.all(
      Array.from({ length: CHATS }, (_, i) =>
        store.openChat({ userId: `bench-user-${i}`, userName: 'Bench user', online: true }),
      ),
    );
    const send = await appendingTo(store, chats);
    await send(WARM_UP);
    let appending = true;
    const marks: number[] = [];
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const marking = (async () => {
      for (let i = 0; appending; i++) {
        const { chat } = chats[i % CHATS] ?? { chat: undefined };
        if (!chat) throw new Error('no chat');
        const started = performance.now();
        await store.markRead(chat._id, readEffect('admin'));
        marks.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, MARK_EVERY_MS));
      }
    })();
    const started = performance.now();
    await send(MESSAGES);
    const wallMs = performance.now() - started;
    appending = false;
    await marking;
    delay.disable();
    marks.sort((a, b) => a - b);
    const at = (q: number) => marks[Math.min(marks.length - 1, Math.floor(marks.length * q))] ?? 0;
    return { wallMs, markP50: at(0.5), markP99: at(0.99), delayP99Ms: delay.percentile(99) / 1e6 };
  } finally {
    await store.close();
    rmSync(path, { force: true });
  }
}

async function benchWriterMarks(): Promise<void> {
  const variants = ['on the event loop', 'writer thread'] as const;
  const measured = [
    'appends, s of wall time',
    'mark-read p50, ms',
    'mark-read p99, ms',
    'p99 event-loop delay, ms',
  ] as const;
  const results = new Map(
    measured.map((m) => [m, new Map<string, number[]>(variants.map((v) => [v, []]))]),
  );
  const keep = (m: (typeof measured)[number], variant: string, value: number) =>
    results.get(m)?.get(variant)?.push(value);
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of inTurn(variants, round)) {
      const r = await writerMarksRound(variant === 'writer thread');
      keep('appends, s of wall time', variant, r.wallMs / 1000);
      keep('mark-read p50, ms', variant, r.markP50);
      keep('mark-read p99, ms', variant, r.markP99);
      keep('p99 event-loop delay, ms', variant, r.delayP99Ms);
    }
  }
  const title = `appendMessage, ${MESSAGES} messages over ${CHATS} chats, a mark-read every ${MARK_EVERY_MS} ms beside them`;
  for (const [m, values] of results) report(title, m, values);
}

// ---- history ---------------------------------------------------------------------------

/** HISTORY_READS pages of 50 (by page number and by cursor, in turn) from BENCH_CHATS chats. */
async function benchHistory(): Promise<void> {
  const template = freshPath();
  const seeding = await openSqliteStore(template);
  const chats = await Promise.all(
    Array.from({ length: CHATS }, (_, i) =>
      seeding.openChat({ userId: `bench-user-${i}`, userName: 'Bench user', online: true }),
    ),
  );
  for (let n = 0; n < 200; n++) {
    await Promise.all(
      chats.map(({ chat }) => seeding.appendMessage(userDraft(chat._id, chat.userId, n))),
    );
  }
  await seeding.close();
  const variants = ['statement cache', 'no statement cache'] as const;
  const stores = new Map<string, Store>();
  for (const variant of variants) {
    const path = freshPath();
    copyFileSync(template, path);
    stores.set(
      variant,
      await openSqliteStore(path, variant === 'no statement cache' ? { statementCache: 0 } : {}),
    );
  }
  const reads = async (store: Store, total: number): Promise<void> => {
    for (let i = 0; i < total; i++) {
      const { chat } = chats[i % chats.length] ?? { chat: undefined };
      if (!chat) throw new Error('no chat');
      if (i % 2 === 0) await store.historyPage(chat._id, 1 + (i % 4), 50);
      else
        await store.historyCursor(chat._id, {
          direction: 'before',
          seq: 51 + (i % 150),
          limit: 50,
        });
    }
  };
  const results = new Map<string, number[]>(variants.map((v) => [v, []]));
  for (const store of stores.values()) await reads(store, WARM_UP);
  for (let round = 0; round < Math.max(ROUNDS, 5); round++) {
    for (const variant of inTurn(variants, round)) {
      const store = stores.get(variant);
      if (!store) throw new Error(variant);
      const started = cpuMicros();
      await reads(store, HISTORY_READS);
      results.get(variant)?.push((cpuMicros() - started) / HISTORY_READS);
    }
  }
  for (const store of stores.values()) await store.close();
  report(
    `history pages of 50, ${HISTORY_READS} reads over ${CHATS} chats`,
    'CPU µs per page',
    results,
  );
}

// ---- mark-read -------------------------------------------------------------------------

/** 0005's mark-read, as kysely-store.ts ran it: chunks found through `isRead = 0`. */
function markReadAsIn0005(database: BetterSqlite3.Database, chatId: string, chunk: number): void {
  const mark = database.prepare(
    `UPDATE messages SET "isRead" = 1, "readAt" = ?, "updatedAt" = ? WHERE id IN (
       SELECT id FROM messages WHERE "chatId" = ? AND "isRead" = 0 AND "senderType" IN ('user')
       LIMIT ${chunk})`,
  );
  const reset = database.prepare(
    `UPDATE chats SET "unreadCount" = 0, "updatedAt" = ? WHERE id = ? RETURNING *`,
  );
  for (;;) {
    const at = new Date().toISOString();
    const done = database.transaction(() => {
      if (mark.run(at, at, chatId).changes >= chunk) return false;
      reset.get(at, chatId);
      return true;
    })();
    if (done) return;
  }
}

/** UNREAD more user messages in the chat, as appends leave them (raw: no store on the file). */
function appendUnreadRaw(database: BetterSqlite3.Database, chatId: string, userId: string): void {
  const bump = database.prepare<[string, string], { lastSeq: number }>(
    `UPDATE chats SET "lastSeq" = "lastSeq" + 1, "unreadCount" = "unreadCount" + 1, "updatedAt" = ?
     WHERE id = ? RETURNING "lastSeq"`,
  );
  const insert = database.prepare(
    `INSERT INTO messages (${MESSAGE_COLUMNS.map((c) => quoted(c.name)).join(', ')})
     VALUES (${MESSAGE_COLUMNS.map((c) => `@${c.name}`).join(', ')})`,
  );
  database.transaction(() => {
    for (let i = 0; i < UNREAD; i++) {
      const at = new Date().toISOString();
      const row = bump.get(at, chatId);
      if (!row) throw new Error('no chat');
      insert.run(newMessageRow(userDraft(chatId, userId, i), newId(), row.lastSeq, at));
    }
  })();
}

async function benchMarkRead(): Promise<void> {
  const template = freshPath();
  await (await openSqliteStore(template)).close();
  const { chatId, userId } = await seedLongChat(
    { kind: 'sqlite', path: template },
    'reader',
    LONG_CHAT,
  );
  // Every message read: the chat as one in service, before the next UNREAD arrive.
  onFile(template, (database) => {
    database.exec(`UPDATE messages SET "isRead" = 1`);
    database.exec(`UPDATE chats SET "unreadCount" = 0, "adminReadSeq" = "lastSeq"`);
  });
  const copy = (): string => {
    const path = freshPath();
    copyFileSync(template, path);
    return path;
  };

  const store: Store = await openSqliteStore(copy());
  const withIndex = new BetterSqlite3(copy());
  withIndex.exec(UNREAD_INDEX);
  const withoutIndex = new BetterSqlite3(copy());
  // As the store opens its file: every commit fsynced (better-sqlite3's default in WAL
  // mode is NORMAL, which would spare these their fsync and not the store).
  for (const database of [withIndex, withoutIndex]) {
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = FULL');
  }
  const chunk = 500;

  /** Each variant: append UNREAD user messages, then the one mark-read that is timed. */
  const variants: [string, () => Promise<void>, () => Promise<void>][] = [
    [
      'watermark (0010, the store)',
      async () => {
        await Promise.all(
          Array.from({ length: UNREAD }, (_, i) =>
            store.appendMessage(userDraft(chatId, userId, i)),
          ),
        );
      },
      async () => {
        const chat = await store.markRead(chatId, readEffect('admin'));
        if (chat?.unreadCount !== 0) throw new Error('unread left');
      },
    ],
    [
      'partial index (0005)',
      async () => appendUnreadRaw(withIndex, chatId, userId),
      async () => markReadAsIn0005(withIndex, chatId, chunk),
    ],
    [
      '0005 statement, no index',
      async () => appendUnreadRaw(withoutIndex, chatId, userId),
      async () => markReadAsIn0005(withoutIndex, chatId, chunk),
    ],
  ];
  const wall = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  const cpu = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  for (let round = 0; round < Math.max(ROUNDS, 5); round++) {
    for (const [name, append, read] of inTurn(variants, round)) {
      await append();
      const [startedAt, startedCpu] = [performance.now(), cpuMicros()];
      await read();
      wall.get(name)?.push(performance.now() - startedAt);
      cpu.get(name)?.push((cpuMicros() - startedCpu) / 1000);
    }
  }
  await store.close();
  withIndex.close();
  withoutIndex.close();
  const title = `one admin mark-read, ${LONG_CHAT} messages with ${UNREAD} unread`;
  report(title, 'ms of wall time, an fsync included', wall);
  report(title, 'ms of CPU', cpu);
}

// ---- statements ------------------------------------------------------------------------

type StatementVariant = 'as in sqlite-append.ts' | 'bump by id alone' | 'insert by position';

async function statementsRound(variant: StatementVariant): Promise<number> {
  const path = freshPath();
  await (await openSqliteStore(path)).close();
  const database = new BetterSqlite3(path);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  try {
    const chats: { id: string; userId: string }[] = [];
    const at0 = new Date().toISOString();
    const open = database.prepare(
      `INSERT INTO chats (id, "userId", "userName", status, "lastMessageAt", "createdAt", "updatedAt")
       VALUES (?, ?, 'Bench user', 'waiting', ?, ?, ?)`,
    );
    for (let i = 0; i < CHATS; i++) {
      const chat = { id: newId(), userId: `bench-user-${i}` };
      open.run(chat.id, chat.userId, at0, at0, at0);
      chats.push(chat);
    }
    const where =
      variant === 'bump by id alone'
        ? 'id = @chatId'
        : `id = @chatId AND ${writableBy.sql('@role', '@sender')}`;
    const bump = database.prepare<
      [
        {
          preview: string;
          at: string;
          unread: number;
          chatId: string;
          role: string;
          sender: string;
        },
      ],
      Parameters<typeof toChat>[0]
    >(
      `UPDATE chats SET lastSeq = lastSeq + 1, lastMessage = @preview, lastMessageAt = @at,
         unreadCount = unreadCount + @unread, updatedAt = @at
       WHERE ${where} RETURNING *`,
    );
    const columns = MESSAGE_COLUMNS.map((c) => quoted(c.name)).join(', ');
    const byName = database.prepare(
      `INSERT INTO messages (${columns}) VALUES (${MESSAGE_COLUMNS.map((c) => `@${c.name}`).join(', ')})`,
    );
    const byPosition = database.prepare(
      `INSERT INTO messages (${columns}) VALUES (${MESSAGE_COLUMNS.map(() => '?').join(', ')})`,
    );
    // The bump by id alone is given role and sender too (better-sqlite3 ignores names a
    // statement does not have): only the predicate differs.
    const batch = database.transaction((drafts: MessageDraft[]) =>
      drafts.map((draft) => {
        const at = new Date().toISOString();
        const chat = bump.get({
          preview: draft.effect.lastMessage,
          at,
          unread: draft.effect.unreadIncrement,
          chatId: draft.chatId,
          role: draft.senderRole,
          sender: draft.senderId,
        });
        if (!chat) throw new Error('rejected');
        const row = newMessageRow(draft, newId(), chat.lastSeq, at);
        if (variant === 'insert by position')
          byPosition.run(MESSAGE_COLUMNS.map((c) => row[c.name]));
        else byName.run(row);
        return [toMessage(row), toChat(chat)];
      }),
    );
    const run = (total: number) => {
      for (let sent = 0; sent < total; sent += CHATS) {
        batch(chats.map((c, i) => userDraft(c.id, c.userId, sent + i)));
      }
    };
    run(WARM_UP);
    const started = cpuMicros();
    run(MESSAGES);
    return (cpuMicros() - started) / MESSAGES;
  } finally {
    database.close();
    rmSync(path, { force: true });
  }
}

async function benchStatements(): Promise<void> {
  const variants: StatementVariant[] = [
    'as in sqlite-append.ts',
    'bump by id alone',
    'insert by position',
  ];
  const results = new Map<string, number[]>(variants.map((v) => [v, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of inTurn(variants, round)) {
      results.get(variant)?.push(await statementsRound(variant));
    }
  }
  report(
    `the append's statements, ${MESSAGES} messages over ${CHATS} chats, ${CHATS} per transaction`,
    'CPU µs per message',
    results,
  );
}

const measures = {
  append: benchAppend,
  history: benchHistory,
  writer: benchWriter,
  'writer-marks': benchWriterMarks,
  'mark-read': benchMarkRead,
  statements: benchStatements,
};
const asked = process.argv[2];
try {
  for (const [name, measure] of Object.entries(measures)) {
    if (asked === undefined || asked === name) await measure();
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
