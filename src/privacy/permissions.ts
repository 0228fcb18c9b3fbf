/**
 * Who may export or erase a user's data, as pure functions (no store, no transport): the
 * rules of rules.ts refuse what these deny, and the console imports them to offer "Export
 * data" and "Erase user" only where the server would answer.
 */
import { type Actor, isSuperAdmin, isUser } from '../auth/roles.js';

/** A superadmin exports anyone; a user exports themself. */
export const mayExportUser = (actor: Actor, userId: string): boolean =>
  isSuperAdmin(actor) || isUser(actor, userId);

/** Only a superadmin erases. */
export const mayEraseUser = (actor: Actor): boolean => isSuperAdmin(actor);
