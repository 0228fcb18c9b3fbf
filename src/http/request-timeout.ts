/**
 * The whole-request timeout (requestTimeoutMs) for every request but the few that watch
 * their own progress: attachment uploads, which may take minutes on a slow phone and are
 * bounded by their pace instead (attachments/upload-pace.ts).
 *
 * The timeout is Node's own (checked every connectionsCheckIntervalMs, on the parser, so it
 * also covers a body no route reads yet). Node offers no way to exempt one request: when a
 * request runs out of time it raises `clientError` (ERR_HTTP_REQUEST_TIMEOUT) once for that
 * request, and only the handler decides what happens to the socket. The handler here lets
 * it pass for a socket whose current request is exempt, and does what Fastify's default
 * handler does for everything else: answer 408/431/400 if it still can, in the failure
 * envelope every other refusal has, and close.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { errorReply } from '../envelopes.js';
import type { ErrorCode } from '../errors.js';

const exempt = new WeakSet<Socket>();

/**
 * Exempts the request now on `socket` from the timeout until the returned function is
 * called (when its reply is sent or the request is gone): the next request on a kept-alive
 * connection is timed again.
 */
export function exemptFromRequestTimeout(socket: Socket): () => void {
  exempt.add(socket);
  return () => exempt.delete(socket);
}

/** The catalogue's code for each parser refusal; any other is a malformed request. */
const CODES: Readonly<Record<string, ErrorCode>> = {
  ERR_HTTP_REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  HPE_HEADER_OVERFLOW: 'HEADERS_TOO_LARGE',
};

export function clientErrorHandler(
  this: FastifyInstance,
  err: NodeJS.ErrnoException,
  socket: Socket,
): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT' && exempt.has(socket)) return;
  const { status, body: envelope } = errorReply(CODES[err.code ?? ''] ?? 'MALFORMED_REQUEST');
  const error = STATUS_CODES[status] ?? 'Error';
  const body = JSON.stringify(envelope);
  this.log.trace({ err }, 'client error');
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${error}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
