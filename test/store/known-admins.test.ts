/**
 * Known admins' conformance on both stores: what a transfer's target is checked against
 * and what the transfer picker lists, and what migration 0007 learns from existing chats.
 */
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { person } from '../../src/auth/roles.js';
import type { DatabaseConfig } from '../../src/config.js';
import { migrateTo, migrateToLatest } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open.js';
import type { ChatsTable, Database } from '../../src/store/schema.js';
import type { Store } from '../../src/store/store.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

/** The database under the schema `T` it has (the latest unless a test migrated it partway). */
function rawDatabase<T = Database>(config: DatabaseConfig): Kysely<T> {
  return config.kind === 'postgres'
    ? new Kysely({
        dialect: new PostgresDialect({
          pool: new pg.Pool({ connectionString: config.url, max: 1 }),
        }),
      })
    : new Kysely({ dialect: new SqliteDialect({ database: new BetterSqlite3(config.path) }) });
}

describe.each(await storeTargets())('known admins on $name', (target) => {
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

  it('knows an admin once recorded, and no other id', async () => {
    expect(await store.isKnownAdmin('k-anna')).toBe(false);
    await store.recordAdmin({ id: 'k-anna', name: 'Anna' });
    expect(await store.isKnownAdmin('k-anna')).toBe(true);
    expect(await store.isKnownAdmin('k-ann')).toBe(false);
    expect(await store.isKnownAdmin('K-ANNA')).toBe(false);
  });

  it('keeps the latest name, and a nameless sighting keeps the name it has', async () => {
    await store.recordAdmin({ id: 'k-bob', name: 'Bob' });
    await store.recordAdmin({ id: 'k-bob', name: 'Robert' });
    await store.recordAdmin({ id: 'k-bob', name: '' });
    const bob = (await store.listKnownAdmins(200)).find((a) => a.id === 'k-bob');
    expect(bob?.name).toBe('Robert');
  });

  it('answers the name an admin was last recorded with, and nothing for an unknown id', async () => {
    await store.recordAdmin({ id: 'k-name', name: 'Nargiza' });
    expect(await store.knownAdminName('k-name')).toBe('Nargiza');
    expect(await store.knownAdminName('k-nobody')).toBeUndefined();
  });

  it('lists the most recently seen first, at most as many as asked', async () => {
    for (const id of ['k-l1', 'k-l2', 'k-l3']) {
      await store.recordAdmin({ id, name: id.toUpperCase() });
      await new Promise((resolve) => setTimeout(resolve, 2)); // distinct lastSeenAt
    }
    const listed = await store.listKnownAdmins(2);
    expect(listed.map((a) => a.id)).toEqual(['k-l3', 'k-l2']);
    expect(listed[0]).toEqual({ id: 'k-l3', name: 'K-L3', lastSeenAt: expect.any(String) });
    await store.recordAdmin({ id: 'k-l1', name: 'K-L1' });
    expect((await store.listKnownAdmins(1))[0]?.id).toBe('k-l1');
  });

  it('knows an admin who holds an open chat though never recorded (a chat imported from v2)', async () => {
    const { chat } = await store.openChat({ userId: 'k-user', userName: 'U', online: false });
    await store.takeChat(chat._id, { id: 'k-imported', name: 'Imported' }, false);
    expect(await store.isKnownAdmin('k-imported')).toBe(true);
    await store.closeChat(chat._id, person('k-user', 'U', 'user'));
    // Closed: no longer holding anything, and never recorded.
    expect(await store.isKnownAdmin('k-imported')).toBe(false);
  });
});

/** A chat row before migration 0010 added the read watermarks (and later ones their columns). */
type ChatsBefore0010 = Omit<
  ChatsTable,
  | 'createdMs'
  | 'firstAssignedMs'
  | 'firstResponseMs'
  | 'closedMs'
  | 'adminReadSeq'
  | 'userReadSeq'
  | 'firstAssignedAt'
  | 'labels'
  | 'closedAt'
  | 'ratingScore'
  | 'ratingComment'
  | 'ratedAt'
  | 'ctx'
  | 'firstResponseAt'
  | 'userMessages'
  | 'adminMessages'
>;

describe.each(await storeTargets())('migration 0007 on $name', (target) => {
  let db: TestDatabase;
  afterAll(async () => {
    await db?.drop();
  });

  it('learns the admins existing chats name (holders and lock holders), each once', async () => {
    db = await target.create();
    const raw = rawDatabase<{ chats: ChatsBefore0010 }>(db.config);
    // The migrator works on any schema (as the import's does).
    const untyped = raw as unknown as Kysely<unknown>;
    try {
      await migrateTo(untyped, '0006_chat_list_indexes');
      const chat = (
        id: string,
        holder: string | null,
        locker: string | null,
        at: string,
      ): ChatsBefore0010 => ({
        id,
        userId: `u-${id}`,
        userName: 'U',
        status: holder ? 'closed' : 'waiting',
        lastMessage: '',
        unreadCount: 0,
        userOnline: 0,
        lastSeq: 0,
        assignedAdminId: holder,
        assignedAdminName: holder && `Name of ${holder}`,
        isLocked: locker ? 1 : 0,
        lockedByAdminId: locker,
        lockedByAdminName: locker && `Name of ${locker}`,
        lastMessageAt: at,
        createdAt: at,
        updatedAt: at,
      });
      await raw
        .insertInto('chats')
        .values([
          chat('c1', 'm-held', null, '2026-01-01T00:00:00.000Z'),
          chat('c2', 'm-held', 'm-held', '2026-02-01T00:00:00.000Z'),
          chat('c3', null, 'm-locker', '2026-03-01T00:00:00.000Z'),
          chat('c4', null, null, '2026-04-01T00:00:00.000Z'),
        ])
        .execute();
      await migrateToLatest(untyped);
    } finally {
      await raw.destroy();
    }
    const store = await openStore(db.config);
    try {
      const known = await store.listKnownAdmins(200);
      expect(known).toEqual([
        { id: 'm-locker', name: 'Name of m-locker', lastSeenAt: '2026-03-01T00:00:00.000Z' },
        { id: 'm-held', name: 'Name of m-held', lastSeenAt: '2026-02-01T00:00:00.000Z' },
      ]);
      expect(await store.isKnownAdmin('m-held')).toBe(true);
      expect(await store.isKnownAdmin('m-nobody')).toBe(false);
    } finally {
      await store.close();
    }
  });
});
