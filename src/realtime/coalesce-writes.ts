/**
 * One socket write per connection per turn instead of one per frame. A committed batch
 * of messages fans out in one turn of the event loop, and each connection typically gets
 * several frames from it (new-message, notifications, its acks). Corking the TCP socket
 * when engine.io starts flushing to it, and uncorking once the turn's microtasks have run,
 * hands those frames to the kernel in one writev: the syscall per frame was the largest
 * single cost in the server's CPU profile under load.
 */
import type { IncomingMessage } from 'node:http';
import type { ChatServer } from './types.js';

interface EngineConnection {
  request: IncomingMessage;
  transport: { name: string };
}

export function coalesceWrites(io: ChatServer): void {
  io.engine.on('flush', (conn: EngineConnection) => {
    // Long-polling answers on whichever request is waiting; only a WebSocket owns its socket.
    if (conn.transport.name !== 'websocket') return;
    const raw = conn.request.socket;
    if (raw.writableCorked > 0 || raw.destroyed) return;
    raw.cork();
    process.nextTick(() => raw.uncork());
  });
}
