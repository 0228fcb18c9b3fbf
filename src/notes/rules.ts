/**
 * The rules of internal notes, as plain functions: who may write and read them (refusing
 * what permissions.ts denies, with the reason), who hears of a new one, and which notes
 * belong to a history page.
 */
import type { Actor, Person } from '../auth/roles.js';
import { assertMayView } from '../chats/rules.js';
import { Forbidden } from '../errors.js';
import { type Emit, emit } from '../outcome.js';
import { rooms } from '../schemas/rooms.js';
import type { Chat, Note } from '../schemas/shapes.js';
import { isNamedAdmin, maySeeNotes, mayWriteNote } from './permissions.js';

/** An admin known by id: a user (or v2's anonymous caller) is refused before the chat is read. */
export function assertIsNoteWriter(actor: Actor): asserts actor is Person {
  if (!isNamedAdmin(actor)) throw new Forbidden('Only admins may write internal notes');
}

export function assertMayWriteNote(chat: Chat, actor: Actor): asserts actor is Person {
  assertIsNoteWriter(actor);
  assertMayView(chat, actor);
  // What the two checks above explain, restated as the one predicate the console shares.
  if (!mayWriteNote(chat, actor)) throw new Forbidden('You may not access this chat');
}

export function assertMaySeeNotes(actor: Actor): void {
  if (!maySeeNotes(actor)) throw new Forbidden('Only admins may read internal notes');
}

/**
 * A new note, to admins only: those with the chat open (its room) and its assignee
 * wherever they are (their own room). The chat's user shares the chat's room, so the
 * event leaves out every socket that is not an admin's (`adminsOnly`), on every node.
 */
export function noteEvents(chat: Chat, note: Note): Emit[] {
  const to = [rooms.chat(chat._id)];
  if (chat.assignedAdminId !== null) to.push(rooms.admin(chat.assignedAdminId));
  return [
    emit(to, 'note-added', { chatId: chat._id, note }, { viewersOf: chat, adminsOnly: chat }),
  ];
}

/** The part of a chat's history a page shows, in seq: its first and last message's. */
export interface PageSpan {
  /** The page's first seq (1 for the oldest page); last < first for an empty page. */
  first: number;
  last: number;
  /** Messages exist before `first` / after `last`. */
  olderExist: boolean;
  newerExist: boolean;
}

/**
 * The notes a page carries: those placed after one of its messages (afterSeq from its
 * first seq to its last), on the oldest page also those before the first message
 * (afterSeq 0), on the newest also any after its last. Null `to`: no upper end.
 */
export function noteRangeOf(span: PageSpan): { from: number; to: number | null } {
  return {
    from: span.olderExist ? span.first : 0,
    to: span.newerExist ? span.last : null,
  };
}
