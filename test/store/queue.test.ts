/**
 * The waiting queue's conformance on both stores: its order (oldest first, a released
 * chat back in its place), a chat's rank in it, and the first assignment that ends a
 * chat's wait (kept through later takes), from which the estimate is made.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

describe.each(await storeTargets())('the waiting queue on $name', (target) => {
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

  const admin = { id: 'q-admin', name: 'Q' };
  const open = async (userId: string) => {
    // Distinct createdAt, so the order is the order of opening.
    await sleep(3);
    return (await store.openChat({ userId, userName: userId, online: true })).chat._id;
  };
  const users = (max = 100) =>
    store.waitingOrder(max).then((entries) => entries.map((e) => e.userId));

  it('lists waiting chats oldest first, without taken or closed ones; a released chat goes back to its place', async () => {
    const [a, b, c, d] = [await open('qa'), await open('qb'), await open('qc'), await open('qd')];
    expect(await users()).toEqual(['qa', 'qb', 'qc', 'qd']);
    expect(await users(2)).toEqual(['qa', 'qb']);
    await store.takeChat(b, admin, false);
    await store.closeChat(d, { kind: 'person', id: 'qd', name: 'qd', role: 'user' });
    expect(await users()).toEqual(['qa', 'qc']);
    expect((await store.waitingOrder(10)).map((e) => e.chatId)).toEqual([a, c]);
    await store.releaseChat(b, admin.id);
    expect(await users()).toEqual(['qa', 'qb', 'qc']);
    for (const id of [a, b, c]) await store.takeChat(id, admin, false);
    expect(await users()).toEqual([]);
  });

  it('ranks a chat among the waiting ones, and no rank once it is taken or unknown', async () => {
    const [a, b, c] = [await open('ra'), await open('rb'), await open('rc')];
    expect(await store.queueRank(a)).toEqual({ waiting: 3, position: 1 });
    expect(await store.queueRank(c)).toEqual({ waiting: 3, position: 3 });
    await store.takeChat(a, admin, true);
    expect(await store.queueRank(b)).toEqual({ waiting: 2, position: 1 });
    expect(await store.queueRank(a)).toEqual({ waiting: 2, position: null });
    expect(await store.queueRank('no-such-chat')).toEqual({ waiting: 2, position: null });
    for (const id of [b, c]) await store.takeChat(id, admin, false);
    expect(await store.queueRank(b)).toEqual({ waiting: 0, position: null });
  });

  it("keeps a chat's first assignment through later takes: its wait is counted once", async () => {
    const since = new Date().toISOString();
    expect(await store.recentWaits(since, 10)).toEqual([]);
    const id = await open('wa');
    await sleep(40);
    await store.takeChat(id, admin, false);
    const [wait] = await store.recentWaits(since, 10);
    expect(wait).toBeGreaterThanOrEqual(40);
    expect(wait).toBeLessThan(5_000);
    await store.releaseChat(id, admin.id);
    await sleep(20);
    await store.takeChat(id, { id: 'q-other', name: 'O' }, false);
    expect(await store.recentWaits(since, 10)).toEqual([wait]);
    const later = await open('wb');
    await store.takeChat(later, admin, false);
    expect(await store.recentWaits(since, 10)).toHaveLength(2);
    expect(await store.recentWaits(since, 1)).toHaveLength(1);
    expect(await store.recentWaits(new Date(Date.now() + 60_000).toISOString(), 10)).toEqual([]);
  });
});
