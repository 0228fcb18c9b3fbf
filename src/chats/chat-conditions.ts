/**
 * The chat predicates in their in-memory form: pure functions of a chat and a caller, with
 * no import of the store or of a transport, so the console's bundle can apply them too.
 * predicates.ts pairs each with the SQL condition the store puts in its statements.
 */
import { type Actor, isAdminNamed, isSuperAdmin, isUser } from '../auth/roles.js';
import type { Chat } from '../schemas/shapes.js';

/** Which waiting chats an admin is shown: a superadmin sees every one, others not those locked by someone else. */
export interface QueueViewer {
  adminId: string | null;
  seesLocked: boolean;
}

/** Not closed: it takes messages, and may be taken, transferred or closed. */
export const chatIsOpen = (chat: Chat): boolean => chat.status !== 'closed';

/** An open chat that no other admin holds or has locked: `adminId` may take it. */
export const adminMayTake = (chat: Chat, adminId: string): boolean =>
  chatIsOpen(chat) &&
  (chat.assignedAdminId === null || chat.assignedAdminId === adminId) &&
  (!chat.isLocked || chat.lockedByAdminId === adminId);

/** An active chat assigned to `adminId`: what transfer and unlock act on. */
export const heldBy = (chat: Chat, adminId: string): boolean =>
  chat.status === 'active' && chat.assignedAdminId === adminId;

/**
 * Takes part in the chat, open or not: its own user, its assignee (admin or superadmin,
 * whatever the status), or any superadmin. An admin takes part only in chats assigned to
 * them: to write to a waiting chat they take it first.
 */
export const partyTo = (chat: Chat, actor: Actor): boolean =>
  isSuperAdmin(actor) || isUser(actor, chat.userId) || isAdminNamed(actor, chat.assignedAdminId);

/** An open chat `actor` takes part in: who may write to it and who may close it. */
export const writableBy = (chat: Chat, actor: Actor): boolean =>
  chatIsOpen(chat) && partyTo(chat, actor);

/** In the waiting queue as `viewer` sees it. */
export const inQueueOf = (chat: Chat, viewer: QueueViewer): boolean =>
  chat.status === 'waiting' &&
  chat.assignedAdminId === null &&
  (viewer.seesLocked || !chat.isLocked || chat.lockedByAdminId === viewer.adminId);
