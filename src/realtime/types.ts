import type { Server, Socket } from 'socket.io';
import type { Person } from '../auth/actor.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../schemas/events.js';
import type { Chat } from '../schemas/shapes.js';

/** What the server remembers per socket: the identity it joined with. */
export interface SocketData {
  actor?: Person;
  /** The user whose presence this socket holds (it sent join-user as them). */
  presenceOf?: string;
  /** The admin whose presence this socket holds (it sent join-admin as them). */
  agentOf?: string;
  /** When the socket's token expires (epoch ms), with AUTH_MODE=jwt. */
  expiresAt?: number;
}

/** Between the nodes of a cluster (REDIS_URL). */
export interface InterServerEvents {
  /** A chat's assignment, lock or status changed on another node: drop cached copies. */
  'chat-changed': (chat: Chat) => void;
  /** A chat was opened on another node: the waiting queue grew (queue-positions.ts). */
  'queue-changed': () => void;
}

export type ChatServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
export type ChatSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
