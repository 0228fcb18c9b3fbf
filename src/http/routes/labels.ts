import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { setChatLabels } from '../../labels/use-cases.js';
import { askerClaim } from '../asker.js';
import { type HttpContext, respond } from '../context.js';
import { routeSchema } from '../route-schema.js';

/** A chat's labels; with AUTH_MODE=none the query names the admin asking. */
export function labelRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    app.put(
      '/chats/:chatId/labels',
      { schema: routeSchema('PUT /api/chats/:chatId/labels') },
      async (req) => {
        const actor = await ctx.actorFor(req, askerClaim(req.query, req.body));
        const input = { chatId: req.params.chatId, labels: req.body.labels };
        return respond(ctx, await setChatLabels(ctx.deps, actor, input));
      },
    );
  };
}
