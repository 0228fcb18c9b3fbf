/**
 * Which admins are connected: the sockets in the `admins` room (every admin's socket joins
 * it), on every node. Another node that does not answer within onlineAdminsWaitMs (Redis
 * away or slow) leaves the answer to this node's own sockets rather than holding it up.
 */
import { rooms } from '../schemas/rooms.js';
import { TUNABLES } from '../tunables.js';
import type { ChatServer } from './types.js';

export async function onlineAdmins(io: ChatServer): Promise<ReadonlySet<string>> {
  const sockets = await io
    .in(rooms.admins)
    .timeout(TUNABLES.onlineAdminsWaitMs.value)
    .fetchSockets()
    .catch(() => io.local.in(rooms.admins).fetchSockets());
  return new Set(sockets.flatMap((s) => (s.data.actor ? [s.data.actor.id] : [])));
}
