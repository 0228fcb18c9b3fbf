/**
 * The chat predicates the rules decide with, in memory (to answer 403/409 with a reason).
 * The store decides the same races in SQL with the forms of the same names in
 * src/store/chat-sql.ts; test/chats/predicates.test.ts runs both over a table of
 * chat states and callers, on both stores, and requires them to agree.
 */
import { type Actor, isAdminNamed, isSuperAdmin, isUser } from '../auth/roles.js';
import type { Chat } from '../schemas/shapes.js';
import type { QueueViewer } from '../store/chat-sql.js';

export type { QueueViewer };

/** Not closed: it takes messages, and may be taken, transferred or closed. */
export const chatIsOpen = {
  holds: (chat: Chat): boolean => chat.status !== 'closed',
};

/** An open chat that no other admin holds or has locked: `adminId` may take it. */
export const adminMayTake = {
  holds: (chat: Chat, adminId: string): boolean =>
    chatIsOpen.holds(chat) &&
    (chat.assignedAdminId === null || chat.assignedAdminId === adminId) &&
    (!chat.isLocked || chat.lockedByAdminId === adminId),
};

/**
 * An active chat assigned to `adminId`: what transfer acts on, and unlock (which also frees
 * a chat lockedInQueueBy its locker).
 */
export const heldBy = {
  holds: (chat: Chat, adminId: string): boolean =>
    chat.status === 'active' && chat.assignedAdminId === adminId,
};

/**
 * A waiting chat nobody is assigned, locked by `adminId`: the v2 import keeps such a lock.
 * Only its locker may take it, so an unlock frees it (a superadmin's, when they are gone).
 */
export const lockedInQueueBy = {
  holds: (chat: Chat, adminId: string): boolean =>
    chat.status === 'waiting' &&
    chat.assignedAdminId === null &&
    chat.isLocked &&
    chat.lockedByAdminId === adminId,
};

/**
 * Takes part in the chat, open or not: its own user, its assignee (admin or superadmin,
 * whatever the status), or any superadmin. An admin takes part only in chats assigned to
 * them: to write to a waiting chat they take it first.
 */
export const partyTo = {
  holds: (chat: Chat, actor: Actor): boolean =>
    isSuperAdmin(actor) || isUser(actor, chat.userId) || isAdminNamed(actor, chat.assignedAdminId),
};

/**
 * An open chat `actor` takes part in: who may write to it and who may close it. The
 * append and close statements carry it in their WHERE, so that a transfer committed a
 * moment ago stops the previous assignee even where a stale chat row let them through.
 */
export const writableBy = {
  holds: (chat: Chat, actor: Actor): boolean =>
    chatIsOpen.holds(chat) && partyTo.holds(chat, actor),
};

/** In the waiting queue as `viewer` sees it. */
export const inQueueOf = {
  holds: (chat: Chat, viewer: QueueViewer): boolean =>
    chat.status === 'waiting' &&
    chat.assignedAdminId === null &&
    (viewer.seesLocked || !chat.isLocked || chat.lockedByAdminId === viewer.adminId),
};
