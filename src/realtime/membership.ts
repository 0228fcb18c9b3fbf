/**
 * Room membership follows access. A socket joins `chat-<id>` only if it may view the
 * chat (join-chat checks), but access changes afterwards: another admin takes or locks a
 * waiting chat, a chat is transferred away or closed. Then every socket in the room that
 * may no longer view it leaves, so that no later message, typing or read receipt of a
 * private conversation reaches it.
 */
import { ANONYMOUS } from '../auth/actor.js';
import { mayView } from '../chats/rules.js';
import { rooms } from '../outcome.js';
import type { Chat } from '../schemas/shapes.js';
import type { ChatServer } from './types.js';

export function dropSocketsThatLostAccess(io: ChatServer, chat: Chat): void {
  const room = rooms.chat(chat._id);
  // This node's sockets, synchronously: nothing of the chat can be fanned out in between.
  const members = io.of('/').adapter.rooms.get(room);
  if (!members) return;
  for (const socketId of [...members]) {
    const socket = io.of('/').sockets.get(socketId);
    // A socket that never joined as anyone is v2's anonymous caller (AUTH_MODE=none).
    if (socket && !mayView(chat, socket.data.actor ?? ANONYMOUS)) void socket.leave(room);
  }
}
