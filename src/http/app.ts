/** Builds the Fastify instance: parsing, validation, errors, CORS, docs and the routes. */
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import type { Config } from '../config.js';
import { RateLimited } from '../errors.js';
import {
  CONNECTIONS_CHECK_INTERVAL_MS,
  HEADERS_TIMEOUT_MS,
  REQUEST_TIMEOUT_MS,
} from '../limits/bounds.js';
import { overLimit } from '../limits/rate-limiter.js';
import { LIMITS } from '../schemas/shapes.js';
import type { HttpContext } from './context.js';
import { registerDocs } from './docs.js';
import { registerErrorHandling } from './errors.js';
import { chatRoutes } from './routes/chats.js';
import { type HealthSources, healthRoutes } from './routes/health.js';
import { messageRoutes } from './routes/messages.js';
import { statusRoutes } from './routes/status.js';
import { parseJsonBody, zodValidatorCompiler } from './validation.js';

export interface HttpAppOptions {
  config: Config;
  logger: FastifyBaseLogger;
  context: HttpContext;
  health: Omit<HealthSources, 'endpoints'>;
}

export async function buildHttpApp(options: HttpAppOptions): Promise<FastifyInstance> {
  const { config, context } = options;
  const app = Fastify({
    loggerInstance: options.logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: LIMITS.bodyBytes,
    // Socket.io shares this server; graceful shutdown closes idle keep-alive sockets too.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // Trickled headers or bodies are cut (408) instead of holding a connection for minutes.
    // Fastify sets the server's requestTimeout from its own option, the rest go to Node.
    requestTimeout: REQUEST_TIMEOUT_MS,
    http: {
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: CONNECTIONS_CHECK_INTERVAL_MS,
    },
  });
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // JSON only: anything else is a 415, not a string that fails validation later.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });

  // One line per request at debug; never bodies (they carry message content).
  app.addHook('onResponse', async (req, reply) => {
    req.log.debug(
      { method: req.method, url: req.url, status: reply.statusCode, ms: reply.elapsedTime },
      'request',
    );
  });

  const endpoints: string[] = [];
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs') || route.method === 'HEAD') return;
    for (const method of [route.method].flat()) endpoints.push(`${method} ${route.url}`);
  });

  registerErrorHandling(app);
  // Per identity (per IP before authentication), before any work; health probes are exempt.
  app.addHook('onRequest', async (req) => {
    if (req.url === '/health') return;
    const retryAfterMs = await overLimit(context.deps.limits.requests, await context.rateKey(req));
    if (retryAfterMs !== undefined) throw new RateLimited(retryAfterMs);
  });
  await app.register(helmet, { global: true });
  await app.register(cors, { origin: config.corsOrigin === '*' ? '*' : config.corsOrigin });
  await registerDocs(app, options.health.version);

  await app.register(healthRoutes({ ...options.health, endpoints: () => endpoints }));
  await app.register(
    async (api) => {
      await api.register(chatRoutes(context));
      await api.register(messageRoutes(context));
      await api.register(statusRoutes(context));
    },
    { prefix: '/api' },
  );
  return app;
}
