import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { listKnownAdmins } from '../../admins/use-cases.js';
import { adminClaim } from '../../auth/actor.js';
import { succeed } from '../../envelopes.js';
import type { HttpContext } from '../context.js';
import { routeSchema } from '../route-schema.js';
import { chargeRead } from './read-budget.js';

export function adminRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/admins',
      { schema: routeSchema('GET /api/admins'), ...chargeRead(ctx) },
      async (req) => {
        const { adminId, isSuperAdmin } = req.query;
        const actor = await ctx.actorFor(req, adminClaim(adminId, undefined, isSuperAdmin));
        return succeed(await listKnownAdmins(ctx.deps, actor));
      },
    );
  };
}
