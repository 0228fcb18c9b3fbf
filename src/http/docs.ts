import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { buildAsyncApi } from '../docs/asyncapi.js';

const DESCRIPTION = [
  'The REST half of the Fastorika chat wire contract, generated from the schemas that validate',
  'requests and describe replies. Every reply is an envelope: `{ "success": true, … }` or',
  '`{ "success": false, "error", "code" }` (codes: docs/errors.md in the repository).',
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
 * at /docs; the AsyncAPI document of the Socket.io events at /docs/asyncapi.json.
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
  const asyncApi = JSON.stringify(buildAsyncApi(version));
  app.get('/docs/asyncapi.json', { schema: { hide: true } }, (_req, reply) =>
    reply.type('application/json').send(asyncApi),
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
