/**
 * The rules of the domain, as plain functions over data: who may see, take, lock,
 * transfer, unlock and close a chat, who may write to it, and what a message or a read
 * does to it. Both transports reach these through the use cases; nothing else decides.
 */
import {
  type Actor,
  isAdmin,
  isAdminNamed,
  isSuperAdmin,
  isUser,
  type Person,
} from '../auth/actor.js';
import { Conflict, Forbidden, InvalidInput } from '../errors.js';
import { accessRooms, rooms } from '../outcome.js';
import type { Chat, MessageType, SenderType } from '../schemas/shapes.js';
import { LIMITS } from '../schemas/shapes.js';
import type { ChatEffect } from '../store/store.js';
import {
  adminMayTake,
  chatIsOpen,
  heldBy,
  inQueueOf,
  partyTo,
  type QueueViewer,
} from './predicates.js';

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

export function assertMayView(chat: Chat, actor: Actor): void {
  if (!mayView(chat, actor)) throw new Forbidden('You may not access this chat');
}

/** A user's own account (their chat list, presence, opening a chat): them, or a superadmin. */
export function assertActsForUser(actor: Actor, userId: string): void {
  if (isSuperAdmin(actor) || isUser(actor, userId)) return;
  throw new Forbidden("Only the user (or a superadmin) may act on this user's account");
}

export function assertIsAdmin(actor: Actor): void {
  if (!isAdmin(actor)) throw new Forbidden('Only admins may do this');
}

export function assertIsSuperAdmin(actor: Actor): void {
  if (!isSuperAdmin(actor)) throw new Forbidden('Only a superadmin may do this');
}

/** An admin reads their own list; a superadmin reads anyone's. */
export function assertActsForAdmin(actor: Actor, adminId: string): void {
  assertIsAdmin(actor);
  if (!isSuperAdmin(actor) && !isAdminNamed(actor, adminId)) {
    throw new Forbidden("Only a superadmin may read another admin's chats");
  }
}

/**
 * The admin who holds the chat in the sense the store's conditional updates check
 * (heldBy: assigned and active); null when nobody does. A chat imported from v2 as
 * waiting with an assignee is held by nobody: it must be taken, not unlocked.
 */
function holderOf(chat: Chat): string | null {
  const assignee = chat.assignedAdminId;
  return assignee !== null && heldBy.holds(chat, assignee) ? assignee : null;
}

function assertOpen(chat: Chat): void {
  if (!chatIsOpen.holds(chat)) throw new Conflict('Chat is closed', 'CHAT_CLOSED');
}

function chatTaken(chat: Chat): Conflict {
  const holderName = chat.assignedAdminName ?? chat.lockedByAdminName ?? '';
  return new Conflict(`Chat is already taken by ${holderName || 'another admin'}`, 'CHAT_TAKEN', {
    assignedTo: holderName,
    assignedAdminId: chat.assignedAdminId ?? chat.lockedByAdminId,
  });
}

/** Assign and lock: an admin takes an open chat nobody else holds. */
export function assertMayTake(chat: Chat, actor: Actor): asserts actor is Person {
  if (actor.kind !== 'person' || !isAdmin(actor)) throw new Forbidden('Only admins may take chats');
  assertOpen(chat);
  if (!adminMayTake.holds(chat, actor.id)) throw chatTaken(chat);
}

/** The assignee, or a superadmin naming the current assignee as `fromAdminId`. */
export function assertMayTransfer(
  chat: Chat,
  actor: Actor,
  fromAdminId: string,
  toAdminId: string,
): void {
  if (!isAdmin(actor)) throw new Forbidden('Only admins may transfer chats');
  if (fromAdminId === toAdminId) throw new InvalidInput('toAdminId: must differ from fromAdminId');
  assertOpen(chat);
  const holder = holderOf(chat);
  if (holder === null) {
    throw new Conflict('Chat is not assigned to anyone; assign it instead', 'CHAT_NOT_ASSIGNED');
  }
  if (!isSuperAdmin(actor) && !isAdminNamed(actor, holder)) {
    throw new Forbidden('Only the assigned admin or a superadmin may transfer this chat');
  }
  if (!heldBy.holds(chat, fromAdminId)) {
    throw new Conflict(`Chat is no longer assigned to ${fromAdminId}`, 'CHAT_CHANGED', {
      assignedTo: chat.assignedAdminName,
      assignedAdminId: chat.assignedAdminId,
    });
  }
}

/** The assignee or a superadmin; answers the admin who holds the chat. */
export function assertMayUnlock(chat: Chat, actor: Actor): string {
  if (!isAdmin(actor)) throw new Forbidden('Only admins may unlock chats');
  assertOpen(chat);
  const holder = holderOf(chat);
  if (holder === null) {
    throw new Conflict('Chat is not assigned to anyone', 'CHAT_NOT_ASSIGNED');
  }
  if (!isSuperAdmin(actor) && !isAdminNamed(actor, holder)) {
    throw new Forbidden('Only the assigned admin or a superadmin may unlock this chat');
  }
  return holder;
}

/**
 * The assignee, a superadmin, or the chat's own user (partyTo; the close statement
 * restates it). Closing a closed chat is a no-op.
 */
export function assertMayClose(chat: Chat, actor: Actor): void {
  if (!partyTo.holds(chat, actor)) {
    throw new Forbidden('Only the assigned admin, a superadmin or the chat user may close it');
  }
}

/**
 * The chat's user, its assignee or a superadmin may write to an open chat (writableBy,
 * which the append statement restates: this check only explains a refusal).
 */
export function assertMayWrite(chat: Chat, actor: Actor): void {
  assertOpen(chat);
  assertMayAuthor(chat, actor);
}

/** Who may write to the chat, open or not (a retry of a send stored before it closed). */
export function assertMayAuthor(chat: Chat, actor: Actor): void {
  if (partyTo.holds(chat, actor)) return;
  throw new Forbidden(
    isAdmin(actor) ? 'Take the chat before writing to it' : 'You may not write to this chat',
  );
}

/** The access rooms (outcome.ts) an actor's sockets join: its identity and its rank. */
export function accessRoomsOf(actor: Actor): string[] {
  if (actor.kind === 'anonymous') return [accessRooms.anonymous];
  if (actor.role === 'user') return [accessRooms.user(actor.id)];
  const admin = [accessRooms.admin(actor.id), accessRooms.admins];
  return actor.role === 'superadmin' ? [...admin, accessRooms.superadmins] : admin;
}

/**
 * mayView as rooms: a socket may view the chat when it is in one of these. Its other
 * form; test/chats/rules.test.ts checks that both agree for every state and caller.
 */
export function viewerRooms(chat: Chat): string[] {
  const viewers = [accessRooms.anonymous, accessRooms.superadmins, accessRooms.user(chat.userId)];
  if (chat.assignedAdminId !== null) viewers.push(accessRooms.admin(chat.assignedAdminId));
  // inQueueOf as rooms: every admin while it waits unlocked, only the locker while locked.
  if (chat.status === 'waiting' && chat.assignedAdminId === null) {
    if (!chat.isLocked) viewers.push(accessRooms.admins);
    else if (chat.lockedByAdminId !== null) viewers.push(accessRooms.admin(chat.lockedByAdminId));
  }
  return viewers;
}

/** Who hears about a user's chat: its assignee, or every admin while it waits. */
export function adminAudience(chat: Chat | undefined): string {
  return chat?.assignedAdminId ? rooms.admin(chat.assignedAdminId) : rooms.admins;
}

/** The first `n` characters (code points, so a surrogate pair is never cut in two). */
function firstCodePoints(text: string, n: number): string {
  if (text.length <= n) return text;
  let out = '';
  let count = 0;
  for (const ch of text) {
    if (count++ === n) break;
    out += ch;
  }
  return out;
}

/** What storing a message does to its chat: preview, and unread count for user messages. */
export function messageEffect(
  senderType: SenderType,
  content: string,
  messageType: MessageType,
): ChatEffect {
  const text = content.trim() ? content : messageType === 'text' ? '' : `[${messageType}]`;
  return {
    lastMessage: firstCodePoints(text, LIMITS.lastMessagePreviewChars),
    unreadIncrement: senderType === 'user' ? 1 : 0,
  };
}

/** A read marks the other side's messages; an admin's read clears the unread count. */
export function readEffect(readerType: 'user' | 'admin'): {
  senderTypes: SenderType[];
  resetUnread: boolean;
} {
  return readerType === 'admin'
    ? { senderTypes: ['user'], resetUnread: true }
    : { senderTypes: ['admin', 'system'], resetUnread: false };
}
