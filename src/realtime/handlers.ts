/**
 * One handler per client event: parse the payload with its schema, resolve the Actor,
 * call the same use case REST calls, and return its outcome. Joining rooms is the only
 * thing a handler does to the socket itself.
 */
import type { ZodType } from 'zod';
import { setAvailability } from '../agents/use-cases.js';
import type { WithAttachments } from '../attachments/services.js';
import {
  type Actor,
  ANONYMOUS,
  type AuthContext,
  adminClaim,
  type Claim,
  type Person,
  type PersonClaim,
  resolveActor,
  resolvePerson,
  senderClaim,
  userClaim,
} from '../auth/actor.js';
import { recordCustomerContext } from '../chats/customer-context.js';
import { mayView } from '../chats/permissions.js';
import { viewChat } from '../chats/use-cases.js';
import type { AddressOf } from '../client-address.js';
import type { Deps } from '../deps.js';
import { InvalidInput } from '../errors.js';
import { markRead, sendMessage, typing } from '../messages/use-cases.js';
import { writeNote } from '../notes/use-cases.js';
import type { Outcome } from '../outcome.js';
import type { ClientEventName, ClientEventReply } from '../schemas/events.js';
import {
  AvailabilityBody,
  ChatRefPayload,
  describeIssue,
  JoinAdminPayload,
  JoinUserPayload,
  MarkReadBody,
  SocketSendPayload,
  TypingBody,
} from '../schemas/inputs.js';
import { rooms } from '../schemas/rooms.js';
import type { Chat } from '../schemas/shapes.js';
import { holdAgentPresence, releaseAgentPresence } from './agent-presence.js';
import {
  joinChatRoom,
  leaveChatRoom,
  leaveRoomsOfFormerSelf,
  replacedByLaterJoin,
  standsFor,
  startJoin,
} from './membership.js';
import { holdPresence, releasePresence } from './presence-events.js';
import type { Publish } from './publish.js';
import type { ChatSocket } from './types.js';

export interface SocketContext {
  deps: Deps & WithAttachments;
  auth: AuthContext;
  /** The client's address (behind a trusted proxy: from X-Forwarded-For). */
  addressOf: AddressOf;
  /** Events a handler must send before it answers (presence given up on a re-join). */
  publish: Publish;
}

/** Each handler's reply is the documented ack of its event (schemas/events.ts). */
type Handlers = {
  [E in ClientEventName]: (
    ctx: SocketContext,
    socket: ChatSocket,
    payload: unknown,
  ) => Promise<Outcome<ClientEventReply<E>>>;
};

function parse<T>(schema: ZodType<T>, payload: unknown): T {
  const result = schema.safeParse(payload);
  if (!result.success) throw new InvalidInput(describeIssue(result.error));
  return result.data;
}

/**
 * The socket's identity for one event. A payload naming the person the socket joined as
 * gets the joined identity (with its role and name); with AUTH_MODE=none a payload naming
 * someone else is believed, as v2 did.
 */
function actorOf(ctx: SocketContext, socket: ChatSocket, claim?: Claim): Actor {
  const joined = socket.data.actor;
  if (ctx.auth.mode === 'jwt') return resolveActor(ctx.auth, joined, claim);
  if (!claim || claim.id === joined?.id) return joined ?? ANONYMOUS;
  return resolveActor(ctx.auth, undefined, claim);
}

/**
 * join-user / join-admin: the socket acts as this person from now on, and is in none of
 * the rooms it joined as someone else.
 */
async function join(ctx: SocketContext, socket: ChatSocket, claim: PersonClaim): Promise<Person> {
  const before = socket.data.actor;
  const actor = resolvePerson(ctx.auth, before, claim);
  socket.data.actor = actor;
  await leaveRoomsOfFormerSelf(socket, before, actor, ctx.deps.store);
  return actor;
}

const nothing = { reply: {}, events: [] };

export const handlers: Handlers = {
  'join-user': async (ctx, socket, payload) => {
    const { userId, userName } = parse(JoinUserPayload, payload);
    const actor = await join(ctx, socket, userClaim(userId, userName));
    await releaseAgentPresence(ctx.deps, socket, ctx.publish);
    if (!replacedByLaterJoin(socket, actor)) await socket.join(rooms.user(actor.id));
    await recordCustomerContext(ctx.deps, actor);
    return holdPresence(ctx.deps, socket, actor, ctx.publish);
  },

  'join-admin': async (ctx, socket, payload) => {
    const { adminId, adminName, isSuperAdmin } = parse(JoinAdminPayload, payload);
    const actor = await join(ctx, socket, adminClaim(adminId, adminName, isSuperAdmin));
    await releasePresence(ctx.deps, socket, ctx.publish);
    if (!replacedByLaterJoin(socket, actor)) {
      await socket.join([rooms.admins, rooms.admin(actor.id)]);
    }
    // Known from now on: a transfer may name them (once per admin per process).
    await ctx.deps.admins.seen(actor);
    return holdAgentPresence(ctx.deps, socket, actor, ctx.publish);
  },

  'join-chat': async (ctx, socket, payload) => {
    const { chatId } = parse(ChatRefPayload, payload);
    let actor = actorOf(ctx, socket);
    const joining = startJoin(socket, chatId);
    let chat: Chat;
    try {
      chat = await viewChat(ctx.deps, actor, chatId);
      // Overtaken while it checked by a leave-chat of the chat, or a join as someone else,
      // sent after it: answered as if taken in turn (joined, then left; or kept, where the
      // socket's new self may view the chat too, as that join keeps such chats).
      const now = socket.data.actor ?? ANONYMOUS;
      if (!standsFor(socket, actor) && mayView(chat, now)) actor = now;
      if (joining.overtaken() || !standsFor(socket, actor)) {
        return { reply: { chatId: chat._id }, events: [] };
      }
      await joinChatRoom(socket, actor, chat._id);
    } finally {
      joining.done();
    }
    // The chat may have changed hands between the check and the join (the change's own
    // sweep of the room ran before this socket was in it): check again, from the database.
    ctx.deps.store.forgetChat(chat._id);
    try {
      await viewChat(ctx.deps, actor, chat._id);
    } catch (err) {
      await socket.leave(rooms.chat(chat._id));
      throw err;
    }
    return { reply: { chatId: chat._id }, events: [] };
  },

  'leave-chat': async (_ctx, socket, payload) => {
    const { chatId } = parse(ChatRefPayload, payload);
    await leaveChatRoom(socket, chatId);
    return nothing;
  },

  typing: async (ctx, socket, payload) => {
    const input = parse(TypingBody, payload);
    return typing(
      ctx.deps,
      actorOf(ctx, socket, { id: input.userId, name: input.userName }),
      input,
    );
  },

  'mark-read': async (ctx, socket, payload) => {
    const input = parse(MarkReadBody, payload);
    const actor = actorOf(ctx, socket, senderClaim(input.readerId, '', input.readerType));
    return markRead(ctx.deps, actor, input);
  },

  'send-message': async (ctx, socket, payload) => {
    const input = parse(SocketSendPayload, payload);
    const claim = input.senderId
      ? senderClaim(input.senderId, input.senderName ?? '', input.senderType ?? 'user')
      : undefined;
    const actor = actorOf(ctx, socket, claim);
    return input.internal ? writeNote(ctx.deps, actor, input) : sendMessage(ctx.deps, actor, input);
  },

  'set-availability': async (ctx, socket, payload) => {
    const input = parse(AvailabilityBody, payload);
    return setAvailability(ctx.deps, actorOf(ctx, socket), input);
  },

  ping: async (_ctx, socket) => {
    socket.emit('pong', { timestamp: new Date().toISOString() });
    return nothing;
  },
};
