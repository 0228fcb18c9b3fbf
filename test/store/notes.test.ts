/**
 * Internal notes' conformance on both stores: a note is stored after the chat's last seq
 * and changes nothing of the chat or its messages; a clientMessageId finds the note
 * stored with it; a range of one chat's notes comes in afterSeq order, bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chat } from '../../src/schemas/shapes.js';
import type { NoteDraft } from '../../src/store/note-records.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { userDraft } from '../helpers/drafts.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const note = (chat: Chat, content: string, clientMessageId: string | null = null): NoteDraft => ({
  chatId: chat._id,
  senderId: 'admin-n',
  senderName: 'Nodira',
  content,
  clientMessageId,
});

describe.each(await storeTargets())('notes on $name', (target) => {
  let db: TestDatabase;
  let store: Store;
  let n = 0;
  const chat = async () =>
    (await store.openChat({ userId: `notes-user-${++n}`, userName: 'U', online: false })).chat;
  const all = (c: Chat) => store.notes.inRange({ chatId: c._id, from: 0, to: null, max: 1000 });

  beforeAll(async () => {
    db = await target.create();
    store = await openStore(db.config);
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it("stores a note after the chat's last seq, leaving the chat row and the seq alone", async () => {
    const c = await chat();
    const first = await store.notes.append(note(c, 'before anything'));
    expect(first).toMatchObject({ kind: 'stored', note: { afterSeq: 0, chatId: c._id } });
    await store.appendMessage(userDraft(c, 'm1'));
    await store.appendMessage(userDraft(c, 'm2'));
    const rowBefore = await store.getChat(c._id);
    const second = await store.notes.append(note(c, 'after two'));
    expect(second).toMatchObject({
      kind: 'stored',
      note: {
        afterSeq: 2,
        senderId: 'admin-n',
        senderName: 'Nodira',
        content: 'after two',
      },
    });
    store.forgetChat(c._id);
    expect(await store.getChat(c._id)).toEqual(rowBefore);
    const third = await store.appendMessage(userDraft(c, 'm3'));
    expect(third).toMatchObject({ kind: 'stored', message: { seq: 3 } });
    expect((await all(c)).map((x) => [x.afterSeq, x.content])).toEqual([
      [0, 'before anything'],
      [2, 'after two'],
    ]);
  });

  it('a clientMessageId answers the note stored with it; without one, notes never clash', async () => {
    const c = await chat();
    const stored = await store.notes.append(note(c, 'once', 'k-1'));
    const again = await store.notes.append(note(c, 'twice?', 'k-1'));
    expect(stored.kind).toBe('stored');
    expect(again).toEqual({ kind: 'duplicate', note: stored.kind === 'stored' && stored.note });
    await store.notes.append(note(c, 'a'));
    await store.notes.append(note(c, 'b'));
    // The same key in another chat is another note.
    const other = await chat();
    expect((await store.notes.append(note(other, 'elsewhere', 'k-1'))).kind).toBe('stored');
    expect((await all(c)).map((x) => x.content)).toEqual(['once', 'a', 'b']);
  });

  it('an unknown chat stores nothing', async () => {
    const draft = { ...note(await chat(), 'x'), chatId: 'f'.repeat(24) };
    expect(await store.notes.append(draft)).toEqual({ kind: 'chatNotFound' });
  });

  it('a range is the notes of one chat with afterSeq within it, in order, at most max', async () => {
    const c = await chat();
    for (let seq = 1; seq <= 4; seq++) {
      await store.appendMessage(userDraft(c, `m${seq}`));
      await store.notes.append(note(c, `after ${seq} (1)`));
      await store.notes.append(note(c, `after ${seq} (2)`));
    }
    const range = (from: number, to: number | null, max = 100) =>
      store.notes.inRange({ chatId: c._id, from, to, max }).then((r) => r.map((x) => x.content));
    expect(await range(2, 3)).toEqual(['after 2 (1)', 'after 2 (2)', 'after 3 (1)', 'after 3 (2)']);
    expect(await range(4, null)).toEqual(['after 4 (1)', 'after 4 (2)']);
    expect(await range(0, 1, 1)).toEqual(['after 1 (1)']);
    expect(await range(5, null)).toEqual([]);
  });
});
