import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimited } from '../../errors.js';
import { KeyTurns } from '../../limits/key-turns.js';
import { overLimit } from '../../limits/rate-limiter.js';
import { readPoints, replyChars } from '../../limits/read-cost.js';
import type { HttpContext } from '../context.js';

/**
 * The reads' own budget (history pages, chat lists), as route hooks: one point before any
 * work, as the general budget is charged (app.ts) — within the general budget, these were
 * the requests that let one caller slow every other's messages — and the rest of what the
 * reply cost (src/limits/read-cost.ts) once it is made, before it is sent. An identity's
 * reads take turns on each node (KeyTurns), each admitted once the one before has been
 * charged, so that reads sent together cannot all be admitted on their first point.
 */
/** One KeyTurns per server (every route file asks for the hooks): by its reads limiter. */
const turnsOf = new WeakMap<object, KeyTurns>();

export function chargeRead(ctx: HttpContext) {
  const limiter = ctx.deps.limits.reads;
  const turns = turnsOf.get(limiter) ?? new KeyTurns();
  turnsOf.set(limiter, turns);
  const ends = new WeakMap<FastifyRequest, () => void>();
  /** Streamed replies (transcripts, exports): the socket's bytes written before them. */
  const streamed = new WeakMap<FastifyRequest, number>();
  const endTurn = async (req: FastifyRequest): Promise<void> => {
    ends.get(req)?.();
    ends.delete(req);
  };
  return {
    onRequest: async (req: FastifyRequest): Promise<void> => {
      const key = await ctx.rateKey(req);
      ends.set(req, await turns.take(key));
      const retryAfterMs = await overLimit(ctx.deps.limits.reads, key);
      if (retryAfterMs !== undefined) throw new RateLimited(retryAfterMs);
    },
    onSend: async (req: FastifyRequest, _reply: FastifyReply, payload: unknown) => {
      if (payload instanceof Readable) {
        // Its length is known once it has been written (onResponse); its turn ends now,
        // so a slow download does not hold the caller's other reads.
        streamed.set(req, req.raw.socket?.bytesWritten ?? 0);
      } else {
        const more = readPoints(replyChars(payload)) - 1;
        if (more > 0) await ctx.deps.limits.reads.charge(await ctx.rateKey(req), more);
      }
      await endTurn(req);
      return payload;
    },
    onResponse: async (req: FastifyRequest): Promise<void> => {
      const from = streamed.get(req);
      if (from !== undefined) {
        const written = (req.raw.socket?.bytesWritten ?? from) - from;
        const more = readPoints(written) - 1;
        if (more > 0) await ctx.deps.limits.reads.charge(await ctx.rateKey(req), more);
      }
      // A reply that never reached onSend (the client went away) ends its turn too.
      await endTurn(req);
    },
    onRequestAbort: endTurn,
  };
}
