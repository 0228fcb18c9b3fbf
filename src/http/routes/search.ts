import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { adminClaim } from '../../auth/actor.js';
import { succeed } from '../../envelopes.js';
import { searchChats } from '../../search/use-cases.js';
import type { HttpContext } from '../context.js';
import { routeSchema } from '../route-schema.js';
import { chargeRead } from './read-budget.js';

export function searchRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/search',
      { schema: routeSchema('GET /api/search'), ...chargeRead(ctx) },
      async (req) => {
        const { adminId, isSuperAdmin, ...input } = req.query;
        const actor = await ctx.actorFor(req, adminClaim(adminId, undefined, isSuperAdmin));
        return succeed(await searchChats(ctx.deps, actor, input));
      },
    );
  };
}
