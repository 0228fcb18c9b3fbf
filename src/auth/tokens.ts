/**
 * JWT verification with jose. The accepted algorithms are pinned to the configured key
 * type (HS256 for a shared secret; RS256/ES256 for a JWKS), so neither `none` nor an
 * HS/RS confusion can pass. A JWKS is cached and refetched when a token names a key id
 * it does not know, so a key rotation needs no restart.
 */
import {
  createRemoteJWKSet,
  errors,
  type JWTPayload,
  type JWTVerifyOptions,
  jwtVerify,
} from 'jose';
import type { AuthConfig } from '../config.js';
import { Unauthorized } from '../errors.js';
import type { Actor, Role } from './actor.js';

export interface VerifiedToken {
  actor: Actor;
  /** Epoch milliseconds, when the token says. */
  expiresAt: number | undefined;
}

export interface TokenVerifier {
  verify(token: string): Promise<VerifiedToken>;
}

export interface VerifierOptions {
  /** Minimum time between two JWKS fetches (jose's cooldown); tests shorten it. */
  jwksCooldownMs?: number;
}

const ROLES: readonly Role[] = ['user', 'admin', 'superadmin'];
const CLOCK_TOLERANCE_SECONDS = 5;

function toActor(payload: JWTPayload): Actor {
  const { sub, role, name } = payload as JWTPayload & { role?: unknown; name?: unknown };
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 128) {
    throw new Unauthorized('Invalid token: sub is missing', 'INVALID_TOKEN');
  }
  if (typeof role !== 'string' || !ROLES.includes(role as Role)) {
    throw new Unauthorized(
      'Invalid token: role must be user, admin or superadmin',
      'INVALID_TOKEN',
    );
  }
  return { id: sub, name: typeof name === 'string' ? name.slice(0, 200) : '', role: role as Role };
}

export function createTokenVerifier(
  config: Extract<AuthConfig, { mode: 'jwt' }>,
  options: VerifierOptions = {},
): TokenVerifier {
  const common: JWTVerifyOptions = {
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    ...(config.issuer ? { issuer: config.issuer } : {}),
    ...(config.audience ? { audience: config.audience } : {}),
  };
  const jwks = config.jwksUrl
    ? createRemoteJWKSet(new URL(config.jwksUrl), {
        cooldownDuration: options.jwksCooldownMs ?? 30_000,
        cacheMaxAge: 10 * 60_000,
      })
    : undefined;
  const secret = config.secret ? new TextEncoder().encode(config.secret) : undefined;

  const check = (token: string) =>
    jwks
      ? jwtVerify(token, jwks, { ...common, algorithms: ['RS256', 'ES256'] })
      : jwtVerify(token, secret ?? new Uint8Array(), { ...common, algorithms: ['HS256'] });

  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await check(token));
      } catch (err) {
        if (err instanceof errors.JWTExpired) {
          throw new Unauthorized('Token expired; sign in again', 'TOKEN_EXPIRED');
        }
        if (err instanceof errors.JWTClaimValidationFailed) {
          throw new Unauthorized(`Invalid token: ${err.claim} check failed`, 'INVALID_TOKEN');
        }
        throw new Unauthorized('Invalid token', 'INVALID_TOKEN');
      }
      return {
        actor: toActor(payload),
        expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : undefined,
      };
    },
  };
}
