/**
 * CORS for browsers on the listed origins (CORS_ORIGIN). The preflight must allow every
 * method the routes use (PATCH for close: @fastify/cors allows only GET, HEAD and POST
 * by default) and the headers clients send (a bearer token, a JSON body); a 429's
 * Retry-After must be readable by the page. An origin that is not listed gets no
 * Access-Control-Allow-Origin, so the browser refuses the call.
 */
import type { FastifyCorsOptions } from '@fastify/cors';
import type { FastifyRequest } from 'fastify';
import { InvalidInput } from '../errors.js';

/** Every method a route uses; test/http/cors.test.ts checks it against the registered routes. */
export const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export function corsOptions(origin: '*' | string[]): FastifyCorsOptions {
  return {
    origin: origin === '*' ? '*' : origin,
    methods: [...CORS_METHODS],
    allowedHeaders: ['Authorization', 'Content-Type'],
    exposedHeaders: ['Retry-After'],
    // Browsers cache the preflight for 10 minutes (Chromium caps it at 2 hours anyway).
    maxAge: 600,
  };
}

/**
 * An OPTIONS without Origin and Access-Control-Request-Method is no preflight: refused (400)
 * as @fastify/cors refuses it, but in the envelope every failure has (its own is plain text).
 * An onRequest hook registered before the plugin's.
 */
export async function refuseNonPreflight(req: FastifyRequest): Promise<void> {
  if (req.method !== 'OPTIONS') return;
  if (req.headers.origin && req.headers['access-control-request-method']) return;
  throw new InvalidInput(
    'An OPTIONS request is a CORS preflight: it needs the Origin and Access-Control-Request-Method headers',
  );
}
