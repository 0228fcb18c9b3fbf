/**
 * Every chat the console knows, by id, updated from list loads and live events; the queue,
 * "my chats" and "all chats" are views of it. Pure functions: the UI state holds a Chats.
 */
import { queueViewerOf } from '../../src/chats/permissions.js';
import { chatIsOpen, inQueueOf } from '../../src/chats/predicates.js';
import { previewOf, sameWordKey, unreadIncrementOf } from '../../src/schemas/text-rules.js';
import { actorOf } from '../shared/actor.js';
import type { Chat, Identity, Message, Rating } from '../shared/types.js';

export interface Chats {
  byId: Readonly<Record<string, Chat>>;
  /** Admins seen in events and lists (id → name): candidates for a transfer. */
  admins: Readonly<Record<string, string>>;
  /** Chats transferred away from this admin (chat id → the new holder's name). */
  transferredAway: Readonly<Record<string, string>>;
}

export const noChats: Chats = { byId: {}, admins: {}, transferredAway: {} };

export type ChatEvent =
  | { type: 'loaded'; list: List; chats: Chat[]; status?: Chat['status'] | ''; label?: string }
  | { type: 'upsert'; chat: Chat }
  | { type: 'taken'; chatId: string; adminId: string; adminName: string }
  | { type: 'transferred-out'; chatId: string; toAdminName: string }
  | { type: 'closed'; chatId: string }
  | { type: 'rated'; chatId: string; rating: Rating }
  | { type: 'notification'; chatId: string; message: Message; chat?: Chat | undefined }
  | { type: 'user-status'; chatId: string | null; userId: string; online: boolean }
  | { type: 'read'; chatId: string }
  | { type: 'gone'; chatId: string }
  | { type: 'labels'; chatId: string; labels: string[] };

export type List = 'queue' | 'mine' | 'all';

/** In the queue as the server lists it for this admin: not a chat another admin locked. */
export const inQueue = (me: Identity, c: Chat): boolean =>
  inQueueOf.holds(c, queueViewerOf(actorOf(me)));
/** My chats as the server lists them: open and assigned to this admin. */
export const isMine = (me: Identity, c: Chat): boolean =>
  c.assignedAdminId === me.id && chatIsOpen.holds(c);

const byCreated = (a: Chat, b: Chat) => a.createdAt.localeCompare(b.createdAt);
const byActivity = (a: Chat, b: Chat) => b.lastMessageAt.localeCompare(a.lastMessageAt);

/** The waiting queue, oldest first. */
export const queueOf = (s: Chats, me: Identity): Chat[] =>
  Object.values(s.byId)
    .filter((c) => inQueue(me, c))
    .sort(byCreated);
/** The admin's own open chats, newest activity first. */
export const mineOf = (s: Chats, me: Identity): Chat[] =>
  Object.values(s.byId)
    .filter((c) => isMine(me, c))
    .sort(byActivity);
export const allOf = (s: Chats, status: Chat['status'] | ''): Chat[] =>
  Object.values(s.byId)
    .filter((c) => !status || c.status === status)
    .sort(byActivity);

/** Whether the chat carries the label (case does not count, as on the server); '' : any. */
export const hasLabel = (c: Chat, label: string): boolean =>
  !label.trim() || (c.labels ?? []).some((l) => sameWordKey(l) === sameWordKey(label.trim()));

/** Every label the console has seen on a chat, each once, sorted: the filter's suggestions. */
export function knownLabels(s: Chats): string[] {
  const byKey = new Map<string, string>();
  for (const c of Object.values(s.byId))
    for (const l of c.labels ?? []) if (!byKey.has(sameWordKey(l))) byKey.set(sameWordKey(l), l);
  return [...byKey.values()].sort((a, b) => a.localeCompare(b));
}

function seeAdmins(admins: Chats['admins'], chats: Chat[]): Chats['admins'] {
  let next = admins;
  for (const c of chats) {
    for (const [id, name] of [
      [c.assignedAdminId, c.assignedAdminName],
      [c.lockedByAdminId, c.lockedByAdminName],
    ] as const) {
      if (id && name && next[id] !== name) next = { ...next, [id]: name };
    }
  }
  return next;
}

function patch(s: Chats, chatId: string, f: (c: Chat) => Chat): Chats {
  const chat = s.byId[chatId];
  return chat ? { ...s, byId: { ...s.byId, [chatId]: f(chat) } } : s;
}

function upsert(s: Chats, chats: Chat[]): Chats {
  const byId = { ...s.byId };
  for (const c of chats) {
    // Events never carry the customer's context (lists do): keep the one already known.
    const known = byId[c._id]?.ctx;
    byId[c._id] = c.ctx === undefined && known !== undefined ? { ...c, ctx: known } : c;
  }
  return { ...s, byId, admins: seeAdmins(s.admins, chats) };
}

/** Which chats a list load is the whole truth about: the others are kept. */
function coveredBy(list: List, me: Identity, status = '', label = ''): (c: Chat) => boolean {
  if (list === 'queue') return (c) => inQueue(me, c);
  if (list === 'mine') return (c) => isMine(me, c);
  return (c) => (!status || c.status === status) && hasLabel(c, label);
}

/** A chat transferred away and back again is ours: it no longer says it was transferred. */
function forgetReturned(s: Chats, me: Identity): Chats {
  const back = Object.keys(s.transferredAway).filter((id) => {
    const chat = s.byId[id];
    return chat !== undefined && isMine(me, chat);
  });
  if (back.length === 0) return s;
  const transferredAway = { ...s.transferredAway };
  for (const id of back) delete transferredAway[id];
  return { ...s, transferredAway };
}

export function applyChatEvent(s: Chats, e: ChatEvent, me: Identity): Chats {
  return forgetReturned(applied(s, e, me), me);
}

function applied(s: Chats, e: ChatEvent, me: Identity): Chats {
  switch (e.type) {
    case 'loaded': {
      // A chat the list should contain but does not has changed elsewhere: drop our copy.
      const covered = coveredBy(e.list, me, e.status, e.label);
      const fresh = new Set(e.chats.map((c) => c._id));
      const byId: Record<string, Chat> = {};
      for (const [id, c] of Object.entries(s.byId)) if (fresh.has(id) || !covered(c)) byId[id] = c;
      return upsert({ ...s, byId }, e.chats);
    }
    case 'upsert':
      return upsert(s, [e.chat]);
    case 'taken': {
      const admins = { ...s.admins, [e.adminId]: e.adminName };
      return patch({ ...s, admins }, e.chatId, (c) => ({
        ...c,
        status: 'active',
        assignedAdminId: e.adminId,
        assignedAdminName: e.adminName,
      }));
    }
    case 'transferred-out': {
      // The new assignee's id is not in this event; the chat is no longer ours either way.
      const transferredAway = { ...s.transferredAway, [e.chatId]: e.toAdminName };
      return patch({ ...s, transferredAway }, e.chatId, (c) => ({
        ...c,
        status: 'active',
        assignedAdminId: c.assignedAdminId === me.id ? `→${e.toAdminName}` : c.assignedAdminId,
        assignedAdminName: e.toAdminName,
      }));
    }
    case 'closed':
      return patch(s, e.chatId, (c) => ({ ...c, status: 'closed', userOnline: false }));
    case 'rated':
      return patch(s, e.chatId, (c) => ({ ...c, rating: e.rating }));
    case 'notification': {
      if (e.chat) return upsert(s, [e.chat]);
      const m = e.message;
      return patch(s, e.chatId, (c) => ({
        ...c,
        lastMessage: previewOf(m.content, m.messageType),
        lastMessageAt: m.createdAt,
        unreadCount: c.unreadCount + unreadIncrementOf(m.senderType),
      }));
    }
    case 'user-status': {
      let next = s;
      for (const c of Object.values(s.byId)) {
        if (c.userId === e.userId && (e.chatId === null || c._id === e.chatId)) {
          next = patch(next, c._id, (x) => ({ ...x, userOnline: e.online }));
        }
      }
      return next;
    }
    case 'read':
      return patch(s, e.chatId, (c) => ({ ...c, unreadCount: 0 }));
    case 'labels':
      return patch(s, e.chatId, (c) => ({ ...c, labels: e.labels }));
    case 'gone': {
      const { [e.chatId]: _, ...byId } = s.byId;
      return { ...s, byId };
    }
  }
}
