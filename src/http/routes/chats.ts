import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { adminClaim, userClaim } from '../../auth/actor.js';
import { rateChat } from '../../chats/rating.js';
import {
  closeChat,
  listAdminChats,
  listAllChats,
  listUserChats,
  listWaitingChats,
  openChat,
  takeChat,
  transferChat,
  unlockChat,
} from '../../chats/use-cases.js';
import { queuePosition } from '../../desk/use-cases.js';
import { succeed } from '../../envelopes.js';
import { type HttpContext, respond } from '../context.js';
import { routeSchema } from '../route-schema.js';
import { chargeRead } from './read-budget.js';

export function chatRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const read = chargeRead(ctx);

    app.post('/chats', { schema: routeSchema('POST /api/chats') }, async (req) => {
      const actor = await ctx.actorFor(req, userClaim(req.body.userId, req.body.userName));
      return respond(ctx, await openChat(ctx.deps, actor, req.body));
    });

    app.get(
      '/chats/user/:userId',
      { schema: routeSchema('GET /api/chats/user/:userId'), ...read },
      async (req) => {
        // A path names whose chats to list, not who asks: the rules decide.
        const actor = await ctx.actorFor(req, undefined);
        return succeed(await listUserChats(ctx.deps, actor, req.params.userId));
      },
    );

    app.get(
      '/chats/waiting',
      { schema: routeSchema('GET /api/chats/waiting'), ...read },
      async (req) => {
        const { adminId, isSuperAdmin } = req.query;
        const actor = await ctx.actorFor(req, adminClaim(adminId, undefined, isSuperAdmin));
        return succeed(await listWaitingChats(ctx.deps, actor));
      },
    );

    app.get(
      '/chats/admin/:adminId',
      { schema: routeSchema('GET /api/chats/admin/:adminId'), ...read },
      async (req) => {
        const actor = await ctx.actorFor(req, undefined);
        return succeed(await listAdminChats(ctx.deps, actor, req.params.adminId));
      },
    );

    app.get('/chats/all', { schema: routeSchema('GET /api/chats/all'), ...read }, async (req) => {
      const actor = await ctx.actorFor(req, undefined);
      return succeed(await listAllChats(ctx.deps, actor, req.query));
    });

    app.get(
      '/chats/:chatId/queue',
      { schema: routeSchema('GET /api/chats/:chatId/queue'), ...read },
      async (req) => {
        // As history: who asks comes from the token (AUTH_MODE=none: v2's trusted caller).
        const actor = await ctx.actorFor(req, undefined);
        return succeed(await queuePosition(ctx.deps, actor, req.params.chatId));
      },
    );

    for (const [path, lock] of [
      ['/chats/assign', false],
      ['/chats/lock', true],
    ] as const) {
      app.post(path, { schema: routeSchema(`POST /api${path}`) }, async (req) => {
        const { chatId, adminId, adminName, isSuperAdmin } = req.body;
        const actor = await ctx.actorFor(req, adminClaim(adminId, adminName, isSuperAdmin));
        return respond(ctx, await takeChat(ctx.deps, actor, { chatId, lock }));
      });
    }

    app.post(
      '/chats/transfer',
      { schema: routeSchema('POST /api/chats/transfer') },
      async (req) => {
        const { fromAdminId, isSuperAdmin } = req.body;
        const claim = adminClaim(fromAdminId, undefined, isSuperAdmin);
        // A superadmin names the chat's current assignee here, not themself.
        const actor = await ctx.actorFor(req, claim && { ...claim, superadminMayNameOthers: true });
        return respond(ctx, await transferChat(ctx.deps, actor, req.body));
      },
    );

    app.post('/chats/unlock', { schema: routeSchema('POST /api/chats/unlock') }, async (req) => {
      const { chatId, adminId, isSuperAdmin } = req.body;
      const actor = await ctx.actorFor(req, adminClaim(adminId, undefined, isSuperAdmin));
      return respond(ctx, await unlockChat(ctx.deps, actor, { chatId }));
    });

    app.patch(
      '/chats/:chatId/close',
      { schema: routeSchema('PATCH /api/chats/:chatId/close') },
      async (req) => {
        const body = req.body;
        const claim = body?.userId
          ? userClaim(body.userId)
          : adminClaim(body?.adminId, undefined, body?.isSuperAdmin);
        const actor = await ctx.actorFor(req, claim);
        return respond(ctx, await closeChat(ctx.deps, actor, { chatId: req.params.chatId }));
      },
    );

    app.post(
      '/chats/:chatId/rating',
      { schema: routeSchema('POST /api/chats/:chatId/rating') },
      async (req) => {
        const { userId, score, comment } = req.body;
        const actor = await ctx.actorFor(req, userId === undefined ? undefined : userClaim(userId));
        return respond(
          ctx,
          await rateChat(ctx.deps, actor, {
            chatId: req.params.chatId,
            score,
            comment: comment ?? null,
          }),
        );
      },
    );
  };
}
