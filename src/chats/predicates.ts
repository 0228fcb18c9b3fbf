/**
 * The chat predicates that both the rules and the store need, each with its two forms:
 * `holds` decides in memory (chat-conditions.ts, which the console shares; the rules use
 * it to answer 403/409 with a reason) and `where` is the SQL condition the store puts in a
 * conditional UPDATE or a list's WHERE (so that a race is decided by the database).
 * test/chats/predicates.test.ts runs both forms over a table of chat states and callers,
 * on both stores, and requires them to agree.
 */
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import { type Actor, isSuperAdmin, sideOf } from '../auth/actor.js';
import type { Database } from '../store/schema.js';
import type { QueueViewer } from './chat-conditions.js';
import * as inMemory from './chat-conditions.js';

export type { QueueViewer } from './chat-conditions.js';

type Chats = ExpressionBuilder<Database, 'chats'>;

/** Not closed: it takes messages, and may be taken, transferred or closed. */
export const chatIsOpen = {
  holds: inMemory.chatIsOpen,
  where: (eb: Chats): Expression<SqlBool> => eb('status', '<>', 'closed'),
  /** The same condition for the hand-written append statements (column names are plain in both dialects). */
  sql: `status <> 'closed'`,
};

/** An open chat that no other admin holds or has locked: `adminId` may take it. */
export const adminMayTake = {
  holds: inMemory.adminMayTake,
  where: (eb: Chats, adminId: string): Expression<SqlBool> =>
    eb.and([
      chatIsOpen.where(eb),
      eb.or([eb('assignedAdminId', 'is', null), eb('assignedAdminId', '=', adminId)]),
      eb.or([eb('isLocked', '=', 0), eb('lockedByAdminId', '=', adminId)]),
    ]),
};

/** An active chat assigned to `adminId`: what transfer and unlock act on. */
export const heldBy = {
  holds: inMemory.heldBy,
  where: (eb: Chats, adminId: string): Expression<SqlBool> =>
    eb.and([eb('status', '=', 'active'), eb('assignedAdminId', '=', adminId)]),
};

/**
 * Takes part in the chat, open or not: its own user, its assignee (admin or superadmin,
 * whatever the status), or any superadmin. An admin takes part only in chats assigned to
 * them: to write to a waiting chat they take it first.
 */
export const partyTo = {
  holds: inMemory.partyTo,
  where: (eb: Chats, actor: Actor): Expression<SqlBool> => {
    // Anonymous is v2's trusted caller: a superadmin's rights (roles.ts).
    if (isSuperAdmin(actor) || actor.kind !== 'person') return eb.and([]);
    return sideOf(actor) === 'user'
      ? eb('userId', '=', actor.id)
      : eb('assignedAdminId', '=', actor.id);
  },
  /**
   * The same condition for the hand-written append statements, over the writer's role
   * and id given as SQL expressions (parameters or columns): the append stores each
   * message only if its own writer takes part, whoever the batch's other writers are.
   */
  sql: (role: string, id: string): string =>
    `(${role} = 'superadmin' OR (${role} = 'user' AND "userId" = ${id})` +
    ` OR (${role} <> 'user' AND "assignedAdminId" = ${id}))`,
};

/**
 * An open chat `actor` takes part in: who may write to it and who may close it. The
 * append and close statements carry it in their WHERE, so that a transfer committed a
 * moment ago stops the previous assignee even where a stale chat row let them through.
 */
export const writableBy = {
  holds: inMemory.writableBy,
  where: (eb: Chats, actor: Actor): Expression<SqlBool> =>
    eb.and([chatIsOpen.where(eb), partyTo.where(eb, actor)]),
  sql: (role: string, id: string): string => `${chatIsOpen.sql} AND ${partyTo.sql(role, id)}`,
};

/** In the waiting queue as `viewer` sees it. */
export const inQueueOf = {
  holds: inMemory.inQueueOf,
  where: (eb: Chats, viewer: QueueViewer): Expression<SqlBool> => {
    const waiting = [eb('status', '=', 'waiting'), eb('assignedAdminId', 'is', null)];
    if (viewer.seesLocked) return eb.and(waiting);
    const notLockedByOthers =
      viewer.adminId === null
        ? eb('isLocked', '=', 0)
        : eb.or([eb('isLocked', '=', 0), eb('lockedByAdminId', '=', viewer.adminId)]);
    return eb.and([...waiting, notLockedByOthers]);
  },
};
