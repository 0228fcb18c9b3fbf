/**
 * Each chat predicate has two forms, the in-memory check the rules use (chats/predicates.ts)
 * and the SQL condition the store puts in its conditional updates and lists
 * (store/chat-sql.ts). Over every combination
 * of status, assignee and lock, and every kind of caller, both forms must pick the same
 * chats, on both databases.
 */
import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, person } from '../../src/auth/actor.js';
import { mayView } from '../../src/chats/permissions.js';
import {
  adminMayTake,
  chatIsOpen,
  heldBy,
  inQueueOf,
  lockedInQueueBy,
  partyTo,
  type QueueViewer,
  writableBy,
} from '../../src/chats/predicates.js';
import * as inSql from '../../src/store/chat-sql.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { toChat } from '../../src/store/rows.js';
import type { Database } from '../../src/store/schema.js';
import { storeTargets } from '../helpers/stores.js';
import { ADMINS, callers, describeCaller, everyChatState, openDatabase } from './chat-states.js';

const viewers: QueueViewer[] = [
  { adminId: 'a1', seesLocked: false },
  { adminId: 'a3', seesLocked: false },
  { adminId: null, seesLocked: false },
  { adminId: 'a1', seesLocked: true },
  { adminId: null, seesLocked: true },
];

/** The raw text form as a statement uses it, with the writer's role and id as literals. */
const rawWhere = (form: (role: string, id: string) => string, actor: Actor) => {
  if (actor.kind !== 'person') throw new Error('the raw form is for senders, who are persons');
  return sql.raw(form(`'${actor.role}'`, `'${actor.id}'`));
};

describe.each(await storeTargets())('chat predicates on $name', (target) => {
  let db: Kysely<Database>;
  let drop: () => Promise<void>;
  const rows = everyChatState();
  const chats = rows.map(toChat);
  const ids = (picked: { _id: string }[]) => picked.map((c) => c._id).sort();
  const selected = async (
    where: (eb: ExpressionBuilder<Database, 'chats'>) => Expression<SqlBool>,
  ) => (await db.selectFrom('chats').select('id').where(where).execute()).map((r) => r.id).sort();

  beforeAll(async () => {
    ({ db, drop } = await openDatabase(target));
    // The migrations take a database of any schema; Kysely's type parameter is invariant.
    await migrateToLatest(db as Kysely<unknown>);
    await db.insertInto('chats').values(rows).execute();
  });
  afterAll(async () => {
    await db.destroy();
    await drop();
  });

  it('the table covers open and closed, taken and free, locked and unlocked chats', () => {
    expect(chats).toHaveLength(27);
    expect(chats.filter(chatIsOpen.holds).length).toBe(18);
  });

  it('"this chat is open": holds, where and the raw statement text agree', async () => {
    const inMemory = ids(chats.filter((c) => chatIsOpen.holds(c)));
    expect(await selected((eb) => inSql.chatIsOpen.where(eb))).toEqual(inMemory);
    const raw = await sql<{
      id: string;
    }>`SELECT id FROM chats WHERE ${sql.raw(inSql.chatIsOpen.sql)}`.execute(db);
    expect(raw.rows.map((r) => r.id).sort()).toEqual(inMemory);
  });

  it.each(ADMINS)('"an admin may take this chat" agrees for %s', async (adminId) => {
    const inMemory = ids(chats.filter((c) => adminMayTake.holds(c, adminId)));
    expect(await selected((eb) => inSql.adminMayTake.where(eb, adminId))).toEqual(inMemory);
    expect(inMemory.length).toBeGreaterThan(0);
  });

  it.each(ADMINS)('"held by this admin" agrees for %s', async (adminId) => {
    const inMemory = ids(chats.filter((c) => heldBy.holds(c, adminId)));
    expect(await selected((eb) => inSql.heldBy.where(eb, adminId))).toEqual(inMemory);
  });

  it.each(ADMINS)('"locked in the queue by this admin" agrees for %s', async (adminId) => {
    const inMemory = ids(chats.filter((c) => lockedInQueueBy.holds(c, adminId)));
    expect(await selected((eb) => inSql.lockedInQueueBy.where(eb, adminId))).toEqual(inMemory);
  });

  it.each(viewers)('"this admin sees this chat in the queue" agrees for %o', async (viewer) => {
    const inMemory = ids(chats.filter((c) => inQueueOf.holds(c, viewer)));
    expect(await selected((eb) => inSql.inQueueOf.where(eb, viewer))).toEqual(inMemory);
    expect(inMemory.length).toBeGreaterThan(0);
  });

  it.each(callers.map((c) => [describeCaller(c), c] as const))(
    '"takes part in this chat" and "may write to this chat": holds, where and the raw statement text agree for %s',
    async (_, actor) => {
      for (const [predicate, condition] of [
        [partyTo, inSql.partyTo],
        [writableBy, inSql.writableBy],
      ] as const) {
        const inMemory = ids(chats.filter((c) => predicate.holds(c, actor)));
        expect(await selected((eb) => condition.where(eb, actor))).toEqual(inMemory);
        if (actor.kind !== 'person') continue;
        const raw = await sql<{ id: string }>`SELECT id FROM chats WHERE ${rawWhere(
          condition.sql,
          actor,
        )}`.execute(db);
        expect(raw.rows.map((r) => r.id).sort()).toEqual(inMemory);
      }
    },
  );

  it.each(callers.map((c) => [describeCaller(c), c] as const))(
    '"may view this chat": mayView and the SQL condition search puts in its query agree for %s',
    async (_, actor) => {
      const inMemory = ids(chats.filter((c) => mayView(c, actor)));
      const raw = await sql<{
        id: string;
      }>`SELECT id FROM chats c WHERE ${inSql.viewableBy.sql(actor, 'c')}`.execute(db);
      expect(raw.rows.map((r) => r.id).sort()).toEqual(inMemory);
    },
  );

  it("who may write: the chat's user and its assignee while it is open, a superadmin any open chat", () => {
    const writable = (actor: Actor) => chats.filter((c) => writableBy.holds(c, actor)).length;
    expect(writable(person('s1', 'S', 'superadmin'))).toBe(18);
    expect(writable(person('u-0', 'U', 'user'))).toBe(1);
    // Assigned to a1 and open: active or (imported from v2) waiting, locked by anyone.
    expect(writable(person('a1', 'A', 'admin'))).toBe(6);
    expect(writable(person('a3', 'A', 'admin'))).toBe(0);
    expect(writable(person('a1', 'U', 'user'))).toBe(0);
  });
});
