import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { listAgents, setAvailability, setMaxChats } from '../../agents/use-cases.js';
import { adminClaim } from '../../auth/actor.js';
import { succeed } from '../../envelopes.js';
import { askerClaim } from '../asker.js';
import { type HttpContext, respond } from '../context.js';
import { routeSchema } from '../route-schema.js';
import { chargeRead } from './read-budget.js';

/** Availability and capacity; with AUTH_MODE=none the query names the admin asking (as GET /api/admins). */
export function agentRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/agents',
      { schema: routeSchema('GET /api/agents'), ...chargeRead(ctx) },
      async (req) => {
        const { adminId, isSuperAdmin } = req.query;
        const actor = await ctx.actorFor(req, adminClaim(adminId, undefined, isSuperAdmin));
        return succeed(await listAgents(ctx.deps, actor));
      },
    );

    app.post(
      '/agents/availability',
      { schema: routeSchema('POST /api/agents/availability') },
      async (req) => {
        const { adminId, isSuperAdmin, ...input } = req.body;
        const actor = await ctx.actorFor(req, askerClaim(req.query, { adminId, isSuperAdmin }));
        return respond(ctx, await setAvailability(ctx.deps, actor, input));
      },
    );

    app.put(
      '/agents/:adminId',
      { schema: routeSchema('PUT /api/agents/:adminId') },
      async (req) => {
        const actor = await ctx.actorFor(req, askerClaim(req.query, req.body));
        const input = { adminId: req.params.adminId, maxChats: req.body.maxChats };
        return respond(ctx, await setMaxChats(ctx.deps, actor, input));
      },
    );
  };
}
