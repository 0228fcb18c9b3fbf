import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { adminClaim } from '../../auth/actor.js';
import { succeed } from '../../envelopes.js';
import { listDeliveries, retryDelivery } from '../../webhooks/use-cases.js';
import type { HttpContext } from '../context.js';
import { routeSchema } from '../route-schema.js';
import { chargeRead } from './read-budget.js';

/** The webhook outbox for superadmins; with AUTH_MODE=none the query names the admin asking. */
export function webhookRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/webhooks/deliveries',
      { schema: routeSchema('GET /api/webhooks/deliveries'), ...chargeRead(ctx) },
      async (req) => {
        const { adminId, isSuperAdmin, ...query } = req.query;
        const actor = await ctx.actorFor(req, adminClaim(adminId, undefined, isSuperAdmin));
        return succeed(await listDeliveries(ctx.deps, actor, query));
      },
    );
    app.post(
      '/webhooks/deliveries/:id/retry',
      { schema: routeSchema('POST /api/webhooks/deliveries/:id/retry') },
      async (req) => {
        const { adminId, isSuperAdmin } = req.query;
        const actor = await ctx.actorFor(req, adminClaim(adminId, undefined, isSuperAdmin));
        return succeed(await retryDelivery(ctx.deps, actor, req.params.id));
      },
    );
  };
}
