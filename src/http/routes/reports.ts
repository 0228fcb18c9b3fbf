import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type Actor, adminClaim } from '../../auth/actor.js';
import { succeed } from '../../envelopes.js';
import {
  agentsCsv,
  reportAgents,
  reportSeries,
  reportSummary,
  seriesCsv,
  summaryCsv,
} from '../../reports/use-cases.js';
import type { ReportFormat } from '../../schemas/vocabulary.js';
import type { HttpContext } from '../context.js';
import { routeSchema } from '../route-schema.js';
import { chargeRead } from './read-budget.js';

interface Asker {
  viewerId?: string | undefined;
  adminId?: string | undefined;
  isSuperAdmin?: boolean | undefined;
}

/**
 * Who asks. With jwt the token says (a `viewerId`, when given, must agree with it), and
 * `adminId` only chooses whose numbers. With AUTH_MODE=none a request naming nobody is v2's
 * anonymous caller, so there `viewerId`, else `adminId`, names who asks.
 */
async function askerOf(ctx: HttpContext, req: FastifyRequest, query: Asker): Promise<Actor> {
  const { viewerId, adminId, isSuperAdmin } = query;
  const actor = await ctx.actorFor(req, adminClaim(viewerId, undefined, isSuperAdmin));
  if (actor.kind !== 'anonymous' || adminId === undefined) return actor;
  return ctx.actorFor(req, adminClaim(adminId, undefined, isSuperAdmin));
}

/** The CSV when asked for it, else the JSON envelope. */
function answer<R extends object>(
  reply: FastifyReply,
  format: ReportFormat | undefined,
  report: R,
  csv: (report: R) => string,
  name: string,
) {
  if (format !== 'csv') return succeed(report);
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`)
    .send(csv(report));
}

/** The desk's reports (docs/protocol.md, Reports): everyone's for superadmins, admins' own. */
export function reportRoutes(ctx: HttpContext): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const read = chargeRead(ctx);
    app.get(
      '/reports/summary',
      { schema: routeSchema('GET /api/reports/summary'), ...read },
      async (req, reply) => {
        const actor = await askerOf(ctx, req, req.query);
        const report = await reportSummary(ctx.deps, actor, req.query);
        return answer(reply, req.query.format, report, summaryCsv, 'summary');
      },
    );
    app.get(
      '/reports/timeseries',
      { schema: routeSchema('GET /api/reports/timeseries'), ...read },
      async (req, reply) => {
        const actor = await askerOf(ctx, req, req.query);
        const report = await reportSeries(ctx.deps, actor, req.query);
        return answer(reply, req.query.format, report, seriesCsv, `${req.query.metric}`);
      },
    );
    app.get(
      '/reports/agents',
      { schema: routeSchema('GET /api/reports/agents'), ...read },
      async (req, reply) => {
        const actor = await askerOf(ctx, req, req.query);
        const report = await reportAgents(ctx.deps, actor, req.query);
        return answer(reply, req.query.format, report, agentsCsv, 'agents');
      },
    );
  };
}
