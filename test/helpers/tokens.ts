import { SignJWT } from 'jose';
import type { Role } from '../../src/auth/actor.js';

export const TEST_SECRET = 'test-secret-that-is-at-least-32-bytes-long!';
export const JWT_ENV = { AUTH_MODE: 'jwt', JWT_SECRET: TEST_SECRET } as const;

export interface TokenOptions {
  expiresIn?: string | number;
  secret?: string;
  issuer?: string;
  audience?: string;
  notBefore?: number;
  extra?: Record<string, unknown>;
}

/** An HS256 token as the app's own backend would mint it. */
export function signToken(
  sub: string,
  role: Role,
  name = `Name ${sub}`,
  options: TokenOptions = {},
): Promise<string> {
  let jwt = new SignJWT({ role, name, ...options.extra })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h');
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  if (options.notBefore !== undefined) jwt = jwt.setNotBefore(options.notBefore);
  return jwt.sign(new TextEncoder().encode(options.secret ?? TEST_SECRET));
}

export const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
