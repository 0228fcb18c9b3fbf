/**
 * Who may read the audit log, as a pure function (no store, no transport): the use case
 * refuses what it denies, and the console imports it to offer a chat's Audit tab only to
 * whom the server would answer.
 */
import { type Actor, isSuperAdmin } from '../auth/roles.js';

/** Superadmins (and, with AUTH_MODE=none, v2's anonymous caller, who has their view). */
export const mayReadAuditLog = (actor: Actor): boolean => isSuperAdmin(actor);
