/**
 * Presence on the wire: a user's sockets coming and going (recovered sessions included)
 * become `user-status` changes, each emitted once, by the node that saw the change.
 */
import type { FastifyBaseLogger } from 'fastify';
import { person, sideOf } from '../auth/actor.js';
import { setPresence } from '../chats/use-cases.js';
import type { Deps } from '../deps.js';
import { rooms } from '../outcome.js';
import type { Publish } from './publish.js';
import type { ChatServer, ChatSocket } from './types.js';

/** The user a socket joined as (join-user), if it did. */
function joinedUser(socket: ChatSocket): string | undefined {
  const actor = socket.data.actor;
  if (!actor || sideOf(actor) !== 'user') return undefined;
  return socket.rooms.has(rooms.user(actor.id)) ? actor.id : undefined;
}

export function trackPresence(
  io: ChatServer,
  deps: Deps,
  publish: Publish,
  log: FastifyBaseLogger,
): void {
  const announce = async (userId: string, online: boolean) => {
    publish(await setPresence(deps, person(userId, '', 'user'), { userId, online }));
  };
  const report = (err: unknown, userId: string) =>
    log.warn({ err, userId }, 'could not record a change of presence');

  io.on('connection', (socket) => {
    // A session Socket.io recovered after a dropped transport is the same user, back.
    const recovered = socket.recovered ? joinedUser(socket) : undefined;
    if (recovered) {
      void deps.presence
        .connected(recovered, socket.id)
        .then((cameOnline) => (cameOnline ? announce(recovered, true) : undefined))
        .catch((err: unknown) => report(err, recovered));
    }
    // Rooms are still known while 'disconnecting' runs, not after.
    socket.on('disconnecting', () => {
      const userId = joinedUser(socket);
      if (!userId) return;
      void deps.presence
        .disconnected(userId, socket.id)
        .then((wentOffline) => (wentOffline ? announce(userId, false) : undefined))
        .catch((err: unknown) => report(err, userId));
    });
  });

  deps.presence.onChange((userId, online) => {
    announce(userId, online).catch((err: unknown) => report(err, userId));
  });
}
