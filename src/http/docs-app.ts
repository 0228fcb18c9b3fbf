/**
 * The OpenAPI document and its page, in a Fastify instance of their own that docs.ts builds
 * on the first request under /docs: @fastify/swagger, swagger-ui and their YAML and static
 * file code are loaded then, not at every start. The instance sees the server's routes as
 * @fastify/swagger would have: docs.ts recorded them as they were registered, and they are
 * registered here again, with their schemas and a handler that never runs (the server
 * forwards only /docs requests here).
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { ERRORS_URL } from '../docs/asyncapi.js';
import { FORM_BODY } from './route-schema.js';

/** What the document is built from: a route as the server registered it. */
export type DocumentedRoute = Pick<RouteOptions, 'method' | 'url' | 'schema' | 'config'>;

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
 * The top bar's Swagger logo is an SVG carrying a <style> of its own
 * (`.logo_small_svg__cls-2{fill:#fff}.logo_small_svg__cls-3{fill:#85ea2d}`), which the page
 * inserts as it renders: its hash lets that one style in and no other inline style, here
 * only. Another swagger-ui whose logo differs shows as a CSP error in the docs page's
 * browser test.
 */
const LOGO_STYLE_HASH = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='";

const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "font-src 'self' https: data:",
  "frame-ancestors 'self'",
  "img-src 'self' data: validator.swagger.io",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  `style-src 'self' https: ${LOGO_STYLE_HASH}`,
].join('; ');

/**
 * A route with a multipart form (the upload) documents it as its request body: the route
 * itself reads and checks the form, so the server's schema carries it apart from `body`.
 */
const withFormBody: typeof jsonSchemaTransform = (input) => {
  const { schema } = input;
  if (schema === undefined || !(FORM_BODY in schema)) return jsonSchemaTransform(input);
  const { [FORM_BODY]: form, ...rest } = schema;
  return jsonSchemaTransform({
    ...input,
    schema: { ...rest, body: form, consumes: ['multipart/form-data'] },
  });
};

/** Handlers here never run: the server answers every route but /docs itself. */
const never = () => undefined;

export async function buildDocsApp(
  routes: readonly DocumentedRoute[],
  version: string,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  // The schemas are the server's (zod); here they are only read, by the transform below.
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
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
    transform: withFormBody,
    // The schemas with an id (SearchResult, ReportSpread…) are referenced by `$ref`: this
    // writes them into components.schemas, without which those references point nowhere.
    transformObject: jsonSchemaTransformObject,
  });
  for (const { method, url, schema, config } of routes) {
    app.route({ method, url, schema, config, exposeHeadRoute: false, handler: never });
  }
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
  await app.ready();
  return app;
}
