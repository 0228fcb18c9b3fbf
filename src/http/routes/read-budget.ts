import type { FastifyRequest } from 'fastify';
import { RateLimited } from '../../errors.js';
import { overLimit } from '../../limits/rate-limiter.js';
import type { HttpContext } from '../context.js';

/**
 * The reads' own budget (history pages, chat lists), charged before any work as the
 * general one is (app.ts): within the general budget, these were the requests that let
 * one caller slow every other's messages.
 */
export function chargeRead(ctx: HttpContext) {
  return async (req: FastifyRequest): Promise<void> => {
    const retryAfterMs = await overLimit(ctx.deps.limits.reads, await ctx.rateKey(req));
    if (retryAfterMs !== undefined) throw new RateLimited(retryAfterMs);
  };
}
