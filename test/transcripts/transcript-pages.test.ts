/**
 * A transcript reads a chat a page at a time, on each store: every message once, in seq
 * order, over page boundaries; every note once, by afterSeq then time, placed after the
 * message it follows; nothing written after the copy began; and the route asks the store
 * for no more than transcriptPageRows at once, however long the chat.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openImportDatabase } from '../../src/import/open-database.js';
import type { RunningServer } from '../../src/server.js';
import type { Store } from '../../src/store/store.js';
import { messagePages, notePages, timelinePages } from '../../src/transcripts/read.js';
import { TUNABLES } from '../../src/tunables.js';
import { seedClosedChats, seedLongChat } from '../helpers/bulk-seed.js';
import { expectCutShort } from '../helpers/cut-download.js';
import { startTestServer } from '../helpers/server.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const MESSAGES = 1234;

async function collect<T>(pages: AsyncIterable<T[]>): Promise<{ items: T[]; sizes: number[] }> {
  const items: T[] = [];
  const sizes: number[] = [];
  for await (const page of pages) {
    items.push(...page);
    sizes.push(page.length);
  }
  return { items, sizes };
}

describe.each(await storeTargets())('transcript pages on $name', (target) => {
  let db: TestDatabase;
  let server: RunningServer;
  let store: Store;
  let chatId: string;

  beforeAll(async () => {
    db = await target.create();
    ({ chatId } = await seedLongChat(db.config, 'tp-user', MESSAGES));
    // Notes where the console would put them: before the first message, three after the
    // fifth (written at the same time: the id orders them), one after the last, and one
    // after a message the copy does not reach.
    const { db: raw, close } = await openImportDatabase(db.config);
    const note = (id: string, afterSeq: number, createdAt: string) => ({
      id,
      chatId,
      afterSeq,
      senderId: 'seed-admin',
      senderName: 'Seed admin',
      content: `note ${id}`,
      clientMessageId: null,
      createdAt,
    });
    await raw
      .insertInto('notes')
      .values([
        note('n5c', 5, '2026-01-01T00:00:02.000Z'),
        note('n0', 0, '2026-01-01T00:00:00.000Z'),
        note('n5b', 5, '2026-01-01T00:00:01.000Z'),
        note('n5a', 5, '2026-01-01T00:00:01.000Z'),
        note('nEnd', MESSAGES, '2026-01-01T00:00:03.000Z'),
        note('nLater', MESSAGES + 1, '2026-01-01T00:00:04.000Z'),
      ])
      .execute();
    await close();
    // Two chats retention will delete while their transcripts stream, one after the other.
    for (const [prefix, closedAt] of [
      ['tp-purged-json', '2025-01-01T00:00:00.000Z'],
      ['tp-purged-html', '2025-06-01T00:00:00.000Z'],
    ] as const) {
      await seedClosedChats(db.config, {
        prefix,
        count: 1,
        messages: TUNABLES.transcriptPageRows.value * 3,
        closedAt,
      });
    }
    // Two with a page of notes and one more after their last message, whose notes are read
    // last: retention deletes them between the notes' two pages.
    const notesOf = (chat: string) =>
      Array.from({ length: TUNABLES.transcriptPageRows.value + 1 }, (_, i) => ({
        ...note(`${chat}-n${i}`, 2, '2026-01-01T00:00:00.000Z'),
        chatId: chat,
      }));
    for (const [prefix, closedAt] of [
      ['tp-notes-json', '2026-02-01T00:00:00.000Z'],
      ['tp-notes-html', '2026-03-01T00:00:00.000Z'],
    ] as const) {
      await seedClosedChats(db.config, { prefix, count: 1, messages: 2, closedAt });
      const seeded = await openImportDatabase(db.config);
      await seeded.db
        .insertInto('notes')
        .values(notesOf(`${prefix}-1`))
        .execute();
      await seeded.close();
    }
    server = await startTestServer(db.config);
    store = server.store;
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it('messages: each once, by seq, in pages of at most the page size', async () => {
    const { items, sizes } = await collect(messagePages(store, chatId, MESSAGES, 100));
    expect(items.map((m) => m.seq)).toEqual(Array.from({ length: MESSAGES }, (_, i) => i + 1));
    expect(sizes).toEqual([...Array(12).fill(100), 34]);
    expect(items[1]).toMatchObject({ sender: { type: 'admin', id: 'seed-admin' } });
    // Stops at the end it was given: a message after it is the next copy's.
    const short = await collect(messagePages(store, chatId, 250, 100));
    expect(short.items.at(-1)?.seq).toBe(250);
  });

  it('notes: each once, by afterSeq then time then id, over pages of two, up to the end given', async () => {
    const { items, sizes } = await collect(notePages(store, chatId, MESSAGES, 2));
    expect(items.map((n) => n.id)).toEqual(['n0', 'n5a', 'n5b', 'n5c', 'nEnd']);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2);
  });

  it('the timeline puts each note after the message it follows', async () => {
    const timeline = timelinePages(
      messagePages(store, chatId, MESSAGES, 100),
      notePages(store, chatId, MESSAGES, 2),
    );
    const { items } = await collect(timeline);
    const names = items.map((i) => (i.kind === 'note' ? i.note.id : i.message.seq));
    expect(names.slice(0, 10)).toEqual(['n0', 1, 2, 3, 4, 5, 'n5a', 'n5b', 'n5c', 6]);
    expect(names.slice(-2)).toEqual([MESSAGES, 'nEnd']);
    expect(names).toHaveLength(MESSAGES + 5);
  });

  it('the route streams a long chat whole while reading at most transcriptPageRows at a time', async () => {
    const limits: number[] = [];
    const read = store.historyCursor.bind(store);
    const spy = vi.spyOn(store, 'historyCursor').mockImplementation((id, cursor) => {
      limits.push(cursor.limit);
      return read(id, cursor);
    });
    try {
      const res = await fetch(`${server.url}/api/chats/${chatId}/transcript?format=html`);
      const text = await res.text();
      expect(res.status).toBe(200);
      expect(text.match(/<li class="(user|admin)">/g)).toHaveLength(MESSAGES);
      expect(text).toContain(`#${MESSAGES} ·`);
      expect(text).toContain('note nEnd');
      expect(text).not.toContain('note nLater');
    } finally {
      spy.mockRestore();
    }
    expect(limits.length).toBeGreaterThan(1);
    expect(Math.max(...limits)).toBeLessThanOrEqual(TUNABLES.transcriptPageRows.value);
  });

  it('cuts the reply short, never a document that looks whole, when retention deletes the chat while it streams', async () => {
    const read = store.historyCursor.bind(store);
    let cutoff: string | null = null;
    const spy = vi.spyOn(store, 'historyCursor').mockImplementation(async (id, cursor) => {
      const page = await read(id, cursor);
      if (cutoff !== null) {
        await store.privacy.purgeClosedBefore(cutoff, 10);
        cutoff = null;
      }
      return page;
    });
    try {
      for (const [format, purgeBefore] of [
        ['json', '2025-03-01T00:00:00.000Z'],
        ['html', '2026-01-01T00:00:00.000Z'],
      ] as const) {
        cutoff = purgeBefore;
        const url = `${server.url}/api/chats/tp-purged-${format}-1/transcript?format=${format}`;
        await expectCutShort(url, format, () => cutoff === null);
      }
    } finally {
      spy.mockRestore();
    }
  });

  it('cuts the reply short, never a copy without its last notes that looks whole, when retention deletes the chat while its notes stream', async () => {
    const read = store.notes.page.bind(store.notes);
    let cutoff: string | null = null;
    let reads = 0;
    const spy = vi.spyOn(store.notes, 'page').mockImplementation(async (id, after, limit) => {
      reads++;
      // Before the second page of notes: the messages and the first page are all read.
      if (reads === 2 && cutoff !== null) {
        await store.privacy.purgeClosedBefore(cutoff, 10);
        cutoff = null;
      }
      return read(id, after, limit);
    });
    try {
      for (const [format, purgeBefore] of [
        ['json', '2026-02-15T00:00:00.000Z'],
        ['html', '2026-04-01T00:00:00.000Z'],
      ] as const) {
        cutoff = purgeBefore;
        reads = 0;
        const url = `${server.url}/api/chats/tp-notes-${format}-1/transcript?format=${format}`;
        await expectCutShort(url, format, () => cutoff === null);
      }
    } finally {
      spy.mockRestore();
    }
  });
});

describe('the timeline with many notes between two messages', () => {
  it('hands them over a page of notes at a time, never gathered whole', async () => {
    const message = (seq: number) => ({
      seq,
      at: '2026-01-01T00:00:00.000Z',
      sender: { type: 'user' as const, id: 'u', name: 'U' },
      messageType: 'text' as const,
      content: `m${seq}`,
    });
    const note = (i: number) => ({
      id: `n${i}`,
      afterSeq: 1,
      at: '2026-01-01T00:00:00.000Z',
      sender: { id: 'a', name: 'A' },
      content: `n${i}`,
    });
    async function* messages() {
      yield [message(1), message(2)];
    }
    async function* notes() {
      for (let page = 0; page < 50; page++) yield [note(page * 2), note(page * 2 + 1)];
    }
    const { items, sizes } = await collect(timelinePages(messages(), notes()));
    expect(items).toHaveLength(102);
    expect(items.at(-1)).toMatchObject({ kind: 'message', message: { seq: 2 } });
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
  });
});
