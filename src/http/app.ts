/** The Fastify side: parsing, validation, errors, CORS, docs and the routes. */
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  LogController,
} from 'fastify';
import { trustRule } from '../client-address.js';
import type { Config } from '../config.js';
import { failure } from '../envelopes.js';
import { RateLimited } from '../errors.js';
import { overLimit } from '../limits/rate-limiter.js';
import { LIMITS } from '../schemas/shapes.js';
import { TUNABLES } from '../tunables.js';
import { closeConnectionsAnsweredWhileClosing } from './close-after-response.js';
import type { HttpContext } from './context.js';
import { corsOptions, refuseNonPreflight } from './cors.js';
import { registerDocs } from './docs.js';
import { registerErrorHandling } from './errors.js';
import { refuseUnmetExpectation, routeExpectations } from './expectations.js';
import { loggableUrl } from './log-url.js';
import { refuseBracketQueryKeys } from './query-keys.js';
import { replySerializerCompiler } from './reply-serializer.js';
import { clientErrorHandler } from './request-timeout.js';
import { adminRoutes } from './routes/admins.js';
import { agentRoutes } from './routes/agents.js';
import { attachmentRoutes } from './routes/attachments.js';
import { auditRoutes } from './routes/audit.js';
import { cannedReplyRoutes } from './routes/canned-replies.js';
import { chatRoutes } from './routes/chats.js';
import { deskRoutes } from './routes/desk.js';
import { type HealthSources, healthRoutes } from './routes/health.js';
import { labelRoutes } from './routes/labels.js';
import { messageRoutes } from './routes/messages.js';
import { reportRoutes } from './routes/reports.js';
import { searchRoutes } from './routes/search.js';
import { statusRoutes } from './routes/status.js';
import { transcriptRoutes } from './routes/transcripts.js';
import { userRoutes } from './routes/users.js';
import { webRoutes } from './routes/web.js';
import { webhookRoutes } from './routes/webhooks.js';
import { parseJsonBody, zodValidatorCompiler } from './validation.js';

export interface HttpRoutesOptions {
  config: Config;
  context: HttpContext;
  health: Omit<HealthSources, 'endpoints'>;
  /** Every reply must match its documented schema (test servers; see reply-serializer.ts). */
  checkReplies?: boolean;
}

/** The Fastify instance alone: its HTTP server exists now, so Socket.io can attach to it. */
export function createHttpApp(
  logger: FastifyBaseLogger,
  trustProxy: Config['trustProxy'],
  requestTimeoutMs: number = TUNABLES.requestTimeoutMs.value,
): FastifyInstance {
  // Node refuses a headers timeout longer than the request timeout.
  const headersTimeoutMs = Math.min(TUNABLES.headersTimeoutMs.value, requestTimeoutMs);
  const app = Fastify({
    loggerInstance: logger,
    // request.ip (rate limits, logs) from X-Forwarded-For only through the proxies named.
    trustProxy: trustRule(trustProxy),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: LIMITS.bodyBytes,
    // Longer than any valid id, so that an over-long id is a 400 naming the field (zod),
    // and the router's own refusals (a longer one, a malformed URL) keep the envelope too.
    routerOptions: { maxParamLength: LIMITS.pathParamChars },
    frameworkErrors: (err, _req, reply: FastifyReply) => {
      reply.status(400).send(failure('VALIDATION_ERROR', err.message));
    },
    // Socket.io shares this server; graceful shutdown closes idle keep-alive sockets too,
    // and those whose response ends after it began (close-after-response.ts).
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // Trickled headers or bodies are cut (408) instead of holding a connection for minutes;
    // uploads are exempt and watch their own pace (request-timeout.ts).
    // Fastify sets the server's requestTimeout from its own option, the rest go to Node.
    requestTimeout: requestTimeoutMs,
    http: {
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      connectionsCheckingInterval: TUNABLES.connectionsCheckIntervalMs.value,
    },
    clientErrorHandler,
  });
  closeConnectionsAnsweredWhileClosing(app);
  routeExpectations(app);
  return app;
}

/** Parsing, validation, errors, CORS, docs and the routes. */
export async function registerHttpRoutes(
  app: FastifyInstance,
  options: HttpRoutesOptions,
): Promise<void> {
  const { config, context } = options;
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(replySerializerCompiler(options.checkReplies ?? false));

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
      {
        method: req.method,
        url: loggableUrl(req.url),
        status: reply.statusCode,
        ms: reply.elapsedTime,
      },
      'request',
    );
  });

  const endpoints: string[] = [];
  app.addHook('onRoute', (route) => {
    // HEAD mirrors GET; OPTIONS is the CORS preflight for every path.
    if (route.url.startsWith('/docs') || route.method === 'HEAD' || route.method === 'OPTIONS')
      return;
    for (const method of [route.method].flat()) endpoints.push(`${method} ${route.url}`);
  });

  registerErrorHandling(app);
  await app.register(helmet, { global: true });
  app.addHook('onRequest', refuseNonPreflight);
  await app.register(cors, corsOptions(config.corsOrigin));
  // With the security headers and CORS of every refusal, before any other work.
  app.addHook('onRequest', refuseUnmetExpectation);
  // Per identity (per IP before authentication), before any work of a route; probes and
  // scrapes are exempt. After CORS, so that a page on another origin can read the 429 and
  // its Retry-After (a preflight, answered by CORS itself, costs nothing).
  app.addHook('onRequest', async (req) => {
    if (req.url === '/health' || req.url === '/ready' || req.url === '/metrics') return;
    const retryAfterMs = await overLimit(context.deps.limits.requests, await context.rateKey(req));
    if (retryAfterMs !== undefined) throw new RateLimited(retryAfterMs);
  });
  // After CORS: a preflight is answered by it, and a page on another origin can read the 400.
  refuseBracketQueryKeys(app);
  await registerDocs(app, options.health.version);

  await app.register(healthRoutes({ ...options.health, endpoints: () => endpoints }));
  await app.register(
    async (api) => {
      await api.register(chatRoutes(context));
      await api.register(transcriptRoutes(context));
      await api.register(messageRoutes(context));
      await api.register(statusRoutes(context));
      await api.register(adminRoutes(context));
      await api.register(attachmentRoutes(context));
      await api.register(agentRoutes(context));
      await api.register(searchRoutes(context));
      await api.register(labelRoutes(context));
      await api.register(cannedReplyRoutes(context));
      await api.register(auditRoutes(context));
      await api.register(webhookRoutes(context));
      await api.register(userRoutes(context));
      await api.register(deskRoutes(context));
      await api.register(reportRoutes(context));
    },
    { prefix: '/api' },
  );
  await app.register(webRoutes(config));
}
