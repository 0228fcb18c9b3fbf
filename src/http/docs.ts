import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { asyncApiServers, buildAsyncApi, ERRORS_URL } from '../docs/asyncapi.js';
import { ERROR_CODES, ERRORS } from '../errors.js';
import type { DocumentedRoute } from './docs-app.js';

/**
 * OpenAPI document at /docs/json (and /docs/yaml), generated from the route schemas; a page
 * at /docs; the AsyncAPI document of the Socket.io events at /docs/asyncapi.json, its
 * servers being where the client reached this one; the error catalogue (src/errors.ts, as
 * docs/errors.md in the repository) at /docs/errors.json, which both documents name.
 *
 * The documents are built on their first request, not at start (they and their libraries
 * were the largest part of a start's CPU after the routes): the routes registered from here on are recorded, and
 * the OpenAPI document and its page are served by an instance of their own (docs-app.ts)
 * that /docs requests are handed to.
 */
export async function registerDocs(app: FastifyInstance, version: string): Promise<void> {
  const routes: DocumentedRoute[] = [];
  // HEAD mirrors GET (@fastify/swagger leaves it out too); the docs' own routes are hidden
  // and are the inner instance's.
  app.addHook('onRoute', ({ method, url, schema, config }) => {
    if (method === 'HEAD' || url === '/docs' || url.startsWith('/docs/')) return;
    routes.push({ method, url, schema, config });
  });

  let asyncApi: ReturnType<typeof buildAsyncApi> | undefined;
  app.get('/docs/asyncapi.json', { schema: { hide: true } }, (req, reply) => {
    asyncApi ??= buildAsyncApi(version, { host: 'localhost:3001', secure: false });
    const servers = asyncApiServers({ host: req.host, secure: req.protocol === 'https' });
    return reply.type('application/json').send(JSON.stringify({ ...asyncApi, servers }));
  });
  const catalogue = JSON.stringify({
    errors: ERROR_CODES.map((code) => ({ code, ...ERRORS[code] })),
  });
  app.get(ERRORS_URL, { schema: { hide: true } }, (_req, reply) =>
    reply.type('application/json').send(catalogue),
  );

  let docs: Promise<FastifyInstance> | undefined;
  const forward = async (req: FastifyRequest, reply: FastifyReply) => {
    // A build that failed is tried again by the next request.
    docs ??= import('./docs-app.js')
      .then(({ buildDocsApp }) => buildDocsApp(routes, version))
      .catch((err: unknown) => {
        docs = undefined;
        throw err;
      });
    const answer = await (await docs).inject({
      method: req.method === 'HEAD' ? 'HEAD' : 'GET',
      url: req.url,
      headers: req.headers,
    });
    if (answer.statusCode === 404) return reply.callNotFound();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) reply.header(name, value);
    }
    return reply.code(answer.statusCode).send(answer.rawPayload);
  };
  app.get('/docs', { schema: { hide: true } }, forward);
  app.get('/docs/*', { schema: { hide: true } }, forward);
}

/** Headers of the inner answer that describe its own connection, not the reply. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'date',
  'content-length',
]);
