/**
 * Who may do what with canned replies, as pure functions over the caller (no errors, no
 * I/O): the rules (rules.ts) refuse exactly what these deny, and the console imports them
 * to offer the team scope only to whom the server would let write it.
 */
import { type Actor, isAdmin, isSuperAdmin } from '../auth/roles.js';
import { CANNED_SCOPES, type CannedScope } from '../schemas/vocabulary.js';

/** Admins read the team's replies and keep their own; users have none. */
export const mayUseCannedReplies = (actor: Actor): boolean => isAdmin(actor);

/**
 * Writing (creating, changing, deleting) a reply of this scope: the team's, superadmins;
 * personal ones, an admin who is a person (v2's anonymous caller has no id to own them).
 */
export function mayWriteCannedScope(actor: Actor, scope: CannedScope): boolean {
  if (scope === 'team') return isSuperAdmin(actor);
  return actor.kind === 'person' && isAdmin(actor);
}

/** The scopes this caller may write, for a form's choice. */
export const writableCannedScopes = (actor: Actor): CannedScope[] =>
  CANNED_SCOPES.filter((scope) => mayWriteCannedScope(actor, scope));

/** A team reply is every admin's; a personal one its owner's alone (to anyone else it does not exist). */
export function maySeeCannedReply(
  actor: Actor,
  reply: { scope: CannedScope; ownerId: string | null },
): boolean {
  if (!isAdmin(actor)) return false;
  if (reply.scope === 'team') return true;
  return actor.kind === 'person' && actor.id === reply.ownerId;
}
