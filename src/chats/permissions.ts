/**
 * What a caller may do with a chat, as pure functions over the chat and the caller (no
 * store, no transport): the server's rules (rules.ts) refuse exactly what these deny, and
 * the console imports them to show only the actions the server would allow.
 * test/chats/permissions.test.ts checks both over every chat state and caller.
 */
import { type Actor, isAdmin, isAdminNamed, isSuperAdmin, isUser } from '../auth/roles.js';
import type { Chat } from '../schemas/shapes.js';
import {
  adminMayTake,
  chatIsOpen,
  heldBy,
  inQueueOf,
  lockedInQueueBy,
  type QueueViewer,
  writableBy,
} from './predicates.js';

export interface Capabilities {
  view: boolean;
  /** Assign to oneself (take) or assign and lock (lock): the same rule. */
  take: boolean;
  lock: boolean;
  /** Hand to another admin, naming the current assignee as the one it comes from. */
  transfer: boolean;
  /** Return to the queue. */
  unlock: boolean;
  /** Close an open chat (closing a closed one changes nothing). */
  close: boolean;
  write: boolean;
}

/** Every chat, whatever its state or holder (GET /api/chats/all): a superadmin. */
export const mayListAllChats = (actor: Actor): boolean => isSuperAdmin(actor);

/** How an admin sees the waiting queue. */
export function queueViewerOf(actor: Actor): QueueViewer {
  return {
    adminId: actor.kind === 'person' ? actor.id : null,
    seesLocked: isSuperAdmin(actor),
  };
}

/** The chat's user, its assignee, any admin who sees it in the queue, a superadmin. */
export function mayView(chat: Chat, actor: Actor): boolean {
  if (isSuperAdmin(actor)) return true;
  if (isUser(actor, chat.userId)) return true;
  if (!isAdmin(actor)) return false;
  return isAdminNamed(actor, chat.assignedAdminId) || inQueueOf.holds(chat, queueViewerOf(actor));
}

/** An admin (a person: anonymous has no id to assign) and a chat nobody else holds. */
export function mayTake(chat: Chat, actor: Actor): boolean {
  return actor.kind === 'person' && isAdmin(actor) && adminMayTake.holds(chat, actor.id);
}

/**
 * The admin who holds the chat in the sense the store's conditional updates check
 * (heldBy: assigned and active); null when nobody does. A waiting chat with an assignee
 * (imported from v2 before the import cleared such assignees) is held by nobody: it must
 * be taken, not unlocked.
 */
export function holderOf(chat: Chat): string | null {
  const assignee = chat.assignedAdminId;
  return assignee !== null && heldBy.holds(chat, assignee) ? assignee : null;
}

/**
 * The admin an unlock frees the chat from: its holder, or the admin who locks it in the
 * queue (a waiting chat only they may take: after a v2 import, one who may be gone).
 */
export function unlockableFrom(chat: Chat): string | null {
  const locker = chat.lockedByAdminId;
  if (locker !== null && lockedInQueueBy.holds(chat, locker)) return locker;
  return holderOf(chat);
}

/** That admin, or a superadmin: who may hand over or unlock what `admin` holds. */
export const mayActFor = (actor: Actor, admin: string | null): boolean =>
  admin !== null && isAdmin(actor) && (isSuperAdmin(actor) || isAdminNamed(actor, admin));

/** The holder of an open chat, or a superadmin: who may transfer it. */
export function mayHandOver(chat: Chat, actor: Actor): boolean {
  return chatIsOpen.holds(chat) && mayActFor(actor, holderOf(chat));
}

/** The admin it is unlocked from (unlockableFrom), or a superadmin. */
export function mayUnlock(chat: Chat, actor: Actor): boolean {
  return chatIsOpen.holds(chat) && mayActFor(actor, unlockableFrom(chat));
}

/**
 * A chat as this caller gets it: labels are the admins' own words about a chat (`fraud
 * check`, `angry`), so a reply to anyone but an admin leaves them out.
 */
export function chatSeenBy(chat: Chat, actor: Actor): Chat {
  if (isAdmin(actor) || chat.labels === undefined) return chat;
  const { labels: _, ...seen } = chat;
  return seen;
}

export function capabilitiesOf(chat: Chat, actor: Actor): Capabilities {
  const take = mayTake(chat, actor);
  const write = writableBy.holds(chat, actor);
  return {
    view: mayView(chat, actor),
    take,
    lock: take,
    transfer: mayHandOver(chat, actor),
    unlock: mayUnlock(chat, actor),
    close: write,
    write,
  };
}
