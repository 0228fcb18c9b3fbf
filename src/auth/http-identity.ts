/**
 * Identity on REST: the Actor of a request (payload claim with AUTH_MODE=none, the
 * bearer token with jwt) and whose rate budget it spends. The token is verified once
 * per request however often it is asked for.
 */
import type { FastifyRequest } from 'fastify';
import { type Actor, type AuthContext, bearerToken, type Claim, resolveActor } from './actor.js';
import type { VerifiedToken } from './tokens.js';

export interface HttpIdentity {
  actorFor(request: FastifyRequest, claim: Claim | undefined): Promise<Actor>;
  /** The token's subject, else the client IP. */
  rateKey(request: FastifyRequest): Promise<string>;
}

export function httpIdentity(auth: AuthContext): HttpIdentity {
  const seen = new WeakMap<FastifyRequest, Promise<VerifiedToken | Error | undefined>>();
  const tokenOf = (request: FastifyRequest): Promise<VerifiedToken | Error | undefined> => {
    let verified = seen.get(request);
    if (!verified) {
      const token = bearerToken(request.headers.authorization);
      verified =
        token === undefined || auth.mode === 'none'
          ? Promise.resolve(undefined)
          : auth.verifier.verify(token).catch((err: unknown) => err as Error);
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
