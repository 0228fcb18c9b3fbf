/**
 * message.created in the outbox, written by each store's append in the batch that stores the
 * message: one row per stored message and receiver, none for a duplicate, a refused draft or
 * a batch that rolled back, the body the stored message, and each chat's rows in seq order.
 * Without receivers the append writes nothing more.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ANONYMOUS } from '../../src/auth/actor.js';
import type { Chat, Message } from '../../src/schemas/shapes.js';
import { openStore } from '../../src/store/open.js';
import type { AppendResult, Store } from '../../src/store/store.js';
import type { Delivery } from '../../src/webhooks/outbox.js';
import { userDraft } from '../helpers/drafts.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const URLS = ['http://127.0.0.1:9/a', 'http://127.0.0.1:9/b'];

const storedOf = (results: AppendResult[]): Message[] =>
  results.flatMap((r) => (r.kind === 'stored' ? [r.message] : []));

/** Every outbox row of message.created, in the outbox's own (delivery) order. */
async function messageRows(store: Store): Promise<Delivery[]> {
  const rows = await store.webhooks.list('pending', 10_000);
  return rows.filter((r) => r.type === 'message.created').sort((a, b) => a.seq - b.seq);
}

describe.each(await storeTargets())('message.created in the outbox on $name', (target) => {
  let db: TestDatabase | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    await db?.drop();
  });
  async function open(urls: string[]): Promise<Store> {
    db = await target.create();
    store = await openStore(db.config);
    store.sendWebhooksTo(urls);
    return store;
  }
  const chatsOf = (s: Store, n: number, tag: string) =>
    Promise.all(
      Array.from(
        { length: n },
        async (_, i) =>
          (await s.openChat({ userId: `${tag}-${i}`, userName: 'U', online: false })).chat,
      ),
    );

  it('writes nothing without receivers', async () => {
    const s = await open([]);
    const [chat] = await chatsOf(s, 1, 'none');
    if (!chat) throw new Error('opened');
    await Promise.all([1, 2, 3].map((n) => s.appendMessage(userDraft(chat, `m${n}`))));
    expect(await messageRows(s)).toEqual([]);
  });

  it('one row per stored message and receiver, with the stored message as its body, in seq order per chat', async () => {
    const s = await open(URLS);
    const chats = await chatsOf(s, 6, 'many');
    const perChat = 15;
    // Concurrent: group commit puts them in shared batches.
    const results = await Promise.all(
      chats.flatMap((c) =>
        Array.from({ length: perChat }, (_, n) =>
          // Half of them masked: the statement's variant with redactions too.
          s.appendMessage({
            ...userDraft(c, `card 4111 11** **** 1111 #${n}`, `k${n}`),
            redacted: n % 2 === 0 ? ['pan'] : undefined,
          }),
        ),
      ),
    );
    const first = chats[0] as Chat;
    // A retry of a stored clientMessageId, and a draft for a closed chat: nothing more.
    const again = await s.appendMessage(userDraft(first, 'again', 'k0'));
    expect(again.kind).toBe('duplicate');
    await s.closeChat(chats[1]?._id ?? '', ANONYMOUS);
    expect((await s.appendMessage(userDraft(chats[1] as Chat, 'late'))).kind).toBe('rejected');

    const stored = storedOf(results);
    expect(stored).toHaveLength(chats.length * perChat);
    const rows = await messageRows(s);
    expect(rows).toHaveLength(stored.length * URLS.length);
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const message of stored) {
      for (const [k, url] of URLS.entries()) {
        const row = byId.get(k === 0 ? `msg_${message._id}` : `msg_${message._id}_${k + 1}`);
        expect(row).toMatchObject({ url, chatId: message.chatId, status: 'pending', attempts: 0 });
        expect(JSON.parse(row?.body ?? '{}')).toEqual({
          type: 'message.created',
          timestamp: message.createdAt,
          data: { chatId: message.chatId, message },
        });
      }
    }
    for (const chat of chats) {
      for (const url of URLS) {
        const seqs = rows
          .filter((r) => r.chatId === chat._id && r.url === url)
          .map((r) => JSON.parse(r.body).data.message.seq);
        expect(seqs).toEqual(Array.from({ length: perChat }, (_, n) => n + 1));
      }
    }
  });

  it('a batch the database refuses as a whole leaves no rows of it: each draft is retried with its own', async () => {
    const s = await open(URLS.slice(0, 1));
    const [a, b] = await chatsOf(s, 2, 'refused');
    if (!a || !b) throw new Error('opened');
    const refused = { ...userDraft(a, 'x'), content: null as unknown as string };
    const outcomes = await Promise.allSettled([
      s.appendMessage(userDraft(a, 'one')),
      s.appendMessage(userDraft(b, 'two')),
      s.appendMessage(refused),
      s.appendMessage(userDraft(b, 'three')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    const rows = await messageRows(s);
    expect(rows.map((r) => JSON.parse(r.body).data.message.content).sort()).toEqual([
      'one',
      'three',
      'two',
    ]);
  });
});
