import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { asyncApiServers, buildAsyncApi, ERRORS_URL } from '../docs/asyncapi.js';
import { ERROR_CODES, ERRORS } from '../errors.js';

const DESCRIPTION = [
  'The REST half of the Fastorika chat wire contract, generated from the schemas that validate',
  'requests and describe replies. Every reply is an envelope: `{ "success": true, … }` or',
  '`{ "success": false, "error", "code" }`; every code with its status and meaning:',
  `[${ERRORS_URL}](${ERRORS_URL}).`,
  '',
  'The Socket.io half (events in both directions, payloads, acknowledgements, rooms) is the',
  'AsyncAPI document at [/docs/asyncapi.json](/docs/asyncapi.json); the whole contract, with',
  'reconnection and catch-up, is docs/protocol.md in the repository.',
  '',
  'With `AUTH_MODE=jwt` every /api call needs `Authorization: Bearer <jwt>`: use **Authorize**',
  'to set it here. With `AUTH_MODE=none` (v2 behaviour) the token is not needed.',
].join('\n');

/**
 * OpenAPI document at /docs/json (and /docs/yaml), generated from the route schemas; a page
 * at /docs; the AsyncAPI document of the Socket.io events at /docs/asyncapi.json, its
 * servers being where the client reached this one; the error catalogue (src/errors.ts, as
 * docs/errors.md in the repository) at /docs/errors.json, which both documents name.
 */
const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "font-src 'self' https: data:",
  "frame-ancestors 'self'",
  "img-src 'self' data: validator.swagger.io",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' https:",
].join('; ');

export async function registerDocs(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: { title: 'Fastorika Chat Server', description: DESCRIPTION, version },
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description:
              'A JWT minted by your backend: sub, name, role (user | admin | superadmin), exp within 24 h.',
          },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  // Built once; only its servers (where this client reached the server) differ per request.
  const asyncApi = buildAsyncApi(version, { host: 'localhost:3001', secure: false });
  app.get('/docs/asyncapi.json', { schema: { hide: true } }, (req, reply) => {
    const servers = asyncApiServers({ host: req.host, secure: req.protocol === 'https' });
    return reply.type('application/json').send(JSON.stringify({ ...asyncApi, servers }));
  });
  const catalogue = JSON.stringify({
    errors: ERROR_CODES.map((code) => ({ code, ...ERRORS[code] })),
  });
  app.get(ERRORS_URL, { schema: { hide: true } }, (_req, reply) =>
    reply.type('application/json').send(catalogue),
  );
  // The page's own Content-Security-Policy: swagger-ui's (staticCSP: true) without its
  // upgrade-insecure-requests, which over plain HTTP on any host but localhost sent the
  // browser to https:// for the page's scripts, and the page stayed blank.
  // A token pasted into Authorize lives only as long as the page: persisted, it would sit
  // in localStorage for any script of this origin to read, long after the tab closed.
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: DOCS_CSP,
    uiConfig: { persistAuthorization: false },
  });
}
