/**
 * Rooms that say what a socket may view, not what it hears: no event is ever sent to
 * them. A socket joins its own when it joins a chat's room, so that "who may still view
 * this chat" can be asked of a room, on every node at once (membership.ts).
 */
import { type Actor, isAdmin, isSuperAdmin } from '../auth/actor.js';
import { rooms } from '../schemas/rooms.js';
import type { Chat } from '../schemas/shapes.js';

export const accessRooms = {
  anonymous: 'access:anonymous',
  admins: 'access:admins',
  superadmins: 'access:superadmins',
  user: (userId: string) => `access:user:${userId}`,
  admin: (adminId: string) => `access:admin:${adminId}`,
} as const;

/** The access rooms an actor's sockets join: its identity and its rank. */
export function accessRoomsOf(actor: Actor): string[] {
  if (actor.kind === 'anonymous') return [accessRooms.anonymous];
  if (!isAdmin(actor)) return [accessRooms.user(actor.id)];
  const admin = [accessRooms.admin(actor.id), accessRooms.admins];
  return isSuperAdmin(actor) ? [...admin, accessRooms.superadmins] : admin;
}

/**
 * mayView as rooms: a socket may view the chat when it is in one of these. Its other
 * form; test/realtime/access-rooms.test.ts checks that both agree for every state and caller.
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

/**
 * Where every socket that may be in a chat's rooms but is not an admin is: the chat's
 * user (who joins their access room with the chat's room, and their own room on
 * join-user, so also a socket that joined as an admin before it joined as the user) and
 * every socket that never joined as anyone. A chat's room holds no other user: only its
 * own may view it. An event for admins only is sent with these in its `except`.
 */
export function nonAdminRooms(chat: Chat): string[] {
  return [accessRooms.anonymous, accessRooms.user(chat.userId), rooms.user(chat.userId)];
}
