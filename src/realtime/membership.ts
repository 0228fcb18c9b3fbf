/**
 * Room membership follows access. A socket joins `chat-<id>` only if it may view the
 * chat (join-chat checks), and joins its access rooms with it (access-rooms.ts).
 * When access changes afterwards (another admin takes or locks a waiting chat, a chat is
 * transferred away or closed), every socket in the chat's room that is in none of the
 * rooms that may still view it leaves, on every node: Socket.io applies the removal here
 * at once and, with several nodes, sends it through the adapter's stream, ahead of any
 * later broadcast of this node.
 *
 * Ahead of this node's broadcasts, not another's: a message stored on node B just after
 * node A transferred the chat can be broadcast by B before A's removal is in the stream,
 * and B delivers to its own sockets before it reads the stream at all. So a chat's
 * messages carry who may view the chat as they were stored (`viewersMark`, a room name
 * in the broadcast's `except` that no socket is ever in), and every node leaves out of
 * that delivery the sockets of the room in none of those rooms (`leaveOutNonViewers`).
 * test/cluster/access-races.test.ts races a transfer and a take against sends.
 */

import type { BroadcastOptions } from 'socket.io-adapter';
import { type Actor, ANONYMOUS, type Person } from '../auth/actor.js';
import { mayView } from '../chats/permissions.js';
import { rooms } from '../schemas/rooms.js';
import type { Chat } from '../schemas/shapes.js';
import type { Store } from '../store/store.js';
import { accessRoomsOf, viewerRooms } from './access-rooms.js';
import type { ChatServer, ChatSocket, SocketData } from './types.js';

export async function joinChatRoom(
  socket: ChatSocket,
  actor: Actor,
  chatId: string,
): Promise<void> {
  await socket.join([rooms.chat(chatId), ...accessRoomsOf(actor)]);
}

/**
 * A socket stands for its last join. Joined as someone else (another id or role) than it
 * was, it leaves every room it was in as the one before (their own room, the admins',
 * the chats it joined and their access rooms), so nothing meant for them reaches it; the
 * same person joining again keeps them (a client that repeats its join stays in its chats).
 * A socket that never joined was v2's anonymous caller (AUTH_MODE=none), who may view
 * every chat: a person is someone else, and the chats it joined as nobody are left too.
 */
export async function leaveRoomsOfFormerSelf(
  socket: ChatSocket,
  before: Actor | undefined,
  now: Actor,
  store: Store,
): Promise<void> {
  if (sameSelf(before ?? ANONYMOUS, now)) return;
  const joined = [...socket.rooms].filter((room) => room !== socket.id);
  // Chats the new self may view too stay joined, as the new self: taken in turn, a
  // join-chat sent before the join (v2 allowed it in either order) would be the new
  // self's own. Never out of the room meanwhile, so no message of theirs is missed.
  const keep = new Set<string>();
  for (const room of joined) {
    const chatId = chatOfRoom(room);
    const chat = chatId === undefined ? undefined : await store.getChat(chatId);
    if (chat && mayView(chat, now)) keep.add(room);
  }
  // Overtaken meanwhile by another join: that one decides, from what the socket is in now.
  if (!standsFor(socket, now)) return;
  if (keep.size > 0) {
    for (const room of accessRoomsOf(now)) keep.add(room);
    await socket.join([...keep]);
  }
  for (const room of joined) if (!keep.has(room)) await socket.leave(room);
}

/** A join-chat of one socket, from its check until it enters the room (or does not). */
export interface PendingJoin {
  /** A leave-chat of the chat came after it meanwhile: it must enter no room. */
  overtaken(): boolean;
  /** It entered the room, or gave up: a later leave-chat finds the room as it is. */
  done(): void;
}

/** Each socket's join-chats under way, by chat (only while they are). */
const pendingJoins = new WeakMap<ChatSocket, Map<string, Set<{ left: boolean }>>>();

export function startJoin(socket: ChatSocket, chatId: string): PendingJoin {
  const byChat = pendingJoins.get(socket) ?? new Map<string, Set<{ left: boolean }>>();
  pendingJoins.set(socket, byChat);
  const ofChat = byChat.get(chatId) ?? new Set();
  const mark = { left: false };
  byChat.set(chatId, ofChat.add(mark));
  return {
    overtaken: () => mark.left,
    done() {
      ofChat.delete(mark);
      if (ofChat.size === 0 && byChat.get(chatId) === ofChat) byChat.delete(chatId);
    },
  };
}

/** leave-chat: the socket leaves the room, and a join-chat of it still checking enters none. */
export async function leaveChatRoom(socket: ChatSocket, chatId: string): Promise<void> {
  for (const mark of pendingJoins.get(socket)?.get(chatId) ?? []) mark.left = true;
  await socket.leave(rooms.chat(chatId));
}

/**
 * Whether a later join of the socket (sent before this one's answer, as anyone, the same
 * person too) replaced the one that made `joined`: each join sets the socket's actor
 * afresh, and what this one was still to do (enter its rooms, hold presence) is that
 * join's now.
 */
export const replacedByLaterJoin = (socket: ChatSocket, joined: Person): boolean =>
  socket.data.actor !== joined;

/**
 * Whether the socket still stands for `actor`: a check made for them (which waited on the
 * database) may enter their rooms only then, else a join as someone else overtook it.
 */
export const standsFor = (socket: ChatSocket, actor: Actor): boolean =>
  sameSelf(socket.data.actor ?? ANONYMOUS, actor);

const sameSelf = (a: Actor, b: Actor): boolean =>
  a.kind === 'anonymous' || b.kind === 'anonymous'
    ? a.kind === b.kind
    : a.id === b.id && a.role === b.role;

export function dropSocketsThatLostAccess(io: ChatServer, chat: Chat): void {
  const room = rooms.chat(chat._id);
  io.in(room).except(viewerRooms(chat)).socketsLeave(room);
}

const VIEWERS = '\u0000viewers\u0000';

/** A room name carrying the viewer rooms: in `except`, it leaves no socket out by itself. */
export function viewersMark(viewers: string[]): string {
  return VIEWERS + viewers.join('\u0000');
}

/** What a node's adapter knows of its own sockets (socket.io-adapter's in-memory maps). */
export interface LocalRooms {
  rooms: Map<string, Set<string>>;
  sids: Map<string, Set<string>>;
}

/** The chat a room is the room of, if it is a chat's room. */
const CHAT_ROOM = rooms.chat('');
const chatOfRoom = (room: string): string | undefined =>
  room.startsWith(CHAT_ROOM) ? room.slice(CHAT_ROOM.length) : undefined;

/**
 * For a broadcast with a viewers mark: adds to its `except` every local socket of its
 * chat rooms that is in none of the viewer rooms (a socket id is a room of that one
 * socket). Its other rooms (a user's own, `chat-closed`) name whom they reach.
 */
export function leaveOutNonViewers(local: LocalRooms, opts: BroadcastOptions): void {
  const except = opts.except;
  let viewers: string[] | undefined;
  for (const room of except ?? []) {
    if (room.startsWith(VIEWERS)) viewers = room.slice(VIEWERS.length).split('\u0000');
  }
  if (!except || !viewers) return;
  for (const room of opts.rooms) {
    if (chatOfRoom(room) === undefined) continue;
    for (const sid of local.rooms.get(room) ?? []) {
      const joined = local.sids.get(sid);
      if (!viewers.some((v) => joined?.has(v))) except.add(sid);
    }
  }
}

/** The chat a missed broadcast ([event, payload, offset]) is about, if any. */
function chatOfPacket(packet: unknown[]): string | undefined {
  const payload = packet[1];
  if (typeof payload !== 'object' || payload === null) return undefined;
  const p = payload as {
    chatId?: unknown;
    message?: { chatId?: unknown };
    chat?: { _id?: unknown };
  };
  const id = p.chatId ?? p.message?.chatId ?? p.chat?._id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Chats as the database has them now, not as a cached row (the notice that another node
 * changed one may have been lost with Redis), each read once per use. Undefined: gone.
 */
function freshChats(store: Store): (chatId: string) => Promise<Chat | undefined> {
  const chats = new Map<string, Promise<Chat | undefined>>();
  return (chatId) => {
    let chat = chats.get(chatId);
    if (!chat) {
      store.forgetChat(chatId);
      chat = store.getChat(chatId);
      chats.set(chatId, chat);
    }
    return chat;
  };
}

/**
 * Connection-state recovery gives a socket back the rooms it had and the broadcasts it
 * missed. Access may have changed while it was away (another admin took or locked the
 * chat, or it was transferred away or closed): the leave then reached no socket, since
 * none was connected. So a recovered session gets back only the rooms of chats its
 * identity may view now, and of what it missed, nothing about a chat it may not.
 * Wraps the namespace's adapter (the single-node one and the cluster one alike); a store
 * that cannot answer fails the recovery, and the client starts afresh (and catches up).
 */
export function recoverOnlyWhatIsViewable(io: ChatServer, store: Store): void {
  const adapter = io.of('/').adapter;
  const restore = adapter.restoreSession.bind(adapter);
  adapter.restoreSession = async (pid, offset) => {
    const session = await restore(pid, offset);
    if (!session) return session;
    const data = restoredData(session.data as SocketData | undefined);
    const actor: Actor = data.actor ?? ANONYMOUS;
    const chatOf = freshChats(store);
    const viewable = async (chatId: string | undefined): Promise<boolean> => {
      if (chatId === undefined) return true;
      const chat = await chatOf(chatId);
      return chat !== undefined && mayView(chat, actor);
    };
    const keptRooms: string[] = [];
    for (const room of session.rooms) if (await viewable(chatOfRoom(room))) keptRooms.push(room);
    const missedPackets: unknown[][] = [];
    for (const packet of session.missedPackets) {
      if (await viewable(chatOfPacket(packet))) missedPackets.push(packet);
    }
    return { ...session, data, rooms: keptRooms, missedPackets };
  };
}

/**
 * A session's data as the socket left it. One the cluster's adapter kept (in Redis, as
 * MessagePack) brings a field the socket had cleared (the presence of someone it no
 * longer stood for) back as null: dropped, it reads as undefined, not as someone's id.
 */
function restoredData(data: SocketData | undefined): SocketData {
  const kept: SocketData = { ...data };
  for (const [field, value] of Object.entries(kept)) {
    if (value === null) Reflect.deleteProperty(kept, field);
  }
  return kept;
}

/**
 * A room leave made on another node while Redis was away (or silent) never reached this
 * one, and never will: once Redis answers again, each of this node's sockets leaves the
 * rooms of chats its identity may no longer view. (Until then, messages, read receipts and
 * typing indicators already skip such a socket: they carry who may view the chat.)
 */
export async function leaveRoomsOfLostChats(io: ChatServer, store: Store): Promise<void> {
  const chatOf = freshChats(store);
  for (const socket of io.of('/').sockets.values()) {
    const actor: Actor = socket.data.actor ?? ANONYMOUS;
    for (const room of [...socket.rooms]) {
      const chatId = chatOfRoom(room);
      if (chatId === undefined) continue;
      const chat = await chatOf(chatId);
      if (!chat || !mayView(chat, actor)) await socket.leave(room);
    }
  }
}
