import type { FastifyRequest } from 'fastify';
import type { Actor, Claim } from '../auth/actor.js';
import type { Deps } from '../chats/use-cases.js';
import type { Emit, Outcome } from '../outcome.js';

/** What every route plugin is handed by the composition root. */
export interface HttpContext {
  deps: Deps;
  publish: (events: Emit[]) => void;
  actorFor: (request: FastifyRequest, claim: Claim | undefined) => Promise<Actor>;
  /** Whose REST budget a request spends: the token's subject, else the client IP. */
  rateKey: (request: FastifyRequest) => Promise<string>;
}

/** Publishes an outcome's events and turns its reply into the success envelope. */
export function respond<R extends object>(ctx: HttpContext, outcome: Outcome<R>) {
  ctx.publish(outcome.events);
  return { success: true as const, ...outcome.reply };
}
