/**
 * What a read costs does not grow with the store: a history page at any depth, a cursor,
 * a mark-read with nothing left unread and every chat list cost about the same in a
 * 300k-message chat among 20,000 chats as in a 1,000-message chat among 600. (The lists
 * answer the same 200 chats in both.) The fastest of several runs is compared, so that a
 * busy machine's pauses do not count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEffect } from '../../src/chats/rules.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { seedLongChat, seedManyChats } from '../helpers/bulk-seed.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const RUNS = 15;
/** Large against small: within this factor, plus SLACK_MS for timer and scheduling noise. */
const FACTOR = 4;
const SLACK_MS = 3;

interface Sized {
  db: TestDatabase;
  store: Store;
  chatId: string;
  messages: number;
}

async function sized(
  create: () => Promise<TestDatabase>,
  messages: number,
  chats: number,
): Promise<Sized> {
  const db = await create();
  await (await openStore(db.config)).close(); // the schema, for the seeds
  const { chatId } = await seedLongChat(db.config, 'reader', messages);
  await seedManyChats(db.config, chats, { adminId: 'holder', hoarderId: 'hoarder' });
  return { db, store: await openStore(db.config), chatId, messages };
}

/** The fastest of RUNS runs of `read` on each store, run alternately. */
async function fastest(
  large: Sized,
  small: Sized,
  read: (s: Sized) => Promise<unknown>,
): Promise<{ large: number; small: number }> {
  const best = { large: Number.POSITIVE_INFINITY, small: Number.POSITIVE_INFINITY };
  await read(large);
  await read(small);
  for (let i = 0; i < RUNS; i++) {
    for (const [name, s] of [
      ['large', large],
      ['small', small],
    ] as const) {
      const started = performance.now();
      await read(s);
      best[name] = Math.min(best[name], performance.now() - started);
    }
  }
  return best;
}

const targets = await storeTargets();

describe.each(targets)('read cost on $name', (target) => {
  let large: Sized;
  let small: Sized;

  beforeAll(async () => {
    large = await sized(() => target.create(), 300_000, 20_000);
    small = await sized(() => target.create(), 1_000, 600);
    // Each chat's user messages are all unread: the first admin read marks them (150,000 in
    // the large one); what is compared below is the read of a chat already read.
    for (const s of [large, small]) await s.store.markRead(s.chatId, readEffect('admin'));
  }, 120_000);

  afterAll(async () => {
    for (const s of [large, small]) {
      await s?.store.close();
      await s?.db.drop();
    }
  });

  const reads: [string, (s: Sized) => Promise<unknown>][] = [
    ['the oldest page', (s) => s.store.historyPage(s.chatId, Math.ceil(s.messages / 200), 200)],
    ['the newest page', (s) => s.store.historyPage(s.chatId, 1, 200)],
    [
      'a page after the start',
      (s) => s.store.historyCursor(s.chatId, { direction: 'after', seq: 100, limit: 200 }),
    ],
    [
      'a page before the end',
      (s) => s.store.historyCursor(s.chatId, { direction: 'before', seq: s.messages, limit: 200 }),
    ],
    ['an admin marking a read chat read', (s) => s.store.markRead(s.chatId, readEffect('admin'))],
    ['a user marking a read chat read', (s) => s.store.markRead(s.chatId, readEffect('user'))],
    ["a user's chats", (s) => s.store.listChats({ kind: 'byUser', userId: 'hoarder' }, 200)],
    [
      'the waiting queue',
      (s) =>
        s.store.listChats({ kind: 'waiting', viewer: { adminId: 'x', seesLocked: false } }, 200),
    ],
    ["an admin's chats", (s) => s.store.listChats({ kind: 'assignedTo', adminId: 'holder' }, 200)],
    ['all chats', (s) => s.store.listChats({ kind: 'all', status: undefined }, 200)],
    ['all closed chats', (s) => s.store.listChats({ kind: 'all', status: 'closed' }, 200)],
  ];

  it.each(reads)('%s', async (_name, read) => {
    const best = await fastest(large, small, read);
    expect(best.large, JSON.stringify(best)).toBeLessThanOrEqual(FACTOR * best.small + SLACK_MS);
  });

  it('a mark-read of 150,000 unread messages leaves none unread and the count at 0', async () => {
    const chat = await large.store.getChat(large.chatId);
    expect(chat?.unreadCount).toBe(0);
    const page = await large.store.historyPage(large.chatId, 1, 200);
    expect(page.messages.every((m) => m.isRead)).toBe(true);
    const oldest = await large.store.historyPage(large.chatId, 1500, 200);
    expect(oldest.messages.every((m) => m.isRead)).toBe(true);
  });
});
