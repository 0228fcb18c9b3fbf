import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { person } from '../../src/auth/actor.js';
import { Unavailable } from '../../src/errors.js';
import { parseQuery } from '../../src/search/rules.js';
import { openSqliteStore, SqliteFileInUse } from '../../src/store/sqlite.js';
import type { SqliteWriter } from '../../src/store/sqlite-writer.js';
import type { Store } from '../../src/store/store.js';
import { userDraft } from '../helpers/drafts.js';

const contents = async (store: Store, chatId: string) =>
  (await store.historyCursor(chatId, { direction: 'after', seq: 0, limit: 500 })).messages.map(
    (m) => [m.seq, m.content] as const,
  );

describe('SQLite appends on the writer thread', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chat-writer-'));
    path = join(dir, 'chat.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const open = async () => {
    let writer: SqliteWriter | undefined;
    const store = await openSqliteStore(path, {
      writerThread: true,
      onWriter: (w) => {
        writer = w;
      },
    });
    const { chat } = await store.openChat({ userId: 'u1', userName: 'U', online: true });
    if (!writer) throw new Error('no writer thread');
    return { store, chat, writer };
  };

  it('answers after the commit: a read on the event loop sees the message at once', async () => {
    const { store, chat } = await open();
    try {
      const results = await Promise.all(
        ['one', 'two', 'three'].map((c) => store.appendMessage(userDraft(chat, c))),
      );
      expect(results.map((r) => r.kind)).toEqual(['stored', 'stored', 'stored']);
      expect(await contents(store, chat._id)).toEqual([
        [1, 'one'],
        [2, 'two'],
        [3, 'three'],
      ]);
    } finally {
      await store.close();
    }
  });

  it('a thread that dies fails the writes in hand as unavailable, and the next write starts another', async () => {
    const { store, chat, writer } = await open();
    try {
      await store.appendMessage(userDraft(chat, 'before'));
      const thread = writer.thread;
      if (!thread) throw new Error('no thread');
      // Killed as the write is handed to it, before it can run it: a thread that ran it
      // first would answer before it stopped (a race a loaded machine loses), and the
      // write would be stored, not refused.
      thread.postMessage = () => {
        void thread.terminate();
      };
      const refusal = await store.appendMessage(userDraft(chat, 'in hand', 'c-1')).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(refusal).toBeInstanceOf(Unavailable);
      expect(String((refusal as Unavailable).cause)).toContain('writer thread stopped');
      // The client's retry with the same clientMessageId gets the one stored message.
      const retried = await store.appendMessage(userDraft(chat, 'in hand', 'c-1'));
      expect(['stored', 'duplicate']).toContain(retried.kind);
      expect(writer.thread).not.toBe(thread);
      await store.appendMessage(userDraft(chat, 'after'));
      expect((await contents(store, chat._id)).map(([, c]) => c)).toEqual([
        'before',
        'in hand',
        'after',
      ]);
    } finally {
      await store.close();
    }
  });

  it('closing answers every write in hand before the thread stops, and they are on disk', async () => {
    const { store, chat } = await open();
    const writes = Array.from({ length: 50 }, (_, i) =>
      store.appendMessage(userDraft(chat, `m${i}`)),
    );
    // Let the batch reach the thread, then close while it is being written.
    await new Promise((resolve) => setImmediate(resolve));
    await store.close();
    const results = await Promise.all(writes);
    expect(results.every((r) => r.kind === 'stored')).toBe(true);
    const again = await openSqliteStore(path, { writerThread: true });
    try {
      expect(await contents(again, chat._id)).toHaveLength(50);
    } finally {
      await again.close();
    }
  });

  it('indexes search on the writer thread, where the messages are written', async () => {
    const { store, chat, writer } = await open();
    try {
      await store.appendMessage(userDraft(chat, 'refund for order 88812734'));
      const thread = writer.thread;
      if (!thread) throw new Error('no thread');
      const kinds: string[] = [];
      const post = thread.postMessage.bind(thread);
      thread.postMessage = (message: { kind: string }) => {
        kinds.push(message.kind);
        post(message);
      };
      expect(await store.indexSearch(10)).toBe(1);
      expect(await store.indexSearch(10)).toBe(0);
      expect(kinds).toEqual(['index', 'index']);
      const page = await store.search({
        phrases: parseQuery('refund'),
        text: 'refund',
        viewer: person('s-1', 'Boss', 'superadmin'),
        limit: 20,
      });
      expect(page.hits.map((h) => h.message?.content)).toEqual(['refund for order 88812734']);
    } finally {
      await store.close();
    }
  });

  it('a second store on the same file is refused while the first holds it', async () => {
    const { store } = await open();
    try {
      await expect(openSqliteStore(path, { writerThread: true })).rejects.toBeInstanceOf(
        SqliteFileInUse,
      );
    } finally {
      await store.close();
    }
  });
});
