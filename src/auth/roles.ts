/**
 * Who a caller is (a person with a role, or v2's anonymous caller) and what their role
 * lets them be: the role predicates, each written once. Pure, with
 * no import of errors or transports, so the console's bundle can share them.
 */
import type { ReaderType, Role } from '../schemas/vocabulary.js';

/** Someone the server knows by id: from a token, or (AUTH_MODE=none) from a payload. */
export interface Person {
  kind: 'person';
  id: string;
  name: string;
  role: Role;
  /**
   * A user token's `ctx` claim (what the backend that signs tokens knows of the customer),
   * at most LIMITS.customerContextBytes as JSON; never from a payload.
   */
  ctx?: CustomerContext;
}

/** A JSON object, as the token carried it. */
export type CustomerContext = Readonly<Record<string, unknown>>;

/**
 * v2's caller who names nobody (GET /messages/:chatId, PATCH close without a body), with
 * AUTH_MODE=none only. v2 trusted every caller, so this one acts with a superadmin's
 * rights; it has no id and can therefore never send, read or own anything.
 */
export interface Anonymous {
  kind: 'anonymous';
}

export type Actor = Person | Anonymous;

export const ANONYMOUS: Anonymous = Object.freeze({ kind: 'anonymous' });

export const person = (id: string, name: string, role: Role): Person => ({
  kind: 'person',
  id,
  name,
  role,
});

// ---- Role predicates: what the rules ask of a role, each written once ----------------

/** A superadmin, or v2's trusted anonymous caller. */
export const isSuperAdmin = (actor: Actor): boolean =>
  actor.kind === 'anonymous' || actor.role === 'superadmin';

/** An admin of any rank (anonymous counts: it has a superadmin's rights). */
export const isAdmin = (actor: Actor): boolean =>
  isSuperAdmin(actor) || (actor.kind === 'person' && actor.role === 'admin');

/** This very user (not an admin who happens to share the id). */
export const isUser = (actor: Actor, userId: string): boolean =>
  actor.kind === 'person' && actor.role === 'user' && actor.id === userId;

/** This very admin (admin or superadmin) by id. */
export const isAdminNamed = (actor: Actor, adminId: string | null): boolean =>
  actor.kind === 'person' && actor.role !== 'user' && actor.id === adminId;

/** The side a person is on in a chat: what they send as and what they read as. */
export const sideOf = (actor: Person): ReaderType => (actor.role === 'user' ? 'user' : 'admin');
