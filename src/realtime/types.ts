import type { Server, Socket } from 'socket.io';
import type { Person } from '../auth/actor.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../schemas/events.js';

/** What the server remembers per socket: the identity it joined with. */
export interface SocketData {
  actor?: Person;
  /** When the socket's token expires (epoch ms), with AUTH_MODE=jwt. */
  expiresAt?: number;
}

// biome-ignore lint/complexity/noBannedTypes: Socket.io's slot for inter-server events, unused.
type NoInterServerEvents = {};

export type ChatServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  NoInterServerEvents,
  SocketData
>;
export type ChatSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  NoInterServerEvents,
  SocketData
>;
