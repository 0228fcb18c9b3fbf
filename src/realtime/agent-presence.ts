/**
 * Admins' presence on the wire: a socket that joined as an admin holds that admin's
 * presence (`socket.data.agentOf`) in the agents' own Presence until it disconnects or
 * joins as someone else; each change of `online` becomes one `agent-status`, from the
 * node that saw it (or, for a node that died, the node whose sweep noticed).
 */
import type { FastifyBaseLogger } from 'fastify';
import { agentJoined, agentJoining, agentStatusEvents } from '../agents/use-cases.js';
import type { Person } from '../auth/actor.js';
import type { Deps } from '../deps.js';
import type { Outcome } from '../outcome.js';
import { replacedByLaterJoin } from './membership.js';
import type { Publish } from './publish.js';
import type { ChatServer, ChatSocket } from './types.js';

async function agentGone(deps: Deps, adminId: string, socketId: string, publish: Publish) {
  if (await deps.agentPresence.disconnected(adminId, socketId)) {
    publish({ events: await agentStatusEvents(deps, [adminId]) });
  }
}

/** The socket no longer stands for the admin it held (it joined as someone else). */
export async function releaseAgentPresence(
  deps: Deps,
  socket: ChatSocket,
  publish: Publish,
): Promise<void> {
  const adminId = socket.data.agentOf;
  if (adminId === undefined) return;
  socket.data.agentOf = undefined;
  await agentGone(deps, adminId, socket.id, publish);
}

/**
 * The socket is now `admin`'s: the outcome to answer join-admin with. Joins of one socket
 * may overlap (each waits on the database): one as someone else, sent before this one is
 * answered, replaces it, and releases only what was already held, so this one holds
 * nothing once replaced (else the admin stays online, with no socket, for good).
 */
export async function holdAgentPresence(
  deps: Deps,
  socket: ChatSocket,
  admin: Person,
  publish: Publish,
): Promise<Outcome<Record<string, never>>> {
  // Joined again since (as someone else, or as a user of the same id; before this join got
  // here, or while it released): that join holds what is its own, and found nothing of
  // this one's to release.
  const superseded = () => replacedByLaterJoin(socket, admin);
  if (superseded()) return { reply: {}, events: [] };
  if (socket.data.agentOf !== undefined && socket.data.agentOf !== admin.id) {
    await releaseAgentPresence(deps, socket, publish);
  }
  if (superseded()) return { reply: {}, events: [] };
  socket.data.agentOf = admin.id;
  // Stored whether or not this join goes on: the admins hear of a change it made.
  const availabilityChanged = await agentJoining(deps, admin);
  // Checked with no wait before presence records the socket: a join as someone else from
  // now on finds it held and releases it; one meanwhile found nothing, so nothing is held.
  if (superseded() || socket.data.agentOf !== admin.id) {
    return agentJoined(deps, admin, availabilityChanged);
  }
  const cameOnline = await deps.agentPresence.connected(admin.id, socket.id);
  // It went away while presence answered (its disconnect saw nothing to give up yet).
  if (!socket.connected) {
    await agentGone(deps, admin.id, socket.id, publish);
    return agentJoined(deps, admin, availabilityChanged);
  }
  return agentJoined(deps, admin, cameOnline || availabilityChanged);
}

export function trackAgentPresence(
  io: ChatServer,
  deps: Deps,
  publish: Publish,
  log: FastifyBaseLogger,
): void {
  const report = (err: unknown) =>
    log.warn({ err }, "could not record a change of an admin's presence");

  io.on('connection', (socket) => {
    // A session Socket.io recovered after a dropped transport is the same admin, back.
    const recovered = socket.recovered ? socket.data.agentOf : undefined;
    const actor = socket.data.actor;
    if (recovered !== undefined && actor?.id === recovered) {
      socket.data.agentOf = undefined;
      holdAgentPresence(deps, socket, actor, publish)
        .then((outcome) => publish(outcome))
        .catch(report);
    }
    socket.on('disconnect', () => {
      const adminId = socket.data.agentOf;
      if (adminId !== undefined) agentGone(deps, adminId, socket.id, publish).catch(report);
    });
  });

  deps.agentPresence.onChange((adminId) => {
    agentStatusEvents(deps, [adminId])
      .then((events) => publish({ events }))
      .catch(report);
  });
}
