/**
 * The Socket.io events, declared once: each event's payload (and, for client events, its
 * acknowledgement) as a zod schema, who receives it, and what it means. The TypeScript
 * event maps are inferred from these; the AsyncAPI document (docs/asyncapi.ts) is
 * generated from them; client events are parsed with them before use.
 */
import { z } from 'zod';
import type { FailureEnvelope, SuccessEnvelopes } from '../envelopes.js';
import {
  AvailabilityBody,
  ChatRefPayload,
  JoinAdminPayload,
  JoinUserPayload,
  MarkReadBody,
  SocketSendPayload,
  TypingBody,
} from './inputs.js';
import {
  AgentReply,
  ChatReply,
  EmptyReply,
  ErrorEventSchema,
  JoinChatReply,
  PresenceReply,
  type ReplySchema,
  SendReply,
} from './replies.js';
import {
  AgentSchema,
  CannedReplySchema,
  ChatSchema,
  MessageSchema,
  NoteSchema,
  QueuePositionSchema,
} from './shapes.js';
import { READER_TYPES } from './vocabulary.js';

/** Rooms an event is sent to (docs/protocol.md, "Rooms"); `socket` is the one connection. */
export type Audience = 'admins' | 'admin-<adminId>' | 'user-<userId>' | 'chat-<chatId>' | 'socket';

interface ServerEventSpec {
  payload: z.ZodType;
  to: readonly Audience[];
  summary: string;
}

const chatId = z.string().meta({ description: 'The chat this is about.' });

export const SERVER_EVENTS = {
  'new-message': {
    payload: z.object({ message: MessageSchema }),
    to: ['chat-<chatId>'],
    summary: 'A message was stored in the chat.',
  },
  'new-chat': {
    payload: z.object({ chat: ChatSchema }),
    to: ['admins'],
    summary:
      'A user opened a chat (POST /api/chats, or their first message without chatId); it waits in the queue.',
  },
  'chat-taken': {
    payload: z.object({ chatId, adminId: z.string(), adminName: z.string() }),
    to: ['admins'],
    summary: 'An admin took (assigned to themself) a chat.',
  },
  'admin-joined': {
    payload: z.object({ chatId, adminName: z.string() }),
    to: ['user-<userId>'],
    summary: "An admin took or locked the user's chat (not sent again when they already held it).",
  },
  'admin-changed': {
    payload: z.object({ chatId, adminName: z.string() }),
    to: ['user-<userId>'],
    summary: "The user's chat was transferred to another admin.",
  },
  typing: {
    payload: z.object({ chatId, userId: z.string(), userName: z.string(), isTyping: z.boolean() }),
    to: ['chat-<chatId>'],
    summary:
      "Someone in the chat started or stopped typing. userId/userName are the typist's authenticated identity. Over Socket.io not sent back to the typist's own socket.",
  },
  'messages-read': {
    payload: z.object({
      chatId,
      readerId: z.string(),
      readerType: z.enum(READER_TYPES),
    }),
    to: ['chat-<chatId>'],
    summary: "The reader marked the other side's messages read.",
  },
  'user-status': {
    payload: z.object({
      chatId: z.string().nullable().meta({ description: "The user's open chat, or null." }),
      userId: z.string(),
      online: z.boolean(),
    }),
    to: ['admin-<adminId>', 'admins'],
    summary:
      "A user came online (join-user, POST /api/status) or went offline (their last socket left). Sent to the open chat's assignee, or to admins when nobody holds it.",
  },
  'chat-closed': {
    payload: z.object({ chatId }),
    to: ['chat-<chatId>', 'user-<userId>'],
    summary: 'The chat was closed.',
  },
  'chat-locked': {
    payload: z.object({
      chatId,
      lockedByAdminId: z.string(),
      lockedByAdminName: z.string(),
      chat: ChatSchema,
    }),
    to: ['admins'],
    summary: 'An admin took and locked a chat; other admins no longer see it.',
  },
  'chat-unlocked': {
    payload: z.object({ chatId, chat: ChatSchema }),
    to: ['admins'],
    summary: 'A chat was unlocked and unassigned: it waits in the queue again.',
  },
  'chat-transferred-in': {
    payload: z.object({ chat: ChatSchema }),
    to: ['admin-<adminId>'],
    summary: 'A chat was transferred to this admin.',
  },
  'chat-transferred-out': {
    payload: z.object({ chatId, toAdminName: z.string() }),
    to: ['admin-<adminId>'],
    summary: "A chat was transferred away from this admin (they leave the chat's room).",
  },
  'message-notification': {
    payload: z.object({
      chatId,
      message: MessageSchema,
      chat: ChatSchema.optional().meta({ description: 'Present on user messages.' }),
    }),
    to: ['admin-<adminId>', 'admins', 'user-<userId>'],
    summary:
      "A message for someone not necessarily in the chat's room: a user's message goes to the assignee (or admins when unassigned), with the chat; an admin's message to the user.",
  },
  'chat-labels': {
    payload: z.object({
      chatId,
      labels: z.array(z.string()).meta({ description: "The chat's whole set of labels now." }),
    }),
    to: ['admins'],
    summary:
      "A chat's labels were set (PUT /api/chats/:chatId/labels): its whole set, to every admin on every node.",
  },
  'canned-reply-saved': {
    payload: z.object({ cannedReply: CannedReplySchema }),
    to: ['admins', 'admin-<adminId>'],
    summary:
      "A canned reply was created or changed: a team reply to `admins`, a personal one to its owner's `admin-<adminId>` only.",
  },
  'canned-reply-deleted': {
    payload: z.object({
      id: z.string().meta({ description: 'The canned reply that is gone (for its readers).' }),
    }),
    to: ['admins', 'admin-<adminId>'],
    summary:
      "A canned reply was deleted, or a team reply became someone's personal one: to whoever could read it (`admins`, or its owner).",
  },
  'agent-status': {
    payload: AgentSchema,
    to: ['admins'],
    summary:
      "An admin's availability, connection (on any node), active chats or maxChats changed: the admin as GET /api/agents lists them.",
  },
  'note-added': {
    payload: z.object({ chatId, note: NoteSchema }),
    to: ['chat-<chatId>', 'admin-<adminId>'],
    summary:
      "An admin wrote an internal note (send-message / POST /api/messages with internal: true). Only to sockets joined as an admin: those in the chat's room and the assignee's; never to the chat's user or a socket that never joined.",
  },
  'queue-position': {
    payload: QueuePositionSchema,
    to: ['user-<userId>'],
    summary:
      "Where the user's waiting chat stands: on join-user while it waits, and whenever its position or its estimate to the minute changes (`waiting` is as of that event; chats opened behind alone send nothing; each node tells its own sockets, at most once per queuePositionCoalesceMs). Once the chat stops waiting (taken, closed), one more with position null.",
  },
  'chat-assigned': {
    payload: z.object({ chatId, adminId: z.string(), adminName: z.string(), chat: ChatSchema }),
    to: ['admin-<adminId>'],
    summary:
      'ROUTING=auto: the server assigned this waiting chat to this admin (the oldest waiting chat to the available admin with the fewest active chats below maxChats). Sent besides what POST /api/chats/assign sends: chat-taken to admins, admin-joined to the user, agent-status.',
  },
  pong: {
    payload: z.object({ timestamp: z.string().meta({ format: 'date-time' }) }),
    to: ['socket'],
    summary: 'The answer to ping.',
  },
  error: {
    payload: ErrorEventSchema,
    to: ['socket'],
    summary:
      'An event sent without an acknowledgement callback failed, or (event: "auth", code TOKEN_EXPIRED) the token expired and the socket is being disconnected.',
  },
} as const satisfies Record<string, ServerEventSpec>;

export type ServerEventName = keyof typeof SERVER_EVENTS;

/** Server → client: every event with its payload type, for `socket.on(…)`. */
export type ServerToClientEvents = {
  [E in ServerEventName]: (payload: z.output<(typeof SERVER_EVENTS)[E]['payload']>) => void;
};

export type ServerEventPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];

interface ClientEventSpec {
  /** undefined: the event takes no payload. */
  payload: z.ZodType | undefined;
  reply: ReplySchema;
  summary: string;
}

export const CLIENT_EVENT_SPECS = {
  'join-user': {
    payload: JoinUserPayload,
    reply: PresenceReply,
    summary:
      'Join as this user: the socket enters user-<userId> and the user is online (user-status to the admins concerned). The ack carries their open chat, or null.',
  },
  'join-admin': {
    payload: JoinAdminPayload,
    reply: EmptyReply,
    summary:
      'Join as this admin: the socket enters admins and admin-<adminId>, and the server knows the admin from now on (a transfer may name them; GET /api/admins lists them).',
  },
  'join-chat': {
    payload: ChatRefPayload,
    reply: JoinChatReply,
    summary:
      "Enter chat-<chatId> to get its messages, typing and read receipts (the chat's user, or an admin who may view it).",
  },
  'leave-chat': {
    payload: ChatRefPayload,
    reply: EmptyReply,
    summary: 'Leave chat-<chatId>.',
  },
  typing: {
    payload: TypingBody,
    reply: EmptyReply,
    summary: 'Tell the others in the chat room that you are (not) typing.',
  },
  'mark-read': {
    payload: MarkReadBody,
    reply: ChatReply,
    summary: "Mark the other side's messages read (as POST /api/messages/read).",
  },
  'send-message': {
    payload: SocketSendPayload,
    reply: SendReply,
    summary:
      "Send a message as the socket's identity (as POST /api/messages). The ack comes only after the message is stored; retry with the same clientMessageId after a failure or a lost ack. With internal: true an admin who may view the chat writes an internal note instead (ack {success, note}; note-added to admins only; a user: FORBIDDEN).",
  },
  'set-availability': {
    payload: AvailabilityBody,
    reply: AgentReply,
    summary:
      'The joined admin is available or away (remembered across connections; agent-status to admins). Before join-admin, or as a user: FORBIDDEN.',
  },
  ping: {
    payload: undefined,
    reply: EmptyReply,
    summary: 'Answered with a pong event.',
  },
} as const satisfies Record<string, ClientEventSpec>;

export const CLIENT_EVENTS = [
  'join-user',
  'join-admin',
  'join-chat',
  'leave-chat',
  'typing',
  'mark-read',
  'send-message',
  'set-availability',
  'ping',
] as const satisfies readonly (keyof typeof CLIENT_EVENT_SPECS)[];

export type ClientEventName = (typeof CLIENT_EVENTS)[number];

type Spec<E extends ClientEventName> = (typeof CLIENT_EVENT_SPECS)[E];

/** What a client sends with event E (zod's input side: query-style "true"/"false" flags too). */
export type ClientEventPayload<E extends ClientEventName> = Spec<E>['payload'] extends z.ZodType
  ? z.input<Spec<E>['payload']>
  : never;

/** What the handler of E answers besides `success: true`. */
export type ClientEventReply<E extends ClientEventName> = z.output<Spec<E>['reply']>;

/** The acknowledgement of E: the success envelope, or the failure envelope. */
export type AckReply<E extends ClientEventName> =
  | SuccessEnvelopes<ClientEventReply<E>>
  | FailureEnvelope;

/** Any acknowledgement callback, as the server holds it. */
export type Ack = (reply: { success: true; [k: string]: unknown } | FailureEnvelope) => void;

/**
 * The server's own map: payloads are `unknown` on purpose, since every one is parsed by
 * its schema before use (a client may send anything).
 */
export type ClientToServerEvents = {
  [E in ClientEventName]: (payload?: unknown, ack?: Ack) => void;
};

/**
 * The precise map for TypeScript clients (exported as `ClientToServerEvents` from
 * `fastorika-chat-server/client`). The ack is typed as the last, required argument, as
 * Socket.io's typings need for `emitWithAck` to know the reply; at run time every ack is
 * optional (v2 clients pass none, and then failures come as an `error` event).
 */
export type TypedClientToServerEvents = {
  [E in ClientEventName]: Spec<E>['payload'] extends z.ZodType
    ? (payload: ClientEventPayload<E>, ack: (reply: AckReply<E>) => void) => void
    : (ack: (reply: AckReply<E>) => void) => void;
};
