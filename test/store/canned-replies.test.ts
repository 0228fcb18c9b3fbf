/**
 * Canned replies' conformance on both stores: personal replies are listed to their owner
 * only, team ones to everyone; a shortcut is unique per scope and owner with case not
 * counting (the database decides, also between racing writers); update and delete.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import type { CannedReplyFields, CannedReplyRecord, Store } from '../../src/store/store.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const personal = (ownerId: string, shortcut: string): CannedReplyFields => ({
  scope: 'personal',
  ownerId,
  shortcut,
  title: `Title ${shortcut}`,
  content: `Content of ${shortcut}`,
});
const team = (shortcut: string): CannedReplyFields => ({
  scope: 'team',
  ownerId: null,
  shortcut,
  title: `Team ${shortcut}`,
  content: `Team content of ${shortcut}`,
});

describe.each(await storeTargets())('canned replies on $name', (target) => {
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

  const created = async (fields: CannedReplyFields): Promise<CannedReplyRecord> => {
    const r = await store.createCannedReply(fields);
    if (r === 'shortcutTaken') throw new Error(`shortcut ${fields.shortcut} taken`);
    return r;
  };

  it("lists the team's replies and the owner's own, by shortcut, never another admin's", async () => {
    await created(personal('c-ann', 'zeta'));
    await created(personal('c-ann', 'alpha'));
    await created(personal('c-bob', 'bobs'));
    await created(team('middle'));
    const ann = await store.listCannedReplies('c-ann', 100);
    expect(ann.map((r) => [r.scope, r.shortcut])).toEqual([
      ['personal', 'alpha'],
      ['team', 'middle'],
      ['personal', 'zeta'],
    ]);
    expect(ann.find((r) => r.shortcut === 'alpha')).toMatchObject({
      ownerId: 'c-ann',
      title: 'Title alpha',
      content: 'Content of alpha',
    });
    expect((await store.listCannedReplies(null, 100)).map((r) => r.shortcut)).toEqual(['middle']);
    expect(await store.listCannedReplies('c-ann', 2)).toHaveLength(2);
  });

  it('refuses a shortcut taken in the same scope and owner, case not counting, and allows it elsewhere', async () => {
    await created(personal('c-cat', 'Refund'));
    expect(await store.createCannedReply(personal('c-cat', 'rEFUND'))).toBe('shortcutTaken');
    await created(personal('c-dan', 'refund'));
    await created(team('refund'));
    expect(await store.createCannedReply(team('REFUND'))).toBe('shortcutTaken');
    // Cyrillic case folds too.
    await created(personal('c-cat', 'Возврат'));
    expect(await store.createCannedReply(personal('c-cat', 'возврат'))).toBe('shortcutTaken');
  });

  it('refuses a shortcut that full case folding makes one with a taken one (ß and SS, ligatures, full width)', async () => {
    await created(personal('c-fold', 'straße'));
    expect(await store.createCannedReply(personal('c-fold', 'STRASSE'))).toBe('shortcutTaken');
    await created(team('ﬁx-fold'));
    expect(await store.createCannedReply(team('FIX-fold'))).toBe('shortcutTaken');
    await created(personal('c-fold', 'ＶＩＰ'));
    expect(await store.createCannedReply(personal('c-fold', 'vip'))).toBe('shortcutTaken');
  });

  it('lets exactly one of two racing creates of one shortcut win', async () => {
    const results = await Promise.all([
      store.createCannedReply(personal('c-race', 'same')),
      store.createCannedReply(personal('c-race', 'same')),
    ]);
    expect(results.filter((r) => r === 'shortcutTaken')).toHaveLength(1);
    expect(await store.countCannedReplies('personal', 'c-race')).toBe(1);
  });

  it('updates every field, moves between scopes, and refuses a taken shortcut', async () => {
    const mine = await created(personal('c-eve', 'draft'));
    await created(personal('c-eve', 'other'));
    expect(await store.updateCannedReply(mine.id, personal('c-eve', 'OTHER'))).toBe(
      'shortcutTaken',
    );
    const renamed = await store.updateCannedReply(mine.id, {
      ...personal('c-eve', 'final'),
      title: 'New title',
      content: 'New content',
    });
    expect(renamed).toMatchObject({ id: mine.id, shortcut: 'final', title: 'New title' });
    const moved = await store.updateCannedReply(mine.id, team('eve-shared'));
    expect(moved).toMatchObject({ scope: 'team', ownerId: null });
    expect(await store.getCannedReply(mine.id)).toMatchObject({ shortcut: 'eve-shared' });
    expect(await store.updateCannedReply('0'.repeat(24), team('ghost'))).toBeUndefined();
  });

  it('counts per scope and owner, and deletes once', async () => {
    await created(personal('c-fay', 'one'));
    const two = await created(personal('c-fay', 'two'));
    expect(await store.countCannedReplies('personal', 'c-fay')).toBe(2);
    const teamBefore = await store.countCannedReplies('team', null);
    await created(team('fay-team'));
    expect(await store.countCannedReplies('team', null)).toBe(teamBefore + 1);
    expect(await store.deleteCannedReply(two.id)).toBe(true);
    expect(await store.deleteCannedReply(two.id)).toBe(false);
    expect(await store.getCannedReply(two.id)).toBeUndefined();
    expect(await store.countCannedReplies('personal', 'c-fay')).toBe(1);
  });
});
