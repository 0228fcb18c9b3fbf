/**
 * Internal notes: an admin who may view a chat writes one (send-message / POST
 * /api/messages with `internal: true`); admins read them beside a history page. A note is
 * stored apart from the messages (store/note-records.ts) and reaches admins only.
 */
import { auditActor } from '../audit/actor.js';
import type { Actor } from '../auth/actor.js';
import type { Deps } from '../deps.js';
import { Conflict, chatNotFound, InvalidInput, RateLimited } from '../errors.js';
import { overLimit } from '../limits/rate-limiter.js';
import type { Outcome } from '../outcome.js';
import type { Note } from '../schemas/shapes.js';
import { requireCurrentChat, type Store } from '../store/store.js';
import { TUNABLES } from '../tunables.js';
import {
  assertIsNoteWriter,
  assertMayWriteNote,
  noteEvents,
  noteRangeOf,
  type PageSpan,
} from './rules.js';

export interface NoteInput {
  chatId?: string | undefined;
  senderName?: string | undefined;
  content: string;
  clientMessageId?: string | undefined;
}

/** Stores the note (commit before reply) and tells the chat's admins; a retry answers the stored one. */
export async function writeNote(
  deps: Deps,
  actor: Actor,
  input: NoteInput,
): Promise<Outcome<{ note: Note }>> {
  if (input.chatId === undefined) throw new InvalidInput('chatId: required for an internal note');
  assertIsNoteWriter(actor);
  // A note is a send: the same budget per identity as messages, before any store work.
  const retryAfterMs = await overLimit(deps.limits.messages, actor.id);
  if (retryAfterMs !== undefined) throw new RateLimited(retryAfterMs);
  // The chat as the database has it now: a transfer another node just made may not have
  // reached this node's cached row, and would let the previous assignee write on.
  const chat = await requireCurrentChat(deps.store, input.chatId);
  assertMayWriteNote(chat, actor);
  // v2 clients may name the sender only in the payload; a name from a token wins.
  const senderName = actor.name === '' ? (input.senderName ?? '') : actor.name;
  const result = await deps.store.notes.append(
    {
      chatId: chat._id,
      senderId: actor.id,
      senderName,
      content: input.content,
      clientMessageId: input.clientMessageId ?? null,
    },
    // Who wrote a note, in which chat, which note (the store adds it): never its text.
    { actor: auditActor(actor), action: 'note.added', details: {} },
  );
  switch (result.kind) {
    case 'stored':
      return { reply: { note: result.note }, events: noteEvents(chat, result.note) };
    case 'duplicate':
      if (result.note.senderId !== actor.id) {
        throw new Conflict(
          'This clientMessageId was already used in this chat by someone else; send again with a fresh one',
          'CLIENT_MESSAGE_ID_TAKEN',
        );
      }
      // Delivered when it was first stored; a retry only learns the outcome.
      return { reply: { note: result.note }, events: [] };
    case 'chatNotFound':
      throw chatNotFound(chat._id);
  }
}

/** The notes of a history page (admins only: a user asking is refused before anything is read). */
export function notesOfPage(store: Store, chatId: string, span: PageSpan): Promise<Note[]> {
  return store.notes.inRange({
    chatId,
    ...noteRangeOf(span),
    max: TUNABLES.historyNotesMax.value,
  });
}
