/**
 * The chat predicates that both the rules and the store need, each written once with its
 * two forms: `holds` decides in memory (to answer 403/409 with a reason) and `where` is
 * the SQL condition the store puts in a conditional UPDATE or a list's WHERE (so that a
 * race is decided by the database). test/chats/predicates.test.ts runs both forms over a
 * table of chat states and callers, on both stores, and requires them to agree.
 */
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import { type Actor, isAdminNamed, isSuperAdmin, isUser, sideOf } from '../auth/actor.js';
import type { Chat } from '../schemas/shapes.js';
import type { Database } from '../store/schema.js';

type Chats = ExpressionBuilder<Database, 'chats'>;

/** Which waiting chats an admin is shown: a superadmin sees every one, others not those locked by someone else. */
export interface QueueViewer {
  adminId: string | null;
  seesLocked: boolean;
}

/** Not closed: it takes messages, and may be taken, transferred or closed. */
export const chatIsOpen = {
  holds: (chat: Chat): boolean => chat.status !== 'closed',
  where: (eb: Chats): Expression<SqlBool> => eb('status', '<>', 'closed'),
  /** The same condition for the hand-written append statements (column names are plain in both dialects). */
  sql: `status <> 'closed'`,
};

/** An open chat that no other admin holds or has locked: `adminId` may take it. */
export const adminMayTake = {
  holds: (chat: Chat, adminId: string): boolean =>
    chatIsOpen.holds(chat) &&
    (chat.assignedAdminId === null || chat.assignedAdminId === adminId) &&
    (!chat.isLocked || chat.lockedByAdminId === adminId),
  where: (eb: Chats, adminId: string): Expression<SqlBool> =>
    eb.and([
      chatIsOpen.where(eb),
      eb.or([eb('assignedAdminId', 'is', null), eb('assignedAdminId', '=', adminId)]),
      eb.or([eb('isLocked', '=', 0), eb('lockedByAdminId', '=', adminId)]),
    ]),
};

/** An active chat assigned to `adminId`: what transfer and unlock act on. */
export const heldBy = {
  holds: (chat: Chat, adminId: string): boolean =>
    chat.status === 'active' && chat.assignedAdminId === adminId,
  where: (eb: Chats, adminId: string): Expression<SqlBool> =>
    eb.and([eb('status', '=', 'active'), eb('assignedAdminId', '=', adminId)]),
};

/**
 * Takes part in the chat, open or not: its own user, its assignee (admin or superadmin,
 * whatever the status), or any superadmin. An admin takes part only in chats assigned to
 * them: to write to a waiting chat they take it first.
 */
export const partyTo = {
  holds: (chat: Chat, actor: Actor): boolean =>
    isSuperAdmin(actor) || isUser(actor, chat.userId) || isAdminNamed(actor, chat.assignedAdminId),
  where: (eb: Chats, actor: Actor): Expression<SqlBool> => {
    // Anonymous is v2's trusted caller: a superadmin's rights (actor.ts).
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
  holds: (chat: Chat, actor: Actor): boolean =>
    chatIsOpen.holds(chat) && partyTo.holds(chat, actor),
  where: (eb: Chats, actor: Actor): Expression<SqlBool> =>
    eb.and([chatIsOpen.where(eb), partyTo.where(eb, actor)]),
  sql: (role: string, id: string): string => `${chatIsOpen.sql} AND ${partyTo.sql(role, id)}`,
};

/** In the waiting queue as `viewer` sees it. */
export const inQueueOf = {
  holds: (chat: Chat, viewer: QueueViewer): boolean =>
    chat.status === 'waiting' &&
    chat.assignedAdminId === null &&
    (viewer.seesLocked || !chat.isLocked || chat.lockedByAdminId === viewer.adminId),
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
