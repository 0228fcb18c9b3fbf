/**
 * The Fastify schema of a REST route, from its entry in schemas/rest.ts: the inputs that
 * validate the request, a response schema for the success and for each failure status it
 * can answer (with an example), and the bearer security scheme. The response schemas
 * document the replies; in production a reply is JSON.stringify'd as it is, and the test
 * servers check every reply against its schema (reply-serializer.ts), so a reply that left
 * the documented shape fails the tests as a 500 instead of lying in the docs.
 */
import { z } from 'zod';
import { failure } from '../envelopes.js';
import { ERROR_CODES, ERRORS } from '../errors.js';
import { FailureEnvelopeSchema, successEnvelope } from '../schemas/replies.js';
import { type FailureStatus, REST_ROUTES, type RestRouteKey } from '../schemas/rest.js';

/** Every route validates input, may need a token, may be rate limited, needs the store. */
const EVERY_ROUTE: readonly FailureStatus[] = [400, 401, 403, 429, 503];

const EXAMPLES: Record<FailureStatus, ReturnType<typeof failure>> = {
  400: failure('VALIDATION_ERROR', 'content: must not be empty (or give a fileUrl)'),
  401: failure('MISSING_TOKEN'),
  403: failure('FORBIDDEN', 'You may not access this chat'),
  404: failure('CHAT_NOT_FOUND', 'Chat 674450ae0000000000000001 not found'),
  408: failure(
    'ATTACHMENT_TIMEOUT',
    'No part of the upload arrived for 30 s (ATTACHMENT_UPLOAD_IDLE_MS)',
  ),
  409: failure('CHAT_TAKEN', 'Chat is already taken by Ali', {
    assignedTo: 'Ali',
    assignedAdminId: 'admin-456',
  }),
  413: failure('PAYLOAD_TOO_LARGE'),
  415: failure('UNSUPPORTED_MEDIA_TYPE'),
  422: failure(
    'ATTACHMENT_INFECTED',
    'The file was refused by the malware scanner (Eicar-Signature)',
  ),
  429: failure('RATE_LIMITED', undefined, { retryAfterMs: 850 }),
  503: failure('STORE_UNAVAILABLE'),
};

const json = <S>(schema: S, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

function failureResponse(status: FailureStatus) {
  const codes = ERROR_CODES.filter((code) => ERRORS[code].status === status);
  const description = `Failure envelope; \`code\` is one of ${codes.map((c) => `\`${c}\``).join(', ')}.`;
  return json(FailureEnvelopeSchema.meta({ example: EXAMPLES[status] }), description);
}

/** A CSV reply is text; Fastify sends a string as it is, without a serializer. */
const CSV_BODY = z
  .string()
  .meta({ description: 'A header row of the field names, then the rows.' });

/** A transcript's page; Fastify sends a stream as it is, without a serializer. */
const HTML_BODY = z
  .string()
  .meta({ description: 'A standalone page: every text of the chat escaped.' });

/** Applied to every /api route; with AUTH_MODE=none the token is not needed (and ignored). */
export const BEARER_SECURITY = [{ bearerAuth: [] }];

export function routeSchema<K extends RestRouteKey>(key: K) {
  const {
    reply,
    also,
    tag,
    summary,
    public: open,
    csv,
    html,
    form,
    ...inputs
  } = REST_ROUTES[key] as (typeof REST_ROUTES)[K] & {
    description?: string;
    public?: true;
    csv?: true;
    html?: true;
    form?: z.ZodType;
  };
  const every = open ? EVERY_ROUTE.filter((s) => s !== 401 && s !== 403) : EVERY_ROUTE;
  const statuses = [...new Set([...every, ...also])].sort((a, b) => a - b);
  const success = json(successEnvelope(reply), 'Success envelope');
  const response: Record<
    number,
    { description: string; content: Record<string, { schema: unknown }> }
  > = {
    200: csv
      ? {
          description: 'Success envelope; with `?format=csv`, the same as CSV',
          content: { ...success.content, 'text/csv': { schema: CSV_BODY } },
        }
      : html
        ? {
            description: 'Success envelope; with `?format=html`, the same as a page',
            content: { ...success.content, 'text/html': { schema: HTML_BODY } },
          }
        : success,
  };
  for (const status of statuses) response[status] = failureResponse(status);
  const security = open ? [] : BEARER_SECURITY;
  // The form goes under a key of its own, which Fastify does not validate: docs-app.ts
  // documents it as the request body.
  const multipart = form && { [FORM_BODY]: form };
  return { ...inputs, ...multipart, tags: [tag], summary, security, response };
}

/** The schema key of a multipart body that only the OpenAPI document reads. */
export const FORM_BODY = 'formBody';
