/**
 * Query keys in bracket syntax (`?after[$gt]=1`, `?chatId[]=a`, as qs-style clients and
 * injection probes write them) are refused with a 400 naming the key. No route reads them
 * (the parser keeps `after[$gt]` as a key of its own, which every route's schema ignored),
 * so a client using them got the answer to another question than the one it asked. The key
 * is the decoded one: `%5B` is a bracket too.
 */
import type { FastifyInstance } from 'fastify';
import { InvalidInput } from '../errors.js';
import { LIMITS } from '../schemas/vocabulary.js';

const isBracketKey = (key: string): boolean => key.includes('[') || key.includes(']');

export function refuseBracketQueryKeys(app: FastifyInstance): void {
  app.addHook('onRequest', async (req) => {
    // Fastify's parser answers an object of the query's keys; a route's schema types it later.
    const query: object = req.query ?? {};
    const key = Object.keys(query).find(isBracketKey);
    if (key === undefined) return;
    throw new InvalidInput(
      `${key.slice(0, LIMITS.echoedChars)}: a query key in bracket syntax is not understood (one value per key: ?name=value)`,
    );
  });
}
