/**
 * How a page names its admin to the server where a request carries the caller (an admin
 * route's query or body, join-admin): with AUTH_MODE=none the server believes it, with jwt
 * it must agree with the token. The server reads it as its adminClaim (src/auth/actor.ts).
 */
import { isSuperAdmin } from '../../src/auth/roles.js';
import { actorOf } from './actor.js';
import type { Identity } from './types.js';

export interface AdminClaim {
  adminId: string;
  isSuperAdmin: boolean;
}

export const adminClaimOf = (me: Identity): AdminClaim => ({
  adminId: me.id,
  isSuperAdmin: isSuperAdmin(actorOf(me)),
});

/** The claim with the name the admin goes by (join-admin, take, lock). */
export const namedAdminClaimOf = (me: Identity): AdminClaim & { adminName: string } => ({
  ...adminClaimOf(me),
  adminName: me.name,
});
