import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { adminClaim } from '../../auth/actor.js';
import {
  createCannedReply,
  deleteCannedReply,
  listCannedReplies,
  updateCannedReply,
} from '../../canned-replies/use-cases.js';
import { succeed } from '../../envelopes.js';
import { askerClaim } from '../asker.js';
import { type HttpContext, respond } from '../context.js';
import { routeSchema } from '../route-schema.js';
import { chargeRead } from './read-budget.js';

/** Canned replies; with AUTH_MODE=none the query names the admin asking (as GET /api/agents). */
export function cannedReplyRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/canned-replies',
      { schema: routeSchema('GET /api/canned-replies'), ...chargeRead(ctx) },
      async (req) => {
        const { adminId, isSuperAdmin } = req.query;
        const actor = await ctx.actorFor(req, adminClaim(adminId, undefined, isSuperAdmin));
        return succeed(await listCannedReplies(ctx.deps, actor));
      },
    );

    app.post(
      '/canned-replies',
      { schema: routeSchema('POST /api/canned-replies') },
      async (req) => {
        const { adminId, isSuperAdmin, ...input } = req.body;
        const actor = await ctx.actorFor(req, askerClaim(req.query, { adminId, isSuperAdmin }));
        return respond(ctx, await createCannedReply(ctx.deps, actor, input));
      },
    );

    app.put(
      '/canned-replies/:id',
      { schema: routeSchema('PUT /api/canned-replies/:id') },
      async (req) => {
        const { adminId, isSuperAdmin, ...fields } = req.body;
        const actor = await ctx.actorFor(req, askerClaim(req.query, { adminId, isSuperAdmin }));
        const input = { ...fields, id: req.params.id };
        return respond(ctx, await updateCannedReply(ctx.deps, actor, input));
      },
    );

    app.delete(
      '/canned-replies/:id',
      { schema: routeSchema('DELETE /api/canned-replies/:id') },
      async (req) => {
        const { adminId, isSuperAdmin } = req.query;
        const actor = await ctx.actorFor(req, adminClaim(adminId, undefined, isSuperAdmin));
        return respond(ctx, await deleteCannedReply(ctx.deps, actor, { id: req.params.id }));
      },
    );
  };
}
