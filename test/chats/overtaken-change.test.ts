/**
 * A take, an unlock or a close whose chat changed between the use case's read and the
 * store's write (another change committed in between, on this node or another): what it
 * tells (whose load moved, who joined) is decided from the row the store changed, not
 * from the earlier read, and so is what its audit entry says it changed from.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { person } from '../../src/auth/actor.js';
import { closeChat, takeChat, unlockChat } from '../../src/chats/use-cases.js';
import type { Emit } from '../../src/outcome.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { rawSql } from '../helpers/raw-sql.js';
import { depsWith, overtakenBefore } from '../helpers/stale-store.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const loadsIn = (events: readonly Emit[]) =>
  events.flatMap((e) =>
    e.event === 'agent-status' ? [[e.payload.adminId, e.payload.activeChats]] : [],
  );

describe.each(await storeTargets())('a change overtaken before its write on $name', (target) => {
  let db: TestDatabase;
  let store: Store;
  beforeEach(async () => {
    db = await target.create();
    store = await openStore(db.config);
  });
  afterEach(async () => {
    await store?.close();
    await db?.drop();
  });

  const locker = person('ov-locker', 'Locker', 'admin');
  const superadmin = person('ov-super', 'Super', 'superadmin');

  it("a superadmin's unlock of a waiting locked chat its locker takes meanwhile tells the locker's load", async () => {
    await store.recordAdmin(locker);
    const { chat } = await store.openChat({ userId: 'ov-u1', userName: 'U', online: false });
    // Locked in the queue (as the v2 import keeps a lock): written behind the store's back.
    await store.close();
    await rawSql(
      db.config,
      `UPDATE chats SET "isLocked" = 1, "lockedByAdminId" = '${locker.id}',
         "lockedByAdminName" = 'Locker' WHERE id = '${chat._id}'`,
    );
    store = await openStore(db.config);
    const racing = overtakenBefore(store, 'releaseChat', () =>
      takeChat(depsWith(store), locker, { chatId: chat._id, lock: false }),
    );
    const unlocked = await unlockChat(depsWith(racing), superadmin, { chatId: chat._id });
    expect(unlocked.reply.chat).toMatchObject({ status: 'waiting', assignedAdminId: null });
    // Released while active: the locker's load went from one back to none.
    expect(loadsIn(unlocked.events)).toEqual([[locker.id, 0]]);
  });

  it('a user closing a waiting chat an admin takes meanwhile tells the admin’s load, to whoever could view it active', async () => {
    const admin = person('ov-admin', 'Admin', 'admin');
    await store.recordAdmin(admin);
    const user = person('ov-u2', 'U', 'user');
    const { chat } = await store.openChat({ userId: user.id, userName: 'U', online: false });
    const racing = overtakenBefore(store, 'closeChat', () =>
      takeChat(depsWith(store), admin, { chatId: chat._id, lock: false }),
    );
    const closed = await closeChat(depsWith(racing), user, { chatId: chat._id });
    expect(closed.reply.chat).toMatchObject({ status: 'closed', assignedAdminId: admin.id });
    expect(loadsIn(closed.events)).toEqual([[admin.id, 0]]);
    const told = closed.events.find((e) => e.event === 'chat-closed');
    expect(told?.viewersOf).toMatchObject({ status: 'active', assignedAdminId: admin.id });
    const entry = await store.audit.list({ chatId: chat._id, action: 'chat.closed', limit: 1 });
    expect(entry.entries[0]?.details).toEqual({ fromStatus: 'active' });
  });

  it('an admin locking their own chat that a superadmin unlocks meanwhile tells their load, and the user that they joined', async () => {
    const admin = person('ov-holder', 'Holder', 'admin');
    await store.recordAdmin(admin);
    const { chat } = await store.openChat({ userId: 'ov-u3', userName: 'U', online: false });
    await takeChat(depsWith(store), admin, { chatId: chat._id, lock: false });
    const racing = overtakenBefore(store, 'takeChat', () =>
      unlockChat(depsWith(store), superadmin, { chatId: chat._id }),
    );
    const locked = await takeChat(depsWith(racing), admin, { chatId: chat._id, lock: true });
    expect(locked.reply.chat).toMatchObject({ status: 'active', lockedByAdminId: admin.id });
    // Taken from the queue, not re-locked in place: back in the admin's load.
    expect(loadsIn(locked.events)).toEqual([[admin.id, 1]]);
    expect(locked.events.map((e) => e.event)).toContain('admin-joined');
    // Locked from the queue, where nobody held it.
    const entry = await store.audit.list({ chatId: chat._id, action: 'chat.locked', limit: 1 });
    expect(entry.entries[0]?.details).toEqual({ fromAdminId: null });
  });
});
