/**
 * HTTP side of the error catalogue: every failure leaves in the failure envelope
 * (envelopes.ts). Fastify's
 * own client errors (bad JSON, too large, wrong media type) are translated here too.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { type ErrorReply, errorReply, failureReply } from '../envelopes.js';
import type { CodeWithStatus } from '../errors.js';
import { LIMITS } from '../schemas/vocabulary.js';

type FastifyStatus = 400 | 403 | 404 | 412 | 413 | 415 | 416;

/**
 * The code of each status Fastify and its plugins (the static files) refuse with by
 * themselves; each has that status in the catalogue, so a client reads the same from both.
 * Another client error has no code of its own: it is answered as the 400 it is.
 */
const FASTIFY_CODES: { [S in FastifyStatus]: CodeWithStatus<S> } = {
  400: 'VALIDATION_ERROR',
  403: 'FORBIDDEN_PATH',
  404: 'NOT_FOUND',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  416: 'RANGE_NOT_SATISFIABLE',
};

const hasCode = (status: number): status is FastifyStatus => status in FASTIFY_CODES;

function isFastifyClientError(err: unknown): err is FastifyError {
  if (typeof err !== 'object' || err === null) return false;
  const status = (err as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/** A request's media type for a sentence: what its Content-Type names, or that it has none. */
export function sentMediaType(header: string | undefined): string {
  const type = (header?.split(';')[0] ?? '').trim().slice(0, LIMITS.echoedChars);
  return type === '' ? 'no Content-Type' : type;
}

/**
 * Fastify's own client errors, each with the code its status has in the catalogue. Its
 * 415 says only "Unsupported Media Type": the sentence says what is accepted instead, and
 * what was sent (a v2 client's form-encoded body, a fetch that forgot its Content-Type).
 */
function fastifyRefusal(err: unknown, request: FastifyRequest): ErrorReply | undefined {
  if (!isFastifyClientError(err)) return undefined;
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    const sent = sentMediaType(request.headers['content-type']);
    return errorReply(
      'UNSUPPORTED_MEDIA_TYPE',
      `Only application/json bodies are accepted, not ${sent} (a file is uploaded as multipart/form-data to POST /api/attachments)`,
    );
  }
  const status = err.statusCode ?? 400;
  if (!hasCode(status)) return errorReply('VALIDATION_ERROR', err.message);
  // The static files' refusals say only their status ("Forbidden", "Precondition Failed"):
  // the catalogue's sentence says what was refused.
  return errorReply(
    FASTIFY_CODES[status],
    err.message === STATUS_CODES[status] ? undefined : err.message,
  );
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const refused = failureReply(err, request.log, {}, (e) => fastifyRefusal(e, request));
    if (refused.body.code === 'RATE_LIMITED' && typeof refused.body.retryAfterMs === 'number') {
      reply.header('retry-after', Math.ceil(refused.body.retryAfterMs / 1000));
    }
    return reply.status(refused.status).send(refused.body);
  });

  app.setNotFoundHandler((request, reply) => {
    const notFound = errorReply(
      'NOT_FOUND',
      `Route ${request.method} ${request.url.split('?')[0]} not found`,
    );
    return reply.status(notFound.status).send(notFound.body);
  });
}
