/**
 * Who is making a request. Resolved once per request and once per socket event, here
 * and nowhere else; use cases receive it and never read identity from a payload.
 */
import { Forbidden, Unauthorized } from '../errors.js';
import type { TokenVerifier } from './tokens.js';

export type Role = 'user' | 'admin' | 'superadmin';

export interface Actor {
  id: string;
  name: string;
  role: Role;
}

/**
 * An identity a payload names, v2 style. With AUTH_MODE=none it is believed; with jwt it
 * must agree with the token. `role` is absent where the payload names a person but not
 * what they are (typing's userId).
 */
export interface Claim {
  id: string;
  name?: string;
  role?: Role;
  /** A superadmin may name another admin here (transfer's fromAdminId). */
  superadminMayNameOthers?: boolean;
}

/**
 * With AUTH_MODE=none, v2 trusted every caller: a request that names nobody (GET
 * /messages/:chatId, PATCH close without a body) acts with full rights, as it did in v2.
 * The JWT mode never produces this actor.
 */
export const V2_ANONYMOUS: Actor = Object.freeze({ id: '', name: '', role: 'superadmin' });

export const isAdmin = (actor: Actor): boolean =>
  actor.role === 'admin' || actor.role === 'superadmin';

export function adminClaim(
  id: string | undefined,
  name: string | undefined,
  isSuperAdmin: boolean | undefined,
): Claim | undefined {
  if (id === undefined) return undefined;
  return { id, name: name ?? '', role: isSuperAdmin ? 'superadmin' : 'admin' };
}

export function userClaim(id: string, name?: string): Claim {
  return { id, name: name ?? '', role: 'user' };
}

/** v2 named the sender/reader by id and type; a system message can only come from a superadmin. */
export function senderClaim(id: string, name: string, type: 'user' | 'admin' | 'system'): Claim {
  return { id, name, role: type === 'user' ? 'user' : type === 'system' ? 'superadmin' : 'admin' };
}

export type AuthContext = { mode: 'none' } | { mode: 'jwt'; verifier: TokenVerifier };

/** A claimed role is covered by the token's: an admin claim by admin or superadmin. */
function roleCovers(token: Role, claimed: Role): boolean {
  if (claimed === 'user') return token === 'user';
  if (claimed === 'admin') return token === 'admin' || token === 'superadmin';
  return token === 'superadmin';
}

function assertClaimAgrees(token: Actor, claim: Claim): void {
  if (claim.superadminMayNameOthers && token.role === 'superadmin') return;
  if (claim.id !== token.id)
    throw new Forbidden('The identity in the payload does not match the token');
  if (claim.role && !roleCovers(token.role, claim.role)) {
    throw new Forbidden(`The payload claims role ${claim.role}; the token grants ${token.role}`);
  }
}

/**
 * The one seam for identity. AUTH_MODE=none: the payload's claim is believed (a claim
 * without a role, or none, is v2's anonymous caller). jwt: the verified token is the
 * identity, and any claim must agree with it.
 */
export function resolveActor(
  auth: AuthContext,
  tokenActor: Actor | undefined,
  claim: Claim | undefined,
): Actor {
  if (auth.mode === 'none') {
    if (!claim?.role) return V2_ANONYMOUS;
    return { id: claim.id, name: claim.name ?? '', role: claim.role };
  }
  if (!tokenActor) throw new Unauthorized('A bearer token is required', 'MISSING_TOKEN');
  if (claim) assertClaimAgrees(tokenActor, claim);
  if (tokenActor.name || !claim?.name) return tokenActor;
  return { ...tokenActor, name: claim.name };
}

/** The token of an `Authorization: Bearer <jwt>` header, if there is one. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}
