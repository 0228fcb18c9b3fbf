/**
 * Who is making a request. Resolved once per request and once per socket event, here
 * and nowhere else; use cases receive it and never read identity from a payload.
 */
export type Role = 'user' | 'admin' | 'superadmin';

export interface Actor {
  id: string;
  name: string;
  role: Role;
}

/** An identity a payload names (v2 style): believed as-is with AUTH_MODE=none. */
export type Claim = Actor;

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

export interface AuthContext {
  mode: 'none';
}

/**
 * The one seam for identity. With AUTH_MODE=none the payload's claim (or, on a socket,
 * the identity it joined with) is believed; the JWT mode will verify the token here and
 * require the claim to agree with it.
 */
export function resolveActor(_auth: AuthContext, claim: Claim | undefined): Actor {
  return claim ?? V2_ANONYMOUS;
}
