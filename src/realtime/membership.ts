/**
 * Room membership follows access. A socket joins `chat-<id>` only if it may view the
 * chat (join-chat checks), and joins its access rooms with it (outcome.ts accessRooms).
 * When access changes afterwards (another admin takes or locks a waiting chat, a chat is
 * transferred away or closed), every socket in the chat's room that is in none of the
 * rooms that may still view it leaves, on every node: this node's sockets at once, other
 * nodes' through the adapter's stream (ahead of this node's later broadcasts) and again
 * when they hear `chat-changed` (in case Redis lost the first). After Redis was away,
 * each node checks its own chat rooms against the store.
 */
import type { Actor } from '../auth/actor.js';
import { accessRoomsOf, viewerRooms } from '../chats/rules.js';
import { rooms } from '../outcome.js';
import type { Chat } from '../schemas/shapes.js';
import type { Store } from '../store/store.js';
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
  io.local.in(room).except(viewerRooms(chat)).socketsLeave(room);
  io.in(room).except(viewerRooms(chat)).socketsLeave(room);
}

/** This node only: what another node told us changed (`chat-changed`). */
export function dropLocalSocketsThatLostAccess(io: ChatServer, chat: Chat): void {
  const room = rooms.chat(chat._id);
  io.local.in(room).except(viewerRooms(chat)).socketsLeave(room);
}

/** After an outage of Redis: every chat room of this node against the chat as stored. */
export async function recheckChatRooms(io: ChatServer, store: Store): Promise<void> {
  const prefix = rooms.chat('');
  for (const room of [...io.of('/').adapter.rooms.keys()]) {
    if (!room.startsWith(prefix)) continue;
    const chatId = room.slice(prefix.length);
    store.forgetChat(chatId);
    const chat = await store.getChat(chatId);
    if (chat) dropLocalSocketsThatLostAccess(io, chat);
  }
}
