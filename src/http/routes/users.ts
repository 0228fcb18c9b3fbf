import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { adminClaim } from '../../auth/actor.js';
import { succeed } from '../../envelopes.js';
import { eraseUser } from '../../privacy/erasure.js';
import { exportUser } from '../../privacy/export.js';
import type { HttpContext } from '../context.js';
import { routeSchema } from '../route-schema.js';
import { cutWhenStalled } from '../stalled-reply.js';
import { chargeRead } from './read-budget.js';

/**
 * A user's export and erasure (src/privacy). The path names whose data, not who asks:
 * with AUTH_MODE=none the query names the admin asking, as the audit log's does.
 */
export function userRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/users/:userId/export',
      {
        schema: routeSchema('GET /api/users/:userId/export'),
        ...chargeRead(ctx),
        // A HEAD would run the export and record it (user.exported) for a reply of no bytes.
        exposeHeadRoute: false,
      },
      async (req, reply) => {
        const { adminId, isSuperAdmin } = req.query;
        const actor = await ctx.actorFor(req, adminClaim(adminId, undefined, isSuperAdmin));
        const document = await exportUser(ctx.deps, actor, req.params.userId);
        cutWhenStalled(reply, ctx.deps.attachments.downloadIdleMs);
        // Streamed as it is read: the documented schema is checked by the tests, not here.
        return reply
          .type('application/json; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(Readable.from(document));
      },
    );
    app.delete(
      '/users/:userId',
      { schema: routeSchema('DELETE /api/users/:userId') },
      async (req) => {
        const { adminId, isSuperAdmin } = req.query;
        const actor = await ctx.actorFor(req, adminClaim(adminId, undefined, isSuperAdmin));
        const { reply, effects, endHold } = await eraseUser(ctx.deps, actor, req.params.userId);
        try {
          for (const effect of effects) ctx.publish(effect);
        } finally {
          // Only now: until their sockets are told to go, the user opens no chat. The erasure
          // is done whatever this answers: a hold left behind goes stale and refuses nothing
          // after erasureHoldStaleMs, so its failure is logged, not answered.
          await endHold().catch((err: unknown) =>
            req.log.warn({ err }, 'the erasure hold could not be ended: it lapses when stale'),
          );
        }
        return succeed(reply);
      },
    );
  };
}
