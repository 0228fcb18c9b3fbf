/**
 * Who asks, on a v3 route that names them in its query (`?adminId&isSuperAdmin`): a client
 * written for v2, whose routes that write all take them in the body, puts them there, and
 * was refused as nobody (`403`) or, with a token, had them ignored where
 * every v2 route checks them. Either place names them; both must agree.
 */
import { adminClaim, type PersonClaim } from '../auth/actor.js';
import { InvalidInput } from '../errors.js';

export interface Asker {
  adminId?: string;
  isSuperAdmin?: boolean;
}

export function askerClaim(query: Asker, body: Asker): PersonClaim | undefined {
  for (const field of ['adminId', 'isSuperAdmin'] as const) {
    const [inQuery, inBody] = [query[field], body[field]];
    if (inQuery !== undefined && inBody !== undefined && inQuery !== inBody) {
      throw new InvalidInput(`${field}: the query says ${inQuery}, the body ${inBody}`);
    }
  }
  return adminClaim(
    query.adminId ?? body.adminId,
    undefined,
    query.isSuperAdmin ?? body.isSuperAdmin,
  );
}
