import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/** OpenAPI document at /docs/json (and /docs/yaml), generated from the route schemas; a page at /docs. */
export async function registerDocs(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Fastorika Chat Server',
        description: 'REST half of the wire contract; the Socket.io half is in PROTOCOL.md §6.',
        version,
      },
    },
    transform: jsonSchemaTransform,
  });
  // staticCSP: the page works under the Content-Security-Policy helmet sets.
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
}
