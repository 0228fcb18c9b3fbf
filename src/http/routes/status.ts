import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { userClaim } from '../../auth/actor.js';
import { setPresence } from '../../chats/use-cases.js';
import { type HttpContext, respond } from '../context.js';
import { routeSchema } from '../route-schema.js';

export function statusRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    app.post('/status', { schema: routeSchema('POST /api/status') }, async (req) => {
      const actor = await ctx.actorFor(req, userClaim(req.body.userId));
      return respond(ctx, await setPresence(ctx.deps, actor, req.body));
    });
  };
}
