/**
 * One chat's messages as a reader sees them: stored messages ordered and deduplicated by
 * `seq` (whatever order and however often they arrive: live events, history pages,
 * catch-up after a reconnect), followed by this tab's sends that are not stored yet, with
 * a separator for each day and each message's date and time in the reader's language and
 * time zone. Pure functions over immutable values, so UI state can hold a Timeline as is.
 */
import { calendarDayOf } from '../../src/time/wall-clock.js';
import { formatDate } from './dates.js';
import type { Lang, Translate } from './i18n/index.js';
import type { Message } from './types.js';

export type DeliveryState = 'sending' | 'sent' | 'seen' | 'failed';

export interface PendingSend {
  clientMessageId: string;
  content: string;
  /** The uploaded file the send carries (its id goes as `attachmentId`). */
  attachment?: { id: string; name: string } | undefined;
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

/**
 * Whether messages older than a page's first exist on the server: `seq` runs 1, 2, 3…
 * without gaps, so exactly when its first is not 1. A page's own count can not say it: a
 * page cut at the server's byte budget holds fewer than its limit, and still counts one
 * page when the chat has fewer messages than the limit.
 */
export const olderThan = (page: readonly Message[]): boolean => (page[0]?.seq ?? 1) > 1;
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

// ---- Days: dates and day separators in the reader's language and time zone ----------

/** Where and when the reader is: their language, their time zone (undefined: the browser's), now. */
export interface ReaderClock {
  lang: Lang;
  now: number;
  timeZone?: string | undefined;
}

/** The words a separator may use instead of a date. */
export type DayWords = Translate<'today' | 'yesterday'>;

export type TimelineItem =
  | { kind: 'day'; day: string; label: string }
  | { kind: 'message'; message: Message }
  | { kind: 'pending'; pending: PendingSend };

/** The calendar day of an instant in the reader's time zone, as YYYY-MM-DD (or '' if no date). */
export function dayOf(at: number, clock: Omit<ReaderClock, 'now'>): string {
  return Number.isFinite(at) ? calendarDayOf(at, clock.timeZone) : '';
}

/** The calendar day before a YYYY-MM-DD day (calendar arithmetic: no DST hour can skew it). */
export function dayBefore(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, (d ?? 1) - 1)).toISOString().slice(0, 10);
}

const yearOf = (day: string) => day.slice(0, 4);

/** "Today", "Yesterday", or the date (with its year when it is not this year's). */
export function dayLabel(iso: string, clock: ReaderClock, words: DayWords): string {
  const at = Date.parse(iso);
  const day = dayOf(at, clock);
  if (!day) return '';
  const today = dayOf(clock.now, clock);
  if (day === today) return words('today');
  if (day === dayBefore(today)) return words('yesterday');
  return formatDate(at, clock.lang, clock.timeZone, {
    day: 'numeric',
    month: 'long',
    ...(yearOf(day) === yearOf(today) ? {} : { year: 'numeric' }),
  });
}

/**
 * When a message was sent, as its line shows it: the time for today's messages, the date
 * and time for any other day's (a message from February never shows only "08:04").
 */
export function messageTime(iso: string, clock: ReaderClock): string {
  const at = Date.parse(iso);
  const day = dayOf(at, clock);
  if (!day) return '';
  const today = dayOf(clock.now, clock);
  const time = { hour: '2-digit', minute: '2-digit' } as const;
  if (day === today) return formatDate(at, clock.lang, clock.timeZone, time);
  return formatDate(at, clock.lang, clock.timeZone, {
    ...time,
    day: 'numeric',
    month: 'short',
    ...(yearOf(day) === yearOf(today) ? {} : { year: 'numeric' }),
  });
}

/** The full date and time, for a tooltip. */
export function fullTime(iso: string, clock: ReaderClock): string {
  const at = Date.parse(iso);
  return Number.isFinite(at)
    ? formatDate(at, clock.lang, clock.timeZone, { dateStyle: 'full', timeStyle: 'short' })
    : '';
}

/** The timeline as it is shown: each day's messages after a separator naming that day. */
export function timelineItems(t: Timeline, clock: ReaderClock, words: DayWords): TimelineItem[] {
  const items: TimelineItem[] = [];
  let current = '';
  const dayFor = (iso: string) => {
    const day = dayOf(Date.parse(iso), clock);
    if (day && day !== current) {
      current = day;
      items.push({ kind: 'day', day, label: dayLabel(iso, clock, words) });
    }
  };
  for (const message of t.messages) {
    dayFor(message.createdAt);
    items.push({ kind: 'message', message });
  }
  for (const pending of t.pending) {
    dayFor(pending.createdAt);
    items.push({ kind: 'pending', pending });
  }
  return items;
}
