import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimited } from '../../errors.js';
import { overLimit } from '../../limits/rate-limiter.js';
import { readPoints, replyChars } from '../../limits/read-cost.js';
import type { HttpContext } from '../context.js';

/**
 * The reads' own budget (history pages, chat lists), as route hooks: one point before any
 * work, as the general budget is charged (app.ts) — within the general budget, these were
 * the requests that let one caller slow every other's messages — and the rest of what the
 * reply cost (src/limits/read-cost.ts) once it is made, before it is sent, so that the
 * caller's next read already meets the charge.
 */
export function chargeRead(ctx: HttpContext) {
  return {
    onRequest: async (req: FastifyRequest): Promise<void> => {
      const retryAfterMs = await overLimit(ctx.deps.limits.reads, await ctx.rateKey(req));
      if (retryAfterMs !== undefined) throw new RateLimited(retryAfterMs);
    },
    onSend: async (req: FastifyRequest, _reply: FastifyReply, payload: unknown) => {
      const more = readPoints(replyChars(payload)) - 1;
      if (more > 0) await ctx.deps.limits.reads.charge(await ctx.rateKey(req), more);
      return payload;
    },
  };
}
