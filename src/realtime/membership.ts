/**
 * Room membership follows access. A socket joins `chat-<id>` only if it may view the
 * chat (join-chat checks), and joins its access rooms with it (outcome.ts accessRooms).
 * When access changes afterwards (another admin takes or locks a waiting chat, a chat is
 * transferred away or closed), every socket in the chat's room that is in none of the
 * rooms that may still view it leaves, on every node: Socket.io applies the removal here
 * at once and, with several nodes, sends it through the adapter's stream, ahead of any
 * later broadcast of this node.
 */

import type { Actor } from '../auth/actor.js';
import { accessRoomsOf, viewerRooms } from '../chats/rules.js';
import { rooms } from '../outcome.js';
import type { Chat } from '../schemas/shapes.js';
import type { ChatServer, ChatSocket } from './types.js';

export async function joinChatRoom(
  socket: ChatSocket,
  actor: Actor,
  chatId: string,
): Promise<void> {
  await socket.join([rooms.chat(chatId), ...accessRoomsOf(actor)]);
}

export function dropSocketsThatLostAccess(io: ChatServer, chat: Chat): void {
  const room = rooms.chat(chat._id);
  io.in(room).except(viewerRooms(chat)).socketsLeave(room);
}
