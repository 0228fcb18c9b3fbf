/**
 * The SQL forms of the chat predicates: the conditions the store puts in a conditional
 * UPDATE, a list's WHERE, or a hand-written append statement, so that a race is decided
 * by the database. Their in-memory forms (src/chats/predicates.ts, same names) answer
 * 403/409 with a reason; test/chats/predicates.test.ts runs both over a table of chat
 * states and callers, on both stores, and requires them to agree. They live here, not
 * beside the in-memory forms, because the use cases in chats/ call the store: the store
 * reading from chats/ would make the two folders depend on each other.
 */
import {
  type Expression,
  type ExpressionBuilder,
  type RawBuilder,
  type SqlBool,
  sql,
} from 'kysely';
import { type Actor, isAdmin, isSuperAdmin, sideOf } from '../auth/roles.js';
import type { Database } from './schema.js';

type Chats = ExpressionBuilder<Database, 'chats'>;

/** Which waiting chats an admin is shown: a superadmin sees every one, others not those locked by someone else. */
export interface QueueViewer {
  adminId: string | null;
  seesLocked: boolean;
}

/** Not closed. */
export const chatIsOpen = {
  where: (eb: Chats): Expression<SqlBool> => eb('status', '<>', 'closed'),
  /** For the hand-written append statements (column names are plain in both dialects). */
  sql: `status <> 'closed'`,
};

/** An open chat that no other admin holds or has locked. */
export const adminMayTake = {
  where: (eb: Chats, adminId: string): Expression<SqlBool> =>
    eb.and([
      chatIsOpen.where(eb),
      eb.or([eb('assignedAdminId', 'is', null), eb('assignedAdminId', '=', adminId)]),
      eb.or([eb('isLocked', '=', 0), eb('lockedByAdminId', '=', adminId)]),
    ]),
};

/** An active chat assigned to `adminId`. */
export const heldBy = {
  where: (eb: Chats, adminId: string): Expression<SqlBool> =>
    eb.and([eb('status', '=', 'active'), eb('assignedAdminId', '=', adminId)]),
};

/** A waiting chat nobody is assigned, locked by `adminId`. */
export const lockedInQueueBy = {
  where: (eb: Chats, adminId: string): Expression<SqlBool> =>
    eb.and([
      eb('status', '=', 'waiting'),
      eb('assignedAdminId', 'is', null),
      eb('isLocked', '=', 1),
      eb('lockedByAdminId', '=', adminId),
    ]),
};

/** What an unlock frees a chat from: `adminId` holds it, or locks it in the queue. */
export const releasableFrom = {
  where: (eb: Chats, adminId: string): Expression<SqlBool> =>
    eb.or([heldBy.where(eb, adminId), lockedInQueueBy.where(eb, adminId)]),
};

/** Its own user, its assignee, or any superadmin. */
export const partyTo = {
  where: (eb: Chats, actor: Actor): Expression<SqlBool> => {
    // Anonymous is v2's trusted caller: a superadmin's rights (actor.ts).
    if (isSuperAdmin(actor) || actor.kind !== 'person') return eb.and([]);
    return sideOf(actor) === 'user'
      ? eb('userId', '=', actor.id)
      : eb('assignedAdminId', '=', actor.id);
  },
  /**
   * For the hand-written append statements, over the writer's role and id given as SQL
   * expressions (parameters or columns): the append stores each message only if its own
   * writer takes part, whoever the batch's other writers are.
   */
  sql: (role: string, id: string): string =>
    `(${role} = 'superadmin' OR (${role} = 'user' AND "userId" = ${id})` +
    ` OR (${role} <> 'user' AND "assignedAdminId" = ${id}))`,
};

/** An open chat `actor` takes part in: who may write to it and who may close it. */
export const writableBy = {
  where: (eb: Chats, actor: Actor): Expression<SqlBool> =>
    eb.and([chatIsOpen.where(eb), partyTo.where(eb, actor)]),
  sql: (role: string, id: string): string => `${chatIsOpen.sql} AND ${partyTo.sql(role, id)}`,
};

/** In the waiting queue as `viewer` sees it. */
export const inQueueOf = {
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

/**
 * Who may view the chat (permissions.ts `mayView`): its user, its assignee, an admin who
 * sees it in the queue, a superadmin. As a condition on the chats row named `chats` in a
 * hand-written query (search puts it in the query that finds the matches, so a page
 * never holds a chat the caller may not view and never comes back short for it).
 */
export const viewableBy = {
  sql: (actor: Actor, chats: string): RawBuilder<SqlBool> => {
    const col = (name: string) => sql.ref(`${chats}.${name}`);
    if (isSuperAdmin(actor)) return sql<SqlBool>`1 = 1`;
    if (actor.kind !== 'person') return sql<SqlBool>`1 = 0`;
    if (!isAdmin(actor)) return sql<SqlBool>`(${col('userId')} = ${actor.id})`;
    return sql<SqlBool>`(${col('assignedAdminId')} = ${actor.id} OR (${col('status')} = 'waiting'
      AND ${col('assignedAdminId')} IS NULL
      AND (${col('isLocked')} = 0 OR ${col('lockedByAdminId')} = ${actor.id})))`;
  },
};

/** A chat put back in the queue (an unassign, a reply timeout): nobody holds or locks it. */
export const backInQueue = (at: string) =>
  ({
    status: 'waiting',
    assignedAdminId: null,
    assignedAdminName: null,
    isLocked: 0,
    lockedByAdminId: null,
    lockedByAdminName: null,
    updatedAt: at,
  }) as const;
