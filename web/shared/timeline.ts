/**
 * One chat's messages as a reader sees them: stored messages ordered and deduplicated by
 * `seq` (whatever order and however often they arrive: live events, history pages,
 * catch-up after a reconnect), followed by this tab's sends that are not stored yet.
 * Pure functions over immutable values, so UI state can hold a Timeline as is.
 */
import type { Message } from './types.js';

export type DeliveryState = 'sending' | 'sent' | 'seen' | 'failed';

export interface PendingSend {
  clientMessageId: string;
  content: string;
  createdAt: string;
  state: 'sending' | 'failed';
}

export interface Timeline {
  /** Stored messages, ascending `seq`, one per `seq`. */
  messages: readonly Message[];
  pending: readonly PendingSend[];
  /** Whether messages older than the first one exist on the server. */
  hasOlder: boolean;
}

export const emptyTimeline: Timeline = { messages: [], pending: [], hasOlder: false };

export const lastSeq = (t: Timeline): number => t.messages.at(-1)?.seq ?? 0;
export const firstSeq = (t: Timeline): number | undefined => t.messages[0]?.seq;

/** A later copy of a message wins only when it knows more (it was read since). */
function newer(a: Message, b: Message): Message {
  if (b.isRead && !a.isRead) return b;
  return a;
}

/** Adds stored messages; drops pending sends that they confirm. */
export function merge(t: Timeline, incoming: readonly Message[]): Timeline {
  if (incoming.length === 0) return t;
  const bySeq = new Map<number, Message>();
  for (const m of t.messages) bySeq.set(m.seq, m);
  for (const m of incoming) {
    const known = bySeq.get(m.seq);
    bySeq.set(m.seq, known ? newer(known, m) : m);
  }
  const messages = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  const confirmed = new Set(incoming.map((m) => m.clientMessageId).filter(Boolean));
  const pending = t.pending.filter((p) => !confirmed.has(p.clientMessageId));
  return { ...t, messages, pending };
}

/** True when a live message leaves a hole after what we have: fetch `after=lastSeq`. */
export const hasGapBefore = (t: Timeline, m: Message): boolean =>
  t.messages.length > 0 && m.seq > lastSeq(t) + 1;

export function addPending(t: Timeline, p: Omit<PendingSend, 'state'>): Timeline {
  const others = t.pending.filter((x) => x.clientMessageId !== p.clientMessageId);
  return { ...t, pending: [...others, { ...p, state: 'sending' }] };
}

export function setPendingState(
  t: Timeline,
  clientMessageId: string,
  state: PendingSend['state'],
): Timeline {
  return {
    ...t,
    pending: t.pending.map((p) => (p.clientMessageId === clientMessageId ? { ...p, state } : p)),
  };
}

/** The other side read the chat: everything `mine` stored so far is seen. */
export function markSeen(t: Timeline, mine: (m: Message) => boolean, at: string): Timeline {
  if (!t.messages.some((m) => mine(m) && !m.isRead)) return t;
  return {
    ...t,
    messages: t.messages.map((m) =>
      mine(m) && !m.isRead ? { ...m, isRead: true, readAt: at } : m,
    ),
  };
}

export const deliveryOf = (m: Message): DeliveryState => (m.isRead ? 'seen' : 'sent');

/** Messages from the other side that are not read yet (to decide whether to send mark-read). */
export const unreadFrom = (t: Timeline, theirs: (m: Message) => boolean): number =>
  t.messages.filter((m) => theirs(m) && !m.isRead).length;
