/**
 * A chat's transcript as a download: the body is streamed as it is read (never held whole),
 * with the headers of every download (docs/security.md) and the policy its form needs.
 */
import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { adminClaim, userClaim } from '../../auth/actor.js';
import { openTranscript } from '../../transcripts/use-cases.js';
import type { HttpContext } from '../context.js';
import { routeSchema } from '../route-schema.js';
import { cutWhenStalled } from '../stalled-reply.js';
import { chargeRead } from './read-budget.js';

export function transcriptRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/chats/:chatId/transcript',
      { schema: routeSchema('GET /api/chats/:chatId/transcript'), ...chargeRead(ctx) },
      async (req, reply) => {
        // Who asks comes from the token; with AUTH_MODE=none the query may name them (the
        // widget names its user, whose copy has no notes), else it is v2's trusted caller.
        const { userId, adminId, isSuperAdmin, format } = req.query;
        const claim =
          userId !== undefined ? userClaim(userId) : adminClaim(adminId, undefined, isSuperAdmin);
        const actor = await ctx.actorFor(req, claim);
        const download = await openTranscript(
          { store: ctx.deps.store, publicUrl: ctx.deps.attachments.publicUrl },
          actor,
          { chatId: req.params.chatId, format },
        );
        reply
          .header('content-type', download.contentType)
          .header('content-disposition', `attachment; filename="${download.filename}"`)
          .header('content-security-policy', download.contentSecurityPolicy)
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'private, no-store');
        cutWhenStalled(reply, ctx.deps.attachments.downloadIdleMs);
        return reply.send(Readable.from(download.body));
      },
    );
  };
}
