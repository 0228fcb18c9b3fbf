/**
 * Agents' conformance on both stores: the remembered availability (a join's default
 * never overrides a choice), maxChats, and the load (active chats only, per admin).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

describe.each(await storeTargets())('agents on $name', (target) => {
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

  const one = async (adminId: string) => {
    const [agent] = await store.listAgents({ adminIds: [adminId] });
    return agent;
  };

  it('lists a known admin who never chose with nothing chosen and no load', async () => {
    await store.recordAdmin({ id: 'g-new', name: 'New' });
    expect(await one('g-new')).toEqual({
      adminId: 'g-new',
      adminName: 'New',
      availability: null,
      maxChats: null,
      activeChats: 0,
    });
  });

  it("takes a join's default only until the admin chooses, and keeps the choice across joins", async () => {
    await store.recordAdmin({ id: 'g-ann', name: 'Ann' });
    await store.joinAgent('g-ann', 'available');
    expect((await one('g-ann'))?.availability).toBe('available');
    await store.setAgentAvailability('g-ann', 'away');
    await store.joinAgent('g-ann', 'available');
    expect((await one('g-ann'))?.availability).toBe('away');
    await store.setAgentAvailability('g-ann', 'available');
    expect((await one('g-ann'))?.availability).toBe('available');
  });

  it("lets a superadmin's away default outlast an admin's available one, in either order, until the admin chooses", async () => {
    for (const [id, order] of [
      ['g-up', ['available', 'away']],
      ['g-down', ['away', 'available']],
    ] as const) {
      await store.recordAdmin({ id, name: id });
      for (const availability of order) await store.joinAgent(id, availability);
      expect((await one(id))?.availability).toBe('away');
      await store.setAgentAvailability(id, 'available');
      await store.joinAgent(id, 'away');
      expect((await one(id))?.availability).toBe('available');
    }
  });

  it('says whether a join changed the availability stored', async () => {
    await store.recordAdmin({ id: 'g-said', name: 'Said' });
    expect(await store.joinAgent('g-said', 'available')).toBe(true);
    expect(await store.joinAgent('g-said', 'available')).toBe(false);
    expect(await store.joinAgent('g-said', 'away')).toBe(true);
    expect(await store.joinAgent('g-said', 'away')).toBe(false);
    expect(await store.joinAgent('g-said', 'available')).toBe(false);
    await store.setAgentAvailability('g-said', 'available');
    expect(await store.joinAgent('g-said', 'away')).toBe(false);
    expect((await one('g-said'))?.availability).toBe('available');
  });

  it('keeps maxChats and availability apart', async () => {
    await store.recordAdmin({ id: 'g-max', name: 'Max' });
    await store.setAgentMaxChats('g-max', 7);
    expect(await one('g-max')).toMatchObject({ availability: null, maxChats: 7 });
    await store.joinAgent('g-max', 'away');
    await store.setAgentMaxChats('g-max', 0);
    expect(await one('g-max')).toMatchObject({ availability: 'away', maxChats: 0 });
  });

  it('counts active chats held by each admin, not waiting or closed ones or others', async () => {
    const admin = { id: 'g-busy', name: 'Busy' };
    await store.recordAdmin(admin);
    await store.recordAdmin({ id: 'g-other', name: 'Other' });
    const open = (userId: string) =>
      store.openChat({ userId, userName: userId, online: false }).then((r) => r.chat);
    const [a, b, c] = await Promise.all([open('g-u1'), open('g-u2'), open('g-u3')]);
    await open('g-u4'); // waits
    await store.takeChat(a._id, admin, false);
    await store.takeChat(b._id, admin, true);
    await store.takeChat(c._id, { id: 'g-other', name: 'Other' }, false);
    expect((await one('g-busy'))?.activeChats).toBe(2);
    await store.closeChat(b._id, { kind: 'person', id: 'g-busy', name: 'Busy', role: 'admin' });
    const both = await store.listAgents({ adminIds: ['g-busy', 'g-other'] });
    expect(Object.fromEntries(both.map((x) => [x.adminId, x.activeChats]))).toEqual({
      'g-busy': 1,
      'g-other': 1,
    });
  });

  it('lists at most as many as asked, newest seen first, and nothing for no ids', async () => {
    await new Promise((resolve) => setTimeout(resolve, 2)); // a lastSeenAt of its own
    await store.recordAdmin({ id: 'g-latest', name: 'Latest' });
    const listed = await store.listAgents({ max: 2 });
    expect(listed).toHaveLength(2);
    expect(listed[0]?.adminId).toBe('g-latest');
    expect(await store.listAgents({ adminIds: [] })).toEqual([]);
    expect(await store.listAgents({ adminIds: ['g-nobody'] })).toEqual([]);
  });
});
