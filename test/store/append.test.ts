/**
 * Append conformance: each store's one append (sqlite-append.ts, postgres-append.ts),
 * driven through the store's group commit, keeps every guarantee. Concurrent calls land
 * in one batch, so each case below exercises a batch, not single appends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chat } from '../../src/schemas/shapes.js';
import { openStore } from '../../src/store/open.js';
import type { AppendResult, MessageDraft, Store } from '../../src/store/store.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const draft = (
  chat: Chat,
  content: string,
  clientMessageId: string | null = null,
): MessageDraft => ({
  chatId: chat._id,
  senderId: chat.userId,
  senderType: 'user',
  senderName: 'U',
  content,
  messageType: 'text',
  fileUrl: null,
  clientMessageId,
  effect: { lastMessage: content, unreadIncrement: 1 },
});

describe.each(await storeTargets())('appends on $name', (target) => {
  let db: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    db = await target.create();
    store = await openStore(db.config);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('many chats at once: every chat gets seq 1..n in submission order, unread and preview follow', async () => {
    const chats = await Promise.all(
      Array.from(
        { length: 12 },
        async (_, i) =>
          (await store.openChat({ userId: `gc-${i}`, userName: 'U', online: false })).chat,
      ),
    );
    const perChat = 40;
    const results = await Promise.all(
      chats.flatMap((c) =>
        Array.from({ length: perChat }, (_, n) => store.appendMessage(draft(c, `${c._id}:${n}`))),
      ),
    );
    expect(results.every((r) => r.kind === 'stored')).toBe(true);
    for (const c of chats) {
      const page = await store.historyCursor(c._id, { direction: 'after', seq: 0, limit: 200 });
      expect(page.messages.map((m) => m.seq)).toEqual(
        Array.from({ length: perChat }, (_, i) => i + 1),
      );
      expect(page.messages.map((m) => m.content)).toEqual(
        Array.from({ length: perChat }, (_, n) => `${c._id}:${n}`),
      );
      const row = await store.getChat(c._id);
      expect(row).toMatchObject({ unreadCount: perChat, lastMessage: `${c._id}:${perChat - 1}` });
    }
  });

  it('duplicates inside one batch and against earlier messages resolve to one stored message', async () => {
    const { chat } = await store.openChat({ userId: 'gc-dup', userName: 'U', online: false });
    const first = await store.appendMessage(draft(chat, 'earlier', 'k-earlier'));
    expect(first.kind).toBe('stored');
    const results = await Promise.all([
      store.appendMessage(draft(chat, 'a', 'k-1')),
      store.appendMessage(draft(chat, 'a again', 'k-1')),
      store.appendMessage(draft(chat, 'earlier again', 'k-earlier')),
      store.appendMessage(draft(chat, 'b')),
      store.appendMessage(draft(chat, 'a third time', 'k-1')),
    ]);
    const id = (r: AppendResult) => (r.kind === 'rejected' ? undefined : r.message._id);
    expect(results.map((r) => r.kind)).toEqual([
      'stored',
      'duplicate',
      'duplicate',
      'stored',
      'duplicate',
    ]);
    expect(id(results[1] as AppendResult)).toBe(id(results[0] as AppendResult));
    expect(id(results[4] as AppendResult)).toBe(id(results[0] as AppendResult));
    expect(id(results[2] as AppendResult)).toBe(id(first));
    const page = await store.historyCursor(chat._id, { direction: 'after', seq: 0, limit: 50 });
    expect(page.messages.map((m) => [m.seq, m.content])).toEqual([
      [1, 'earlier'],
      [2, 'a'],
      [3, 'b'],
    ]);
  });

  it('a closed chat in a batch is rejected without touching the others', async () => {
    const open = (await store.openChat({ userId: 'gc-open', userName: 'U', online: false })).chat;
    const closed = (await store.openChat({ userId: 'gc-closed', userName: 'U', online: false }))
      .chat;
    await store.closeChat(closed._id);
    const results = await Promise.all([
      store.appendMessage(draft(open, 'one')),
      store.appendMessage(draft(closed, 'lost')),
      store.appendMessage(draft(open, 'two')),
    ]);
    expect(results.map((r) => r.kind)).toEqual(['stored', 'rejected', 'stored']);
    expect(
      (await store.historyCursor(closed._id, { direction: 'after', seq: 0, limit: 10 })).messages,
    ).toEqual([]);
    expect(
      (await store.historyCursor(open._id, { direction: 'after', seq: 0, limit: 10 })).messages.map(
        (m) => m.seq,
      ),
    ).toEqual([1, 2]);
  });

  it('a chat that does not exist is rejected in a batch and nothing is stored for it', async () => {
    const real = (await store.openChat({ userId: 'gc-real', userName: 'U', online: false })).chat;
    const ghost: Chat = { ...real, _id: 'ffffffffffffffffffffffff' };
    const results = await Promise.all([
      store.appendMessage(draft(ghost, 'nowhere')),
      store.appendMessage(draft(real, 'here')),
    ]);
    expect(results.map((r) => r.kind)).toEqual(['rejected', 'stored']);
    expect(
      (await store.historyCursor(ghost._id, { direction: 'after', seq: 0, limit: 10 })).messages,
    ).toEqual([]);
  });

  it('what a batch answers is exactly what was stored: message and chat row', async () => {
    const chat = (await store.openChat({ userId: 'gc-echo', userName: 'U', online: false })).chat;
    const results = await Promise.all([
      store.appendMessage(draft(chat, 'first', 'echo-1')),
      store.appendMessage(draft(chat, 'second', 'echo-2')),
    ]);
    const stored = results.map((r) => (r.kind === 'stored' ? r : undefined));
    const page = await store.historyCursor(chat._id, { direction: 'after', seq: 0, limit: 10 });
    expect(stored.map((r) => r?.message)).toEqual(page.messages);
    // The last answer carries the chat as the batch left it.
    expect(stored[1]?.chat).toEqual(await store.getChat(chat._id));
    expect(stored[1]?.chat).toMatchObject({ lastMessage: 'second', unreadCount: 2 });
  });

  it('seq continues across batches', async () => {
    const chat = (await store.openChat({ userId: 'gc-across', userName: 'U', online: false })).chat;
    await Promise.all([
      store.appendMessage(draft(chat, '1')),
      store.appendMessage(draft(chat, '2')),
    ]);
    await Promise.all([
      store.appendMessage(draft(chat, '3')),
      store.appendMessage(draft(chat, '4')),
    ]);
    const page = await store.historyCursor(chat._id, { direction: 'after', seq: 0, limit: 10 });
    expect(page.messages.map((m) => [m.seq, m.content])).toEqual([
      [1, '1'],
      [2, '2'],
      [3, '3'],
      [4, '4'],
    ]);
  });

  it('a draft the database refuses fails alone: the rest of its batch is stored once', async () => {
    const a = (await store.openChat({ userId: 'gc-bad-a', userName: 'U', online: false })).chat;
    const b = (await store.openChat({ userId: 'gc-bad-b', userName: 'U', online: false })).chat;
    // Past the schema a client can never get this far; the store must still isolate it.
    const refused = { ...draft(a, 'x'), content: null as unknown as string };
    const outcomes = await Promise.allSettled([
      store.appendMessage(refused),
      store.appendMessage(draft(a, 'good a', 'bad-a-1')),
      store.appendMessage(draft(b, 'good b')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(outcomes.slice(1).map((o) => o.status === 'fulfilled' && o.value.kind)).toEqual([
      'stored',
      'stored',
    ]);
    for (const [chat, content] of [
      [a, 'good a'],
      [b, 'good b'],
    ] as const) {
      const page = await store.historyCursor(chat._id, { direction: 'after', seq: 0, limit: 10 });
      expect(page.messages.map((m) => [m.seq, m.content])).toEqual([[1, content]]);
    }
  });
});
