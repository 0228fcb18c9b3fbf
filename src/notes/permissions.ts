/**
 * Who may write and read internal notes, as pure functions (no store, no transport): the
 * rules (rules.ts) refuse what these deny, and the console imports them to offer the note
 * toggle only where the server would take a note.
 */
import { type Actor, isAdmin, type Person } from '../auth/roles.js';
import { mayView } from '../chats/permissions.js';
import type { Chat } from '../schemas/shapes.js';

/** An admin or superadmin known by id (a note names its writer): never a user. */
export const isNamedAdmin = (actor: Actor): actor is Person =>
  actor.kind === 'person' && isAdmin(actor);

/** An admin who may view the chat, open or closed (a note after closing is an agent's record). */
export function mayWriteNote(chat: Chat, actor: Actor): actor is Person {
  return isNamedAdmin(actor) && mayView(chat, actor);
}

/**
 * Admins, and v2's anonymous caller (AUTH_MODE=none only, where it has a superadmin's
 * rights and anyone may claim to be one): they may ask a chat's history for its notes.
 * Never a user, the chat's own or another.
 */
export function maySeeNotes(actor: Actor): boolean {
  return isAdmin(actor);
}
