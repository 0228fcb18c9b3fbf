/**
 * A request whose `Expect` header is anything but `100-continue` never reaches a route:
 * Node answers it itself, a 417 with an empty body, unless the server listens for
 * `checkExpectation`. Answered here in the failure envelope every other refusal has, with
 * the value sent, and the connection closed: the request's body, if one follows, is unread.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { errorReply } from '../envelopes.js';
import { LIMITS } from '../schemas/vocabulary.js';

export function answerUnmetExpectations(app: FastifyInstance): void {
  app.server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const sent = String(req.headers.expect ?? '').slice(0, LIMITS.echoedChars);
    const { status, body } = errorReply(
      'EXPECTATION_FAILED',
      `Expect: only 100-continue is understood, not ${JSON.stringify(sent)}`,
    );
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      connection: 'close',
    });
    res.end(text);
  });
}
