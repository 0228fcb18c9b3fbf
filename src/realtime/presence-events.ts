/**
 * Presence on the wire: a user's sockets coming and going (recovered sessions included)
 * become `user-status` changes, each emitted once, by the node that saw the change. A
 * socket holds the presence of at most one user (`socket.data.presenceOf`), released
 * when it disconnects or joins as someone else.
 */
import type { FastifyBaseLogger } from 'fastify';
import { isUser, type Person } from '../auth/actor.js';
import { recordPresence } from '../chats/use-cases.js';
import type { Deps } from '../deps.js';
import type { Outcome } from '../outcome.js';
import type { Chat } from '../schemas/shapes.js';
import { TUNABLES } from '../tunables.js';
import { replacedByLaterJoin } from './membership.js';
import type { Publish } from './publish.js';
import type { ChatServer, ChatSocket } from './types.js';

/**
 * Records a change of presence on the store, then makes sure the store ends with what
 * presence says now. Two nodes may see one user's sockets change at once (a session
 * recovered on another node while the old transport's disconnect is handled): each writes
 * its change, and the earlier change's write may commit last. So each write is followed by
 * a read of presence; if it moved meanwhile, the current state is written (and announced)
 * again. Whichever write commits last, its node reads the state after it, so the store
 * settles on the latest change.
 */
export async function recordSettled(
  deps: Deps,
  userId: string,
  online: boolean,
): Promise<Outcome<{ chat: Chat | null }>> {
  let outcome = await recordPresence(deps, userId, online);
  let written = online;
  for (let tries = 0; tries < TUNABLES.presenceSettleTries.value; tries++) {
    const now = await deps.presence.isOnline(userId);
    if (now === written) break;
    const fixed = await recordPresence(deps, userId, now);
    outcome = { reply: fixed.reply, events: [...outcome.events, ...fixed.events] };
    written = now;
  }
  return outcome;
}

/**
 * The socket is now `user`'s: the outcome to answer join-user with. As with an admin's
 * (agent-presence.ts), a join as someone else sent before this one is answered replaces
 * it and releases only what was already held: once replaced, this one holds nothing (else
 * the user stays online, on a socket that is someone else's, until it disconnects).
 */
export async function holdPresence(
  deps: Deps,
  socket: ChatSocket,
  user: Person,
  publish: Publish,
): Promise<Outcome<{ chat: Chat | null }>> {
  const userId = user.id;
  const nothingHeld = { reply: { chat: null }, events: [] };
  if (replacedByLaterJoin(socket, user)) return nothingHeld;
  const before = socket.data.presenceOf;
  if (before !== undefined && before !== userId) await releasePresence(deps, socket, publish);
  // Checked with no wait before the socket holds it: a later join finds it and releases it.
  if (replacedByLaterJoin(socket, user)) return nothingHeld;
  socket.data.presenceOf = userId;
  const cameOnline = await deps.presence.connected(userId, socket.id);
  // It went away while Redis answered (its disconnect saw nothing to give up yet).
  if (!socket.connected) {
    await socketGone(deps, userId, socket.id, publish);
    return { reply: { chat: null }, events: [] };
  }
  const outcome = await recordSettled(deps, userId, true);
  // Another tab (or node) already had the user online: nothing changed to announce.
  return cameOnline ? outcome : { ...outcome, events: [] };
}

async function socketGone(deps: Deps, userId: string, socketId: string, publish: Publish) {
  if (await deps.presence.disconnected(userId, socketId)) {
    publish(await recordSettled(deps, userId, false));
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
    const actor = socket.data.actor;
    if (recovered !== undefined && actor !== undefined && isUser(actor, recovered)) {
      socket.data.presenceOf = undefined;
      holdPresence(deps, socket, actor, publish)
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
    recordSettled(deps, userId, online)
      .then((outcome) => publish(outcome))
      .catch(report);
  });
}
