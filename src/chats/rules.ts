/**
 * The rules of the domain, as plain functions over data: each refuses, with its reason
 * and code, what permissions.ts denies (who may see, take, lock, transfer, unlock and
 * close a chat, who may write to it), and says what a message or a read does to a chat
 * and who hears about it. Both transports reach these through the use cases.
 */
import {
  type Actor,
  isAdmin,
  isAdminNamed,
  isSuperAdmin,
  isUser,
  type Person,
} from '../auth/actor.js';
import { AppError, Conflict, Forbidden, InvalidInput } from '../errors.js';
import { rooms } from '../schemas/rooms.js';
import type { Chat } from '../schemas/shapes.js';
import { previewOf, unreadIncrementOf } from '../schemas/text-rules.js';
import type { MessageType, ReaderType, SenderType } from '../schemas/vocabulary.js';
import type { ChatEffect, ReadEffect } from '../store/store.js';
import { holderOf, mayActFor, mayListAllChats, mayView, unlockableFrom } from './permissions.js';
import { adminMayTake, chatIsOpen, heldBy, partyTo } from './predicates.js';

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

export function assertMayListAllChats(actor: Actor): void {
  if (!mayListAllChats(actor)) throw new Forbidden('Only a superadmin may do this');
}

/** An admin reads their own list; a superadmin reads anyone's. */
export function assertActsForAdmin(actor: Actor, adminId: string): void {
  assertIsAdmin(actor);
  if (!isSuperAdmin(actor) && !isAdminNamed(actor, adminId)) {
    throw new Forbidden("Only a superadmin may read another admin's chats");
  }
}

function assertOpen(chat: Chat): void {
  if (!chatIsOpen.holds(chat)) throw new AppError('CHAT_CLOSED');
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
  if (!mayActFor(actor, holder)) {
    throw new Forbidden('Only the assigned admin or a superadmin may transfer this chat');
  }
  if (!heldBy.holds(chat, fromAdminId)) {
    throw new Conflict(`Chat is no longer assigned to ${fromAdminId}`, 'CHAT_CHANGED', {
      assignedTo: chat.assignedAdminName,
      assignedAdminId: chat.assignedAdminId,
    });
  }
}

/**
 * The assignee (or the admin who locks it in the queue) or a superadmin; answers the admin
 * it is unlocked from.
 */
export function assertMayUnlock(chat: Chat, actor: Actor): string {
  if (!isAdmin(actor)) throw new Forbidden('Only admins may unlock chats');
  assertOpen(chat);
  const holder = unlockableFrom(chat);
  if (holder === null) {
    throw new AppError('CHAT_NOT_ASSIGNED');
  }
  if (!mayActFor(actor, holder)) {
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

/** Who hears about a user's chat: its assignee, or every admin while it waits. */
export function adminAudience(chat: Chat | undefined): string {
  return chat?.assignedAdminId ? rooms.admin(chat.assignedAdminId) : rooms.admins;
}

/** What storing a message does to its chat: preview, and unread count for user messages. */
export function messageEffect(
  senderType: SenderType,
  content: string,
  messageType: MessageType,
): ChatEffect {
  return {
    lastMessage: previewOf(content, messageType),
    unreadIncrement: unreadIncrementOf(senderType),
  };
}

/** A read marks the other side's messages; an admin's read clears the unread count. */
export function readEffect(readerType: ReaderType): ReadEffect {
  return readerType === 'admin'
    ? { reader: 'admin', senderTypes: ['user'], resetUnread: true }
    : { reader: 'user', senderTypes: ['admin', 'system'], resetUnread: false };
}
