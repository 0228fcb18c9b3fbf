/**
 * The `Expect` header, answered by the routes rather than by Node.
 *
 * `100-continue`: a client (curl, for any upload over 1 KB) holds its body back until told
 * to send it. Node, with nobody listening for `checkContinue`, tells it at once, before any
 * route saw the headers, so a request about to be refused (no or a bad token, rate-limited,
 * the wrong media type, declared too long) was sent its whole body first. Here the
 * `100 Continue` goes out when something first reads the body, and only if no answer was
 * given before: whatever a route or hook refuses from the headers is answered without
 * inviting the body, and Node then closes the connection (the client may still be about to
 * send it). A request whose framing says no body follows is told at once, as Node did.
 *
 * Any other expectation: Node answers 417 itself, empty and past every hook, unless someone
 * listens for `checkExpectation`. Here the request goes to Fastify instead, and the first
 * hooks after the security headers and CORS refuse it (`refuseUnmetExpectation`), so the
 * 417 leaves as every other refusal does: the failure envelope, the same headers, the log.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { LIMITS } from '../schemas/vocabulary.js';

const unmet = new WeakSet<IncomingMessage>();

/** Sends `100 Continue` when the body is first read, if no answer was begun by then. */
function continueOnFirstRead(req: IncomingMessage, res: ServerResponse): void {
  const read = req._read;
  req._read = (size: number) => {
    req._read = read;
    // Node reads what is left of a refused body to drop it: no invitation then.
    if (!res.headersSent) res.writeContinue();
    read.call(req, size);
  };
}

/** The request's framing says no body follows: no Transfer-Encoding, no or a zero length. */
function framesNoBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (
    req.headers['transfer-encoding'] === undefined && (length === undefined || Number(length) === 0)
  );
}

/** Takes both expectations from Node (called once the server exists). */
export function routeExpectations(app: FastifyInstance): void {
  // Through 'request', as Node would have: Socket.io's polling transport listens there too.
  app.server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    // No body to hold back: told at once, as Node would, else Node closes the connection
    // after the answer (its client was never told) and the requests pipelined after it run
    // unanswered.
    if (framesNoBody(req)) res.writeContinue();
    else continueOnFirstRead(req, res);
    app.server.emit('request', req, res);
  });
  app.server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    unmet.add(req);
    app.routing(req, res);
  });
}

/** The hook that answers an unmet expectation: 417, and the connection closed, its body unread. */
export async function refuseUnmetExpectation(
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  if (!unmet.has(req.raw)) return;
  reply.header('connection', 'close');
  const sent = String(req.headers.expect ?? '').slice(0, LIMITS.echoedChars);
  throw new AppError(
    'EXPECTATION_FAILED',
    `Expect: only 100-continue is understood, not ${JSON.stringify(sent)}`,
  );
}
