/**
 * The chat predicates that both the rules and the store need, each written once with its
 * two forms: `holds` decides in memory (to answer 403/409 with a reason) and `where` is
 * the SQL condition the store puts in a conditional UPDATE or a list's WHERE (so that a
 * race is decided by the database). test/chats/predicates.test.ts runs both forms over a
 * table of chat states and callers, on both stores, and requires them to agree.
 */
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
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
