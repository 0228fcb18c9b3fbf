/**
 * /ready (readiness, beside /health's liveness) and /metrics (Prometheus) on the main
 * port. /metrics is here only with METRICS_TOKEN, behind that bearer token; with
 * METRICS_PORT it is served on a port of its own instead (metrics-server.ts).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifySchema } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { bearerToken } from '../../auth/actor.js';
import { errorReply } from '../../envelopes.js';
import type { Metrics } from '../../metrics.js';
import type { Readiness } from '../../readiness.js';
import { FailureEnvelopeSchema } from '../../schemas/replies.js';
import type { Store } from '../../store/store.js';
import { BEARER_SECURITY } from '../route-schema.js';
import { cachedProbe, storeState } from './health.js';

export interface OperationsSources {
  readiness: Readiness;
  store: Store;
  metrics: Metrics | undefined;
  /** METRICS_TOKEN: /metrics on this port needs it as a bearer token. */
  metricsToken: string | undefined;
}

const ReadyReply = z
  .object({
    ready: z.boolean(),
    status: z.enum(['ready', 'starting', 'draining', 'store-unavailable']),
  })
  .meta({ example: { ready: true, status: 'ready' } });

const tags = ['operations'];

/**
 * Declared as a FastifySchema: the refusal's status comes from the error catalogue, which
 * a response map typed by its literal statuses would not accept.
 */
const METRICS_SCHEMA: FastifySchema = {
  tags,
  summary: 'Prometheus metrics (METRICS_TOKEN as a bearer token)',
  security: BEARER_SECURITY,
  response: {
    200: {
      description: 'The Prometheus text exposition format',
      content: { 'text/plain': { schema: z.string() } },
    },
    401: {
      description: 'No token, or not METRICS_TOKEN (`MISSING_TOKEN`, `INVALID_TOKEN`)',
      content: { 'application/json': { schema: FailureEnvelopeSchema } },
    },
  },
};

/** Compares digests, so the time taken says nothing about the token. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function operationsRoutes(sources: OperationsSources): FastifyPluginAsync {
  const probeStore = cachedProbe(() => storeState(sources.store));
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    app.get(
      '/ready',
      {
        schema: {
          tags,
          summary: 'Readiness: 503 while starting, draining (SIGTERM) or without the store',
          response: { 200: ReadyReply, 503: ReadyReply },
        },
      },
      async (_req, reply) => {
        const state = sources.readiness.state();
        const status =
          state !== 'ready' ? state : (await probeStore()) === 'up' ? 'ready' : 'store-unavailable';
        return reply
          .status(status === 'ready' ? 200 : 503)
          .send({ ready: status === 'ready', status });
      },
    );

    const { metrics, metricsToken } = sources;
    if (!metrics || !metricsToken) return;
    app.get(
      '/metrics',
      {
        schema: METRICS_SCHEMA,
      },
      async (req, reply) => {
        const token = bearerToken(req.headers.authorization);
        if (!token || !sameSecret(token, metricsToken)) {
          const refused = errorReply(token ? 'INVALID_TOKEN' : 'MISSING_TOKEN');
          return reply.status(refused.status).send(refused.body);
        }
        return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
      },
    );
  };
}
