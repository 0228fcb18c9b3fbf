import type { Effects } from '../outcome.js';
import { rooms } from '../schemas/rooms.js';
import { accessRooms, nonAdminRooms, viewerRooms } from './access-rooms.js';
import { dropSocketsThatLostAccess, viewersMark } from './membership.js';
import type { ChatServer, ChatSocket } from './types.js';

export type Publish = (effects: Effects, origin?: ChatSocket) => void;

/**
 * The one place events leave the server. `to([...rooms])` reaches each socket once even
 * when it sits in several of the rooms (Socket.io deduplicates), and goes through the
 * adapter, so other nodes get it too once one is configured. Events go out first (the
 * sockets in a chat's room hear that it closed), then room membership follows access.
 */
export function createPublisher(io: ChatServer, clustered: boolean): Publish {
  return ({ events, accessChanged, chatChanged, disconnectUser }, origin) => {
    for (const e of events) {
      let target =
        e.exceptSender && origin ? origin.to(e.to) : e.local ? io.local.to(e.to) : io.to(e.to);
      // Across nodes, a socket's leave may still be on its way: every node checks who may
      // still view the chat at delivery (membership.ts). One node applied the leave already.
      if (clustered && e.viewersOf) target = target.except(viewersMark(viewerRooms(e.viewersOf)));
      // Every node leaves these out of its own sockets, wherever the broadcast was made.
      if (e.adminsOnly) target = target.except(nonAdminRooms(e.adminsOnly));
      // The mapped Emit type pairs each event with its payload; Socket.io's overloads
      // cannot see through the union, hence the narrow cast.
      (target.emit as (event: string, payload: unknown) => boolean)(e.event, e.payload);
    }
    if (accessChanged) {
      dropSocketsThatLostAccess(io, accessChanged);
      // Other nodes drop their cached copy of the chat row.
      if (clustered) io.serverSideEmit('chat-changed', accessChanged);
    } else if (chatChanged && clustered) {
      io.serverSideEmit('chat-changed', chatChanged);
    }
    // The user's own room (join-user) and their access room (a chat joined with a user
    // token), through the adapter: other nodes disconnect theirs too.
    if (disconnectUser !== undefined) {
      io.in([rooms.user(disconnectUser), accessRooms.user(disconnectUser)]).disconnectSockets(true);
    }
  };
}
