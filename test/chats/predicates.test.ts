/**
 * Each chat predicate has two forms, the in-memory check the rules use (chats/predicates.ts)
 * and the SQL condition the store puts in its conditional updates and lists
 * (store/chat-conditions.ts). Over every combination
 * of status, assignee and lock, and every kind of caller, both forms must pick the same
 * chats, on both databases.
 */
import BetterSqlite3 from 'better-sqlite3';
import {
  type Expression,
  type ExpressionBuilder,
  Kysely,
  PostgresDialect,
  type SqlBool,
  SqliteDialect,
  sql,
} from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, ANONYMOUS, person } from '../../src/auth/actor.js';
import {
  adminMayTake,
  chatIsOpen,
  heldBy,
  inQueueOf,
  partyTo,
  type QueueViewer,
  writableBy,
} from '../../src/chats/predicates.js';
import * as inSql from '../../src/store/chat-conditions.js';
import { migrateToLatest } from '../../src/store/migrations.js';
import { toChat } from '../../src/store/rows.js';
import type { ChatsTable, Database } from '../../src/store/schema.js';
import { storeTargets, type TestDatabase } from '../helpers/stores.js';

const ADMINS = ['a1', 'a2', 'a3'];
const at = '2026-01-01T00:00:00.000Z';

/** Every status × assignee × lock holder, including combinations the server never makes. */
function everyChatState(): ChatsTable[] {
  const rows: ChatsTable[] = [];
  for (const status of ['waiting', 'active', 'closed'] as const)
    for (const assignee of [null, 'a1', 'a2'])
      for (const locker of [null, 'a1', 'a2']) {
        rows.push({
          id: `${status}-${assignee ?? 'none'}-${locker ?? 'none'}`,
          userId: `u-${rows.length}`,
          userName: 'U',
          status,
          assignedAdminId: assignee,
          assignedAdminName: assignee && `Name ${assignee}`,
          isLocked: locker ? 1 : 0,
          lockedByAdminId: locker,
          lockedByAdminName: locker && `Name ${locker}`,
          lastMessage: '',
          lastMessageAt: at,
          unreadCount: 0,
          userOnline: 0,
          lastSeq: 0,
          createdAt: at,
          updatedAt: at,
        });
      }
  return rows;
}

const viewers: QueueViewer[] = [
  { adminId: 'a1', seesLocked: false },
  { adminId: 'a3', seesLocked: false },
  { adminId: null, seesLocked: false },
  { adminId: 'a1', seesLocked: true },
  { adminId: null, seesLocked: true },
];

/**
 * Every kind of caller: a superadmin, admins (assignee or not), the chat's user and
 * another user, and ids that belong to the other side (a user named like an assignee,
 * an admin named like a chat's user), which must not count.
 */
const callers: Actor[] = [
  ANONYMOUS,
  person('s1', 'S', 'superadmin'),
  person('a1', 'A', 'superadmin'),
  ...ADMINS.map((id) => person(id, 'A', 'admin')),
  person('u-0', 'U', 'user'),
  person('u-13', 'U', 'user'),
  person('u-none', 'U', 'user'),
  person('a1', 'U', 'user'),
  person('u-10', 'A', 'admin'),
];
const describeCaller = (actor: Actor) =>
  actor.kind === 'person' ? `${actor.role} ${actor.id}` : 'anonymous';

/** The raw text form as a statement uses it, with the writer's role and id as literals. */
const rawWhere = (form: (role: string, id: string) => string, actor: Actor) => {
  if (actor.kind !== 'person') throw new Error('the raw form is for senders, who are persons');
  return sql.raw(form(`'${actor.role}'`, `'${actor.id}'`));
};

async function openDatabase(target: { name: string; create(): Promise<TestDatabase> }) {
  if (target.name === 'sqlite') {
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }),
    });
    return { db, drop: async () => {} };
  }
  const created = await target.create();
  if (created.config.kind !== 'postgres') throw new Error('expected PostgreSQL');
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: created.config.url }) }),
  });
  return { db, drop: () => created.drop() };
}

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
