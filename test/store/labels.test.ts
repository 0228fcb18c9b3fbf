/**
 * Chat labels' conformance on both stores: a set replaces the last, repeats (case not
 * counting) are stored once, every chat read carries them (also after an append), and the
 * list of all chats filters by label in the query, with the status, case not counting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { person } from '../../src/auth/actor.js';
import { messageEffect } from '../../src/chats/rules.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

describe.each(await storeTargets())('chat labels on $name', (target) => {
  let db: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    db = await target.create();
    store = await openStore(db.config);
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  const open = (userId: string) =>
    store.openChat({ userId, userName: userId, online: false }).then((r) => r.chat);

  it('starts without labels, replaces the set, and stores a repeat once', async () => {
    const chat = await open('l-u1');
    expect(chat.labels).toEqual([]);
    expect((await store.setChatLabels(chat._id, ['refund', 'KYC']))?.labels).toEqual([
      'refund',
      'KYC',
    ]);
    const again = await store.setChatLabels(chat._id, ['kyc', 'Urgent', 'KYC']);
    expect(again?.labels).toEqual(['kyc', 'Urgent']);
    store.forgetChat(chat._id);
    expect((await store.getChat(chat._id))?.labels).toEqual(['kyc', 'Urgent']);
    expect((await store.setChatLabels(chat._id, []))?.labels).toEqual([]);
    expect(await store.setChatLabels('0'.repeat(24), ['x'])).toBeUndefined();
  });

  it('stores labels that full case folding makes one once, and finds them by either spelling', async () => {
    const chat = await open('l-fold');
    const set = await store.setChatLabels(chat._id, ['Straße', 'STRASSE', 'ﬁx', 'FIX']);
    expect(set?.labels).toEqual(['Straße', 'ﬁx']);
    const ids = async (label: string) =>
      (await store.listChats({ kind: 'all', status: undefined, label }, 200)).map((x) => x._id);
    expect(await ids('strasse')).toEqual([chat._id]);
    expect(await ids('Fix')).toEqual([chat._id]);
  });

  it('keeps the labels on the chat a message returns', async () => {
    const chat = await open('l-u2');
    await store.setChatLabels(chat._id, ['vip']);
    const result = await store.appendMessage({
      chatId: chat._id,
      senderId: 'l-u2',
      senderRole: 'user',
      senderType: 'user',
      senderName: 'U',
      content: 'hello',
      messageType: 'text',
      fileUrl: null,
      clientMessageId: null,
      effect: messageEffect('user', 'hello', 'text'),
    });
    expect(result.kind === 'stored' && result.chat.labels).toEqual(['vip']);
  });

  it('lists only the chats carrying a label, case not counting, with the status filter', async () => {
    const [a, b, c] = await Promise.all([open('l-f1'), open('l-f2'), open('l-f3')]);
    await store.setChatLabels(a._id, ['Chargeback']);
    await store.setChatLabels(b._id, ['chargeback', 'vip-f']);
    await store.setChatLabels(c._id, ['vip-f']);
    await store.takeChat(b._id, { id: 'l-admin', name: 'A' }, false);
    const ids = async (label: string, status?: 'waiting' | 'active') =>
      (await store.listChats({ kind: 'all', status, label }, 200)).map((x) => x._id).sort();
    expect(await ids('CHARGEBACK')).toEqual([a._id, b._id].sort());
    expect(await ids('chargeback', 'active')).toEqual([b._id]);
    expect(await ids('vip-f', 'waiting')).toEqual([c._id]);
    expect(await ids('nobody-has-this')).toEqual([]);
    // A label taken off is no longer found.
    await store.setChatLabels(b._id, ['vip-f']);
    expect(await ids('chargeback')).toEqual([a._id]);
    await store.closeChat(c._id, person('l-f3', 'U', 'user'));
    expect(
      (await store.listChats({ kind: 'all', status: 'closed', label: 'VIP-F' }, 200)).map(
        (x) => x._id,
      ),
    ).toEqual([c._id]);
  });

  it('finds at most max chats of a label, the most recently opened', async () => {
    const chats = [];
    for (let i = 0; i < 4; i++) {
      const chat = await open(`l-m${i}`);
      await store.setChatLabels(chat._id, ['many']);
      chats.push(chat);
      await new Promise((r) => setTimeout(r, 2));
    }
    const found = await store.listChats({ kind: 'all', status: undefined, label: 'many' }, 2);
    expect(found.map((x) => x._id).sort()).toEqual(
      chats
        .slice(2)
        .map((x) => x._id)
        .sort(),
    );
  });
});
