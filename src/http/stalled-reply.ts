/**
 * A streamed reply (a file, a transcript, an export) whose client stopped reading would
 * hold its connection and the stream behind it for as long as the client kept the
 * connection open: it is cut once nothing could be sent for `idleMs`
 * (TUNABLES.downloadIdleMs). Node sets the socket's timeout afresh for the connection's
 * next request.
 */
import type { FastifyReply } from 'fastify';

export function cutWhenStalled(reply: FastifyReply, idleMs: number): void {
  reply.raw.setTimeout(idleMs, () => reply.raw.destroy());
}
