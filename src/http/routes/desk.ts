import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { deskStatus } from '../../desk/use-cases.js';
import { succeed } from '../../envelopes.js';
import type { HttpContext } from '../context.js';
import { routeSchema } from '../route-schema.js';

/** GET /api/desk: public, no identity (the per-address request limit still applies). */
export function deskRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    app.get('/desk', { schema: routeSchema('GET /api/desk') }, async () =>
      succeed(await deskStatus(ctx.deps)),
    );
  };
}
