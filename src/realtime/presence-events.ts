/**
 * Presence on the wire: a user's sockets coming and going (recovered sessions included)
 * become `user-status` changes, each emitted once, by the node that saw the change. A
 * socket holds the presence of at most one user (`socket.data.presenceOf`), released
 * when it disconnects or joins as someone else.
 */
import type { FastifyBaseLogger } from 'fastify';
import { recordPresence } from '../chats/use-cases.js';
import type { Deps } from '../deps.js';
import type { Outcome } from '../outcome.js';
import type { Chat } from '../schemas/shapes.js';
import type { Publish } from './publish.js';
import type { ChatServer, ChatSocket } from './types.js';

/** The socket is now `userId`'s: the outcome to answer join-user with. */
export async function holdPresence(
  deps: Deps,
  socket: ChatSocket,
  userId: string,
  publish: Publish,
): Promise<Outcome<{ chat: Chat | null }>> {
  const before = socket.data.presenceOf;
  if (before !== undefined && before !== userId) await releasePresence(deps, socket, publish);
  socket.data.presenceOf = userId;
  const cameOnline = await deps.presence.connected(userId, socket.id);
  // It went away while Redis answered (its disconnect saw nothing to give up yet).
  if (!socket.connected) {
    await socketGone(deps, userId, socket.id, publish);
    return { reply: { chat: null }, events: [] };
  }
  const outcome = await recordPresence(deps, userId, true);
  // Another tab (or node) already had the user online: nothing changed to announce.
  return cameOnline ? outcome : { ...outcome, events: [] };
}

async function socketGone(deps: Deps, userId: string, socketId: string, publish: Publish) {
  if (await deps.presence.disconnected(userId, socketId)) {
    publish(await recordPresence(deps, userId, false));
  }
}

/** The socket no longer stands for the user it held (it joined as someone else). */
export async function releasePresence(
  deps: Deps,
  socket: ChatSocket,
  publish: Publish,
): Promise<void> {
  const userId = socket.data.presenceOf;
  if (userId === undefined) return;
  socket.data.presenceOf = undefined;
  await socketGone(deps, userId, socket.id, publish);
}

export function trackPresence(
  io: ChatServer,
  deps: Deps,
  publish: Publish,
  log: FastifyBaseLogger,
): void {
  const report = (err: unknown) => log.warn({ err }, 'could not record a change of presence');

  io.on('connection', (socket) => {
    // A session Socket.io recovered after a dropped transport is the same user, back.
    const recovered = socket.recovered ? socket.data.presenceOf : undefined;
    if (recovered !== undefined) {
      socket.data.presenceOf = undefined;
      holdPresence(deps, socket, recovered, publish)
        .then((outcome) => publish(outcome))
        .catch(report);
    }
    // socket.data is left as it is: a recoverable session keeps it, and comes back holding it.
    socket.on('disconnect', () => {
      const userId = socket.data.presenceOf;
      if (userId !== undefined) socketGone(deps, userId, socket.id, publish).catch(report);
    });
  });

  deps.presence.onChange((userId, online) => {
    recordPresence(deps, userId, online)
      .then((outcome) => publish(outcome))
      .catch(report);
  });
}
