/**
 * Append conformance: each store's one append (sqlite-append.ts, postgres-append.ts),
 * driven through the store's group commit, keeps every guarantee. Concurrent calls land
 * in one batch, so each case below exercises a batch, not single appends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Person, person } from '../../src/auth/actor.js';
import type { Chat } from '../../src/schemas/shapes.js';
import { openStore } from '../../src/store/open.js';
import type { AppendResult, MessageDraft, Store } from '../../src/store/store.js';
import { userDraft } from '../helpers/drafts.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

/** A draft from an admin or superadmin, as sendMessage makes it. */
const draftBy = (
  sender: Person,
  chat: Chat,
  content: string,
  clientMessageId: string | null = null,
): MessageDraft => ({
  ...userDraft(chat, content, clientMessageId),
  senderId: sender.id,
  senderRole: sender.role,
  senderType: 'admin',
  senderName: sender.name,
  effect: { lastMessage: content, unreadIncrement: 0 },
});

const A1 = person('holds-a1', 'A1', 'admin');
const A2 = person('holds-a2', 'A2', 'admin');
const A3 = person('holds-a3', 'A3', 'admin');
const SUPER = person('holds-super', 'S', 'superadmin');

/** seq and content of every stored message of the chat, oldest first. */
const storedIn = async (store: Store, chatId: string) =>
  (await store.historyCursor(chatId, { direction: 'after', seq: 0, limit: 500 })).messages.map(
    (m) => [m.seq, m.content] as const,
  );

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
        Array.from({ length: perChat }, (_, n) =>
          store.appendMessage(userDraft(c, `${c._id}:${n}`)),
        ),
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
    const first = await store.appendMessage(userDraft(chat, 'earlier', 'k-earlier'));
    expect(first.kind).toBe('stored');
    const results = await Promise.all([
      store.appendMessage(userDraft(chat, 'a', 'k-1')),
      store.appendMessage(userDraft(chat, 'a again', 'k-1')),
      store.appendMessage(userDraft(chat, 'earlier again', 'k-earlier')),
      store.appendMessage(userDraft(chat, 'b')),
      store.appendMessage(userDraft(chat, 'a third time', 'k-1')),
    ]);
    const id = (r: AppendResult) => ('message' in r ? r.message._id : undefined);
    expect(results.map((r) => r.kind)).toEqual([
      'stored',
      'duplicate',
      'duplicate',
      'stored',
      'duplicate',
    ]);
    expect(id(results[1])).toBe(id(results[0]));
    expect(id(results[4])).toBe(id(results[0]));
    expect(id(results[2])).toBe(id(first));
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
    await store.closeChat(closed._id, person('gc-closed', 'U', 'user'));
    const results = await Promise.all([
      store.appendMessage(userDraft(open, 'one')),
      store.appendMessage(userDraft(closed, 'lost')),
      store.appendMessage(userDraft(open, 'two')),
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
      store.appendMessage(userDraft(ghost, 'nowhere')),
      store.appendMessage(userDraft(real, 'here')),
    ]);
    expect(results.map((r) => r.kind)).toEqual(['rejected', 'stored']);
    expect(
      (await store.historyCursor(ghost._id, { direction: 'after', seq: 0, limit: 10 })).messages,
    ).toEqual([]);
  });

  it('what a batch answers is exactly what was stored: message and chat row', async () => {
    const chat = (await store.openChat({ userId: 'gc-echo', userName: 'U', online: false })).chat;
    const results = await Promise.all([
      store.appendMessage(userDraft(chat, 'first', 'echo-1')),
      store.appendMessage(userDraft(chat, 'second', 'echo-2')),
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
      store.appendMessage(userDraft(chat, '1')),
      store.appendMessage(userDraft(chat, '2')),
    ]);
    await Promise.all([
      store.appendMessage(userDraft(chat, '3')),
      store.appendMessage(userDraft(chat, '4')),
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
    const refused = { ...userDraft(a, 'x'), content: null as unknown as string };
    const outcomes = await Promise.allSettled([
      store.appendMessage(refused),
      store.appendMessage(userDraft(a, 'good a', 'bad-a-1')),
      store.appendMessage(userDraft(b, 'good b')),
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

  it('the append itself checks who may write: after a transfer, the previous assignee is refused whatever its caller believed, and the batch around it is stored', async () => {
    const { chat } = await store.openChat({ userId: 'gc-holds', userName: 'U', online: false });
    expect(await store.takeChat(chat._id, A1, false)).toBeDefined();
    expect((await store.appendMessage(draftBy(A1, chat, 'a1 holds'))).kind).toBe('stored');
    expect(await store.transferChat(chat._id, A1.id, A2)).toBeDefined();
    // No rule is asked here: the drafts go straight to the store, as they would from a
    // node whose cached chat row still named A1.
    const results = await Promise.all([
      store.appendMessage(draftBy(A1, chat, 'a1 after transfer')),
      store.appendMessage(draftBy(A2, chat, 'a2 holds')),
      store.appendMessage(draftBy(A3, chat, 'a3 never held it', 'a3-1')),
      store.appendMessage(userDraft(chat, 'the user')),
      store.appendMessage(draftBy(SUPER, chat, 'a superadmin')),
      store.appendMessage(draftBy(A1, chat, 'a1 retries', 'a1-1')),
    ]);
    expect(results.map((r) => r.kind)).toEqual([
      'rejected',
      'stored',
      'rejected',
      'stored',
      'stored',
      'rejected',
    ]);
    // Nothing of the refused drafts, and no seq spent on them.
    expect(await storedIn(store, chat._id)).toEqual([
      [1, 'a1 holds'],
      [2, 'a2 holds'],
      [3, 'the user'],
      [4, 'a superadmin'],
    ]);
    expect(await store.getChat(chat._id)).toMatchObject({
      assignedAdminId: A2.id,
      lastMessage: 'a superadmin',
      unreadCount: 1,
    });
    const next = await store.appendMessage(draftBy(A2, chat, 'next'));
    expect(next.kind === 'stored' && next.message.seq).toBe(5);
  });

  it('a user writes only to their own chat, an admin only to one assigned to them (waiting or active)', async () => {
    const { chat } = await store.openChat({ userId: 'gc-own', userName: 'U', online: false });
    const stranger = { ...userDraft(chat, 'not mine'), senderId: 'gc-stranger' };
    const results = await Promise.all([
      store.appendMessage(stranger),
      store.appendMessage(draftBy(A1, chat, 'waiting, not taken')),
      store.appendMessage(draftBy(SUPER, chat, 'a superadmin')),
    ]);
    expect(results.map((r) => r.kind)).toEqual(['rejected', 'rejected', 'stored']);
    expect(await storedIn(store, chat._id)).toEqual([[1, 'a superadmin']]);
  });

  it('closing is conditional on who may close: the admin a chat was transferred away from cannot close it', async () => {
    const { chat } = await store.openChat({ userId: 'gc-close', userName: 'U', online: false });
    await store.takeChat(chat._id, A1, true);
    await store.transferChat(chat._id, A1.id, A2);
    expect(await store.closeChat(chat._id, A1)).toBeUndefined();
    expect(await store.closeChat(chat._id, A3)).toBeUndefined();
    expect(await store.closeChat(chat._id, person('gc-other', 'U', 'user'))).toBeUndefined();
    expect(await store.getChat(chat._id)).toMatchObject({ status: 'active' });
    expect(await store.closeChat(chat._id, A2)).toMatchObject({
      chat: { status: 'closed' },
      before: { status: 'active' },
    });

    for (const closer of [person('gc-close-2', 'U', 'user'), SUPER]) {
      const { chat: other } = await store.openChat({
        userId: 'gc-close-2',
        userName: 'U',
        online: false,
      });
      await store.takeChat(other._id, A1, false);
      expect(await store.closeChat(other._id, closer)).toMatchObject({
        chat: { status: 'closed' },
        before: { status: 'active' },
      });
      // Closing a closed chat changes nothing.
      expect(await store.closeChat(other._id, closer)).toBeUndefined();
    }
  });
});

const postgres = (await storeTargets()).filter((t) => t.name === 'postgres');

describe.each(postgres)('two nodes appending to one $name database', (target) => {
  let db: TestDatabase;
  let node1: Store;
  let node2: Store;
  beforeAll(async () => {
    db = await target.create();
    node1 = await openStore(db.config);
    node2 = await openStore(db.config);
  });
  afterAll(async () => {
    await node1.close();
    await node2.close();
    await db.drop();
  });

  it("a transfer on one node: the other node's stale chat row does not let the previous assignee write", async () => {
    const { chat } = await node1.openChat({ userId: 'n2-stale', userName: 'U', online: false });
    await node1.takeChat(chat._id, A1, false);
    // Node 2 has the chat cached as A1's, and has not yet heard of the transfer.
    expect(await node2.getChat(chat._id)).toMatchObject({ assignedAdminId: A1.id });
    await node1.transferChat(chat._id, A1.id, A2);
    expect(await node2.getChat(chat._id)).toMatchObject({ assignedAdminId: A1.id });

    const results = await Promise.all([
      node2.appendMessage(draftBy(A1, chat, 'stale')),
      node2.appendMessage(userDraft(chat, 'the user')),
    ]);
    expect(results.map((r) => r.kind)).toEqual(['rejected', 'stored']);
    expect(await storedIn(node1, chat._id)).toEqual([[1, 'the user']]);
    // The refusal dropped node 2's stale row: its next read is the database's.
    expect(await node2.getChat(chat._id)).toMatchObject({ assignedAdminId: A2.id });
  });

  it("transfers racing the previous assignee's appends on the other node: every stored message was written while its sender held the chat", async () => {
    for (let round = 0; round < 20; round++) {
      const { chat } = await node1.openChat({
        userId: `n2-race-${round}`,
        userName: 'U',
        online: false,
      });
      await node1.takeChat(chat._id, A1, false);
      // A1 writes one message after another until the store refuses one.
      const writing = (async () => {
        const results: AppendResult[] = [];
        for (let i = 0; i < 200 && results.at(-1)?.kind !== 'rejected'; i++)
          results.push(await node2.appendMessage(draftBy(A1, chat, `a1 ${i}`)));
        return results;
      })();
      expect(await node1.transferChat(chat._id, A1.id, A2)).toMatchObject({
        assignedAdminId: A2.id,
      });
      // After the transfer's answer, nothing more from A1.
      expect((await node2.appendMessage(draftBy(A1, chat, 'late'))).kind).toBe('rejected');
      const results = await writing;
      expect(results.at(-1)?.kind).toBe('rejected');
      const stored = results.flatMap((r) => (r.kind === 'stored' ? [r] : []));
      expect(stored).toHaveLength(results.length - 1);
      for (const r of stored) expect(r.chat.assignedAdminId).toBe(A1.id);
      expect((await storedIn(node1, chat._id)).map(([seq]) => seq)).toEqual(
        Array.from({ length: stored.length }, (_, i) => i + 1),
      );
    }
  });
});
