/**
 * An unlock (releaseChat) and a close answer the row they changed as it was when they
 * changed it: the use cases decide from it whose load moved. On PostgreSQL a take that
 * commits while the change waits for the chat's row is in that row, not the one read
 * before it committed.
 */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { person } from '../../src/auth/actor.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

describe.each(await storeTargets())('changed rows on $name', (target) => {
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

  const admin = { id: 'cr-a', name: 'A' };

  it('an unlock and a close answer the chat before and after', async () => {
    const { chat } = await store.openChat({ userId: 'cr-u1', userName: 'U', online: false });
    await store.takeChat(chat._id, admin, true);
    expect(await store.releaseChat(chat._id, admin.id)).toMatchObject({
      before: { status: 'active', assignedAdminId: admin.id, isLocked: true },
      chat: { status: 'waiting', assignedAdminId: null, isLocked: false },
    });
    expect(await store.closeChat(chat._id, person('cr-u1', 'U', 'user'))).toMatchObject({
      before: { status: 'waiting', assignedAdminId: null },
      chat: { status: 'closed' },
    });
    expect(await store.releaseChat(chat._id, admin.id)).toBeUndefined();
  });

  if (target.name === 'postgres') {
    for (const change of ['unlock', 'close'] as const) {
      it(`${change === 'unlock' ? 'an unlock' : 'a close'} waiting for the chat's row while a take commits answers the row taken`, async () => {
        if (db.config.kind !== 'postgres') return;
        const { chat } = await store.openChat({ userId: 'cr-u2', userName: 'U', online: false });
        // A waiting chat locked by the admin, as the v2 import keeps it: both changes apply
        // to it waiting and active.
        const take = new pg.Client({ connectionString: db.config.url });
        await take.connect();
        try {
          await take.query(
            `UPDATE chats SET "isLocked" = 1, "lockedByAdminId" = $2, "lockedByAdminName" = 'A'
             WHERE id = $1`,
            [chat._id, admin.id],
          );
          store.forgetChat(chat._id);
          // The take, as its statement writes it, held uncommitted.
          await take.query('BEGIN');
          await take.query(
            `UPDATE chats SET status = 'active', "assignedAdminId" = $2, "assignedAdminName" = 'A'
             WHERE id = $1`,
            [chat._id, admin.id],
          );
          const changed =
            change === 'unlock'
              ? store.releaseChat(chat._id, admin.id)
              : store.closeChat(chat._id, person('cr-u2', 'U', 'user'));
          const waits = async () =>
            (
              await take.query(
                `SELECT count(*)::int AS n FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock'`,
              )
            ).rows[0]?.n > 0;
          while (!(await waits())) await new Promise((resolve) => setTimeout(resolve, 10));
          await take.query('COMMIT');
          expect((await changed)?.before).toMatchObject({
            status: 'active',
            assignedAdminId: admin.id,
          });
        } finally {
          await take.end();
        }
      });
    }
  }
});
