/**
 * Who gets which transcript, as plain functions: who may view a chat may have its
 * transcript (history's rule), and only an admin's copy carries the internal notes.
 */
import type { Actor } from '../auth/roles.js';
import { mayView } from '../chats/permissions.js';
import { maySeeNotes } from '../notes/permissions.js';
import type { Chat } from '../schemas/shapes.js';

export type TranscriptFormat = 'html' | 'json';

/** History's rule: the chat's user, its assignee, an admin whose queue shows it, a superadmin. */
export function mayReadTranscript(chat: Chat, actor: Actor): boolean {
  return mayView(chat, actor);
}

/** The notes are the agents' own record: an admin's copy has them, a user's never. */
export function transcriptHasNotes(actor: Actor): boolean {
  return maySeeNotes(actor);
}

/**
 * A file name any browser or file system takes as it is: the chat id (which may hold any
 * storable text) reduced to letters, digits, `-` and `_`, and the day the copy was made.
 */
export function transcriptFilename(chatId: string, format: TranscriptFormat, at: Date): string {
  const safeId = chatId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  const day = at.toISOString().slice(0, 10);
  return `transcript-${safeId}-${day}.${format}`;
}
