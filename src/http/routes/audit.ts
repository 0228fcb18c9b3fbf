import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { listAuditEntries } from '../../audit/use-cases.js';
import { adminClaim } from '../../auth/actor.js';
import { succeed } from '../../envelopes.js';
import type { HttpContext } from '../context.js';
import { routeSchema } from '../route-schema.js';
import { chargeRead } from './read-budget.js';

/** The audit log for superadmins; with AUTH_MODE=none the query names the admin asking. */
export function auditRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/audit',
      { schema: routeSchema('GET /api/audit'), ...chargeRead(ctx) },
      async (req) => {
        const { adminId, isSuperAdmin, ...query } = req.query;
        const actor = await ctx.actorFor(req, adminClaim(adminId, undefined, isSuperAdmin));
        return succeed(await listAuditEntries(ctx.deps, actor, query));
      },
    );
  };
}
