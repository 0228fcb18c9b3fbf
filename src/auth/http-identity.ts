/**
 * Identity on REST: the Actor of a request (payload claim with AUTH_MODE=none, the
 * bearer token with jwt) and whose rate budget it spends. The token is verified once
 * per request however often it is asked for.
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { type Actor, type AuthContext, bearerToken, type Claim, resolveActor } from './actor.js';
import type { VerifiedToken } from './tokens.js';

export interface HttpIdentity {
  actorFor(request: FastifyRequest, claim: Claim | undefined): Promise<Actor>;
  /** The token's subject, else the client IP. */
  rateKey(request: FastifyRequest): Promise<string>;
}

const UNSCHEMED = 'The Authorization header must be "Bearer <token>"';

export function httpIdentity(auth: AuthContext): HttpIdentity {
  const seen = new WeakMap<FastifyRequest, Promise<VerifiedToken | Error | undefined>>();
  const tokenOf = (request: FastifyRequest): Promise<VerifiedToken | Error | undefined> => {
    let verified = seen.get(request);
    if (!verified) {
      const header = request.headers.authorization;
      const token = bearerToken(header);
      if (auth.mode === 'none') verified = Promise.resolve(undefined);
      else if (token !== undefined) {
        verified = auth.verifier.verify(token).catch((err: unknown) => err as Error);
      } else {
        // A header that is there but not a bearer token (the token alone, another scheme)
        // is told the form, not that no token was sent.
        verified = Promise.resolve(header ? new AppError('MISSING_TOKEN', UNSCHEMED) : undefined);
      }
      seen.set(request, verified);
    }
    return verified;
  };

  return {
    async actorFor(request, claim) {
      const verified = await tokenOf(request);
      if (verified instanceof Error) throw verified;
      return resolveActor(auth, verified?.actor, claim);
    },
    async rateKey(request) {
      const verified = await tokenOf(request);
      return verified && !(verified instanceof Error)
        ? `id:${verified.actor.id}`
        : `ip:${request.ip}`;
    },
  };
}
