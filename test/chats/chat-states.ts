/**
 * Every state a chat row can be in and every kind of caller, for the tests that check two
 * forms of one rule agree (predicates: in memory and SQL; permissions: the console's and
 * the server's), with a bare database of either store to run the SQL forms on.
 */
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, type Selectable, SqliteDialect } from 'kysely';
import pg from 'pg';
import { type Actor, ANONYMOUS, person } from '../../src/auth/actor.js';
import type { Capabilities } from '../../src/chats/permissions.js';
import {
  assertMayClose,
  assertMayTake,
  assertMayTransfer,
  assertMayUnlock,
  assertMayView,
  assertMayWrite,
} from '../../src/chats/rules.js';
import type { Chat } from '../../src/schemas/shapes.js';
import type { ChatsTable, Database } from '../../src/store/schema.js';
import type { TestDatabase } from '../helpers/stores.js';

export const ADMINS = ['a1', 'a2', 'a3'];
const at = '2026-01-01T00:00:00.000Z';

/** Every status × assignee × lock holder, including combinations the server never makes. */
export function everyChatState(): Selectable<ChatsTable>[] {
  const rows: Selectable<ChatsTable>[] = [];
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
          adminReadSeq: 0,
          userReadSeq: 0,
          createdAt: at,
          updatedAt: at,
          closedAt: status === 'closed' ? at : null,
          ratingScore: null,
          ratingComment: null,
          ratedAt: null,
          ctx: null,
          labels: '[]',
          firstAssignedAt: null,
          firstResponseAt: null,
          userMessages: 0,
          adminMessages: 0,
          createdMs: Date.parse(at),
          firstAssignedMs: null,
          firstResponseMs: null,
          closedMs: status === 'closed' ? Date.parse(at) : null,
        });
      }
  return rows;
}

/**
 * Every kind of caller: a superadmin, admins (assignee or not), the chat's user and
 * another user, and ids that belong to the other side (a user named like an assignee,
 * an admin named like a chat's user), which must not count.
 */
export const callers: Actor[] = [
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
export const describeCaller = (actor: Actor) =>
  actor.kind === 'person' ? `${actor.role} ${actor.id}` : 'anonymous';

export async function openDatabase(target: { name: string; create(): Promise<TestDatabase> }) {
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

const allows = (rule: () => void): boolean => {
  try {
    rule();
    return true;
  } catch {
    return false;
  }
};

/** An admin the transfer goes to: never anyone's assignee in the table. */
const SOMEONE_ELSE = 'a-elsewhere';

/** What the server's rules allow, each action asked as the console asks it. */
export function serverAllows(chat: Chat, actor: Actor): Capabilities {
  const take = allows(() => assertMayTake(chat, actor));
  const handOver = allows(() => assertMayUnlock(chat, actor));
  return {
    view: allows(() => assertMayView(chat, actor)),
    take,
    lock: take,
    // The console names the chat's assignee as the admin it comes from.
    transfer: allows(() =>
      assertMayTransfer(chat, actor, chat.assignedAdminId ?? '', SOMEONE_ELSE),
    ),
    unlock: handOver,
    // Closing a closed chat is a no-op the server answers with success: nothing to offer.
    close: chat.status !== 'closed' && allows(() => assertMayClose(chat, actor)),
    write: allows(() => assertMayWrite(chat, actor)),
  };
}
