/**
 * A use case returns its reply and the events to publish as plain data; it emits nothing
 * itself. REST and Socket.io send the reply their own way and hand the events to one
 * publish(), so the two transports cannot drift apart.
 */
import type { ServerEventName, ServerEventPayload } from './schemas/events.js';
import type { Chat } from './schemas/shapes.js';

export type Emit = {
  [E in ServerEventName]: {
    to: string[];
    event: E;
    payload: ServerEventPayload<E>;
    /** Not to the socket whose request caused it (typing indicators). */
    exceptSender?: boolean;
    /**
     * To this node's sockets alone: each node tells its own (queue positions), so that
     * thousands of per-user events never cross Redis.
     */
    local?: boolean;
    /**
     * The chat as the use case saw it (for a message, as stored): a socket of the room
     * that may not view that chat lost it before, on some node, and must not hear this
     * even if its leave has not reached this node yet (only checked with several nodes).
     */
    viewersOf?: Chat;
    /**
     * Only to sockets joined as an admin (internal notes): never to this chat's user, nor
     * to a socket that never joined as anyone, whatever room they share with the admins.
     */
    adminsOnly?: Chat;
  };
}[ServerEventName];

/** What a use case asks the transports to do besides replying. */
export interface Effects {
  events: Emit[];
  /**
   * The chat's assignment, lock or status changed: sockets that may no longer view it
   * leave its room (after this outcome's events, before anything else of the chat).
   */
  accessChanged?: Chat;
  /**
   * The chat row changed in a way that grants or takes no access (its labels): other
   * nodes drop their cached copy, nobody leaves a room.
   */
  chatChanged?: Chat;
  /**
   * Every socket of this user, on every node, is disconnected after the events (a user
   * who was erased: their sockets hold an identity the store no longer names).
   */
  disconnectUser?: string;
}

export interface Outcome<R> extends Effects {
  reply: R;
}

export function emit<E extends ServerEventName>(
  to: string | string[],
  event: E,
  payload: ServerEventPayload<E>,
  options: { exceptSender?: boolean; viewersOf?: Chat; adminsOnly?: Chat; local?: boolean } = {},
): Emit {
  return { to: Array.isArray(to) ? to : [to], event, payload, ...options } as Emit;
}
