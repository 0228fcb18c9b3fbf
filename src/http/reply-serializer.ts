/**
 * How replies become JSON. The route response schemas (route-schema.ts) document the
 * replies; serializing through them with zod cost ~35 µs per POST /api/messages reply
 * against ~4 µs for JSON.stringify (median inside the server, on the CI machine): about a
 * tenth of a REST send's CPU. So in production the schemas are documentation and a reply
 * is JSON.stringify'd as it is. Test servers (test/helpers/server.ts) run with
 * `checkReplies`: every reply must parse with its documented schema and carry no field
 * the schema lacks, or the request fails with a 500 and the test with it. Both modes send
 * the same bytes.
 */
import { isDeepStrictEqual } from 'node:util';
import type { FastifySerializerCompiler } from 'fastify';
import { type $ZodType, safeEncode } from 'zod/v4/core';

const plain = (data: unknown): string => JSON.stringify(data);

export function replySerializerCompiler(checkReplies: boolean): FastifySerializerCompiler<unknown> {
  if (!checkReplies) return () => plain;
  return ({ schema, method, url, httpStatus }) =>
    (data: unknown) => {
      const json = plain(data);
      const where = `${method} ${url} ${httpStatus ?? ''}`;
      const parsed = safeEncode(schema as $ZodType, data);
      if (parsed.error) {
        throw new Error(`The reply of ${where} does not match its documented schema`, {
          cause: parsed.error,
        });
      }
      // Parsing strips what the schema lacks; key order may differ and does not matter.
      if (!isDeepStrictEqual(JSON.parse(plain(parsed.data)), JSON.parse(json))) {
        throw new Error(`The reply of ${where} has fields its documented schema lacks: ${json}`);
      }
      return json;
    };
}
