/**
 * The claims a payload makes against a token (AUTH_MODE=jwt): a refusal names the field
 * that claimed what the token does not grant.
 */
import { describe, expect, it } from 'vitest';
import {
  type AuthContext,
  adminClaim,
  person,
  resolveActor,
  senderClaim,
} from '../../src/auth/actor.js';
import { createTokenVerifier } from '../../src/auth/tokens.js';
import { TEST_SECRET } from '../helpers/tokens.js';

// The token is verified before resolveActor: here it is the person below.
const jwt: AuthContext = {
  mode: 'jwt',
  verifier: createTokenVerifier({
    mode: 'jwt',
    secret: TEST_SECRET,
    jwksUrl: undefined,
    issuer: undefined,
    audience: undefined,
  }),
};
const admin = person('a-1', 'Ali', 'admin');

describe('a payload claiming more than the token grants', () => {
  it('names senderType when a system message is claimed by an admin token', () => {
    expect(() => resolveActor(jwt, admin, senderClaim('a-1', 'Ali', 'system'))).toThrow(
      /^senderType: system needs a token with role superadmin/,
    );
  });

  it('names isSuperAdmin when it is claimed, with or without an adminId', () => {
    for (const claim of [adminClaim('a-1', 'Ali', true), adminClaim(undefined, undefined, true)]) {
      expect(() => resolveActor(jwt, admin, claim)).toThrow(
        /^isSuperAdmin: true needs a token with role superadmin/,
      );
    }
  });
});
