/**
 * Whose numbers a report may count for its reader, as pure functions (no errors, no I/O):
 * the rules (rules.ts) refuse exactly what these deny, and the console imports them to ask
 * for, and to title, the report the server answers.
 */
import { type Actor, isAdmin, isAdminNamed, isSuperAdmin } from '../auth/roles.js';

/** Readers of reports: superadmins, anyone's numbers; an admin, their own; nobody else. */
export const mayReadReports = (actor: Actor): boolean => isAdmin(actor);

/** The report of `adminId` (undefined: the one the reader gets by default, reportCoverageOf). */
export function mayReadReportOf(actor: Actor, adminId: string | undefined): boolean {
  if (isSuperAdmin(actor)) return true;
  return mayReadReports(actor) && (adminId === undefined || isAdminNamed(actor, adminId));
}

/**
 * Whose chats a report that mayReadReportOf allows counts: for a superadmin the named
 * admin's, or everyone's (undefined) when they name none; for an admin their own.
 */
export const reportCoverageOf = (actor: Actor, adminId: string | undefined): string | undefined =>
  actor.kind === 'person' && !isSuperAdmin(actor) ? actor.id : adminId;
