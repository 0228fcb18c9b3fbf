/**
 * HTTP side of the error catalogue: every failure leaves as the §3 envelope. Fastify's
 * own client errors (bad JSON, too large, wrong media type) are translated here too.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { errorReply, failure, internalErrorReply, toErrorReply } from '../envelopes.js';
import type { ErrorCode } from '../errors.js';

const FASTIFY_CODES: Record<number, ErrorCode> = {
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

function isFastifyClientError(err: unknown): err is FastifyError {
  if (typeof err !== 'object' || err === null) return false;
  const status = (err as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const known = toErrorReply(err);
    if (known) {
      if (known.status >= 500) {
        const cause = err instanceof Error ? err.cause : undefined;
        request.log.warn({ code: known.body.code, cause }, known.body.error);
      }
      if (known.body.code === 'RATE_LIMITED' && typeof known.body.retryAfterMs === 'number') {
        reply.header('retry-after', Math.ceil(known.body.retryAfterMs / 1000));
      }
      return reply.status(known.status).send(known.body);
    }
    if (isFastifyClientError(err)) {
      const code = FASTIFY_CODES[err.statusCode ?? 400] ?? 'VALIDATION_ERROR';
      return reply.status(err.statusCode ?? 400).send(failure(code, err.message));
    }
    request.log.error({ err }, 'unhandled error');
    const internal = internalErrorReply();
    return reply.status(internal.status).send(internal.body);
  });

  app.setNotFoundHandler((request, reply) => {
    const notFound = errorReply(
      'NOT_FOUND',
      `Route ${request.method} ${request.url.split('?')[0]} not found`,
    );
    return reply.status(notFound.status).send(notFound.body);
  });
}
