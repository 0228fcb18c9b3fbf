/**
 * Who is making a request, and what their role lets them be. Resolved once per request
 * and once per socket event, here and nowhere else; use cases receive it and never read
 * identity from a payload. Every role predicate lives in roles.ts (re-exported here).
 */
import { AppError, Forbidden, InvalidInput, Unauthorized } from '../errors.js';
import { isPseudonym, type ReaderType, type Role, type SenderType } from '../schemas/vocabulary.js';
import { type Actor, ANONYMOUS, isSuperAdmin, type Person, person, sideOf } from './roles.js';
import type { TokenVerifier } from './tokens.js';

export type { Role } from '../schemas/vocabulary.js';
export {
  type Actor,
  ANONYMOUS,
  type Anonymous,
  isAdmin,
  isAdminNamed,
  isSuperAdmin,
  isUser,
  type Person,
  person,
  sideOf,
} from './roles.js';

/** The sender type a message from `actor` carries; `requested` is what the payload asked for. */
export function senderTypeFor(actor: Person, requested: SenderType | undefined): SenderType {
  const natural = sideOf(actor);
  if (requested === undefined || requested === natural) return natural;
  if (requested === 'system' && isSuperAdmin(actor)) return 'system';
  throw new Forbidden(`senderType: ${requested} does not match the sender`);
}

/** The reader type of a read by `actor`; a superadmin reads as an admin. */
export function readerTypeFor(actor: Person, requested: ReaderType): ReaderType {
  const natural = sideOf(actor);
  if (requested !== natural) {
    throw new Forbidden(`readerType: ${requested} does not match the reader`);
  }
  return natural;
}

/** Sending and reading need someone to send or read as; `how` says how to name them. */
export function requirePerson(
  actor: Actor,
  how = 'Join as a user or admin (join-user / join-admin) before sending',
): Person {
  if (actor.kind === 'person') return actor;
  throw new Unauthorized(how, 'NOT_IDENTIFIED');
}

// ---- Claims: identities a payload names, v2 style --------------------------------------

/**
 * An identity a payload names. With AUTH_MODE=none it is believed; with jwt it must
 * agree with the token. `role` is absent where the payload names a person but not what
 * they are (typing's userId).
 */
export interface Claim {
  id: string;
  name?: string;
  role?: Role;
  /** A superadmin may name another admin here (transfer's fromAdminId). */
  superadminMayNameOthers?: boolean;
  /**
   * A role claimed without naming anyone (`isSuperAdmin: true` alone): with jwt the token's
   * role must cover it; with AUTH_MODE=none it is v2's anonymous caller, as naming nobody is.
   */
  namesNobody?: boolean;
  /** The payload field that claims `role`, for the refusal to name (default `isSuperAdmin`). */
  roleField?: string;
}

/** A claim that says what the person is: it always resolves to a person. */
export type PersonClaim = Claim & { role: Role };

export function adminClaim(id: string, name?: string, isSuperAdminClaimed?: boolean): PersonClaim;
export function adminClaim(
  id: string | undefined,
  name?: string,
  isSuperAdminClaimed?: boolean,
): PersonClaim | undefined;
export function adminClaim(
  id: string | undefined,
  name?: string,
  isSuperAdminClaimed?: boolean,
): PersonClaim | undefined {
  if (id === undefined) {
    return isSuperAdminClaimed ? { id: '', role: 'superadmin', namesNobody: true } : undefined;
  }
  return { id, name: name ?? '', role: isSuperAdminClaimed ? 'superadmin' : 'admin' };
}

export function userClaim(id: string, name?: string): PersonClaim {
  return { id, name: name ?? '', role: 'user' };
}

/** v2 named the sender/reader by id and type; a system message can only come from a superadmin. */
export function senderClaim(id: string, name: string, type: SenderType): PersonClaim {
  if (type === 'system') return { id, name, role: 'superadmin', roleField: 'senderType: system' };
  return { id, name, role: type === 'user' ? 'user' : 'admin' };
}

export type AuthContext = { mode: 'none' } | { mode: 'jwt'; verifier: TokenVerifier };

/** A claimed role is covered by the token's: an admin claim by admin or superadmin. */
function roleCovers(token: Role, claimed: Role): boolean {
  if (claimed === 'user') return token === 'user';
  if (claimed === 'admin') return token === 'admin' || token === 'superadmin';
  return token === 'superadmin';
}

function assertClaimAgrees(token: Person, claim: Claim): void {
  if (claim.superadminMayNameOthers && isSuperAdmin(token)) return;
  if (!claim.namesNobody && claim.id !== token.id) {
    throw new Forbidden('The identity in the payload does not match the token');
  }
  if (claim.role && !roleCovers(token.role, claim.role)) {
    const why =
      claim.role === 'superadmin'
        ? `${claim.roleField ?? 'isSuperAdmin: true'} needs a token with role superadmin`
        : `The payload claims role ${claim.role}`;
    throw new Forbidden(`${why}; the token grants ${token.role}`);
  }
}

/**
 * The one seam for identity. AUTH_MODE=none: the payload's claim is believed (a claim
 * without a role, or none, is v2's anonymous caller). jwt: the verified token is the
 * identity, and any claim must agree with it; a token without a name takes the claim's.
 */
export function resolveActor(
  auth: AuthContext,
  tokenActor: Person | undefined,
  claim: Claim | undefined,
): Actor {
  if (auth.mode === 'none' && (!claim?.role || claim.namesNobody)) return ANONYMOUS;
  return resolvePerson(auth, tokenActor, claim);
}

/** As resolveActor, for a claim that names a role (or jwt): the answer is always a person. */
export function resolvePerson(
  auth: AuthContext,
  tokenActor: Person | undefined,
  claim: Claim | undefined,
): Person {
  if (auth.mode === 'none') {
    if (!claim?.role || claim.namesNobody) {
      throw new Unauthorized('Name yourself first', 'NOT_IDENTIFIED');
    }
    // Erased chats keep that id: acting as it would write into them (a token is refused so).
    if (isPseudonym(claim.id)) {
      throw new InvalidInput(`${claim.id} is an erased user's pseudonym, not an id to act as`);
    }
    return person(claim.id, claim.name ?? '', claim.role);
  }
  if (!tokenActor) throw new AppError('MISSING_TOKEN');
  if (claim) assertClaimAgrees(tokenActor, claim);
  if (tokenActor.name || !claim?.name) return tokenActor;
  return { ...tokenActor, name: claim.name };
}

/** The token of an `Authorization: Bearer <jwt>` header, if there is one. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}
