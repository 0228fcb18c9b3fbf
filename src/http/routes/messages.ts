import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { senderClaim } from '../../auth/actor.js';
import { succeed } from '../../envelopes.js';
import { markRead, messageHistory, sendMessage, typing } from '../../messages/use-cases.js';
import { writeNote } from '../../notes/use-cases.js';
import { type HttpContext, respond } from '../context.js';
import { routeSchema } from '../route-schema.js';
import { chargeRead } from './read-budget.js';

export function messageRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const read = chargeRead(ctx);

    app.get(
      '/messages/:chatId',
      { schema: routeSchema('GET /api/messages/:chatId'), ...read },
      async (req) => {
        const actor = await ctx.actorFor(req, undefined);
        const page = await messageHistory(ctx.deps, actor, req.params.chatId, req.query);
        return succeed(page);
      },
    );

    app.post('/messages', { schema: routeSchema('POST /api/messages') }, async (req) => {
      const { senderId, senderName, senderType } = req.body;
      const actor = await ctx.actorFor(req, senderClaim(senderId, senderName, senderType));
      return req.body.internal
        ? respond(ctx, await writeNote(ctx.deps, actor, req.body))
        : respond(ctx, await sendMessage(ctx.deps, actor, req.body));
    });

    app.post('/messages/read', { schema: routeSchema('POST /api/messages/read') }, async (req) => {
      const { readerId, readerType } = req.body;
      const actor = await ctx.actorFor(req, senderClaim(readerId, '', readerType));
      return respond(ctx, await markRead(ctx.deps, actor, req.body));
    });

    app.post(
      '/messages/typing',
      { schema: routeSchema('POST /api/messages/typing') },
      async (req) => {
        // The typing payload names a person but not a role: v2 trusted it as-is.
        const actor = await ctx.actorFor(req, { id: req.body.userId, name: req.body.userName });
        return respond(ctx, await typing(ctx.deps, actor, req.body));
      },
    );
  };
}
