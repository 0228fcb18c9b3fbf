/**
 * One socket write per connection per turn instead of one per frame. A committed batch
 * of messages fans out in one turn of the event loop, and each connection typically gets
 * several frames from it (new-message, notifications, its acks). Corking the TCP socket
 * when engine.io starts flushing to it, and uncorking once the turn's microtasks have run,
 * hands those frames to the kernel in one writev: the syscall per frame was the largest
 * single cost in the server's CPU profile under load.
 *
 * Corking alone still left two writes whenever a connection got two frames in a turn (a
 * message's new-message and its notification, a sender's ack and its own message): engine.io
 * hands the first frame to the transport at once and keeps the rest until the transport
 * reports it sent, which is after the uncork. So each connection's flush also waits for the
 * end of the turn, and takes every frame the turn queued in one go.
 */
import type { IncomingMessage } from 'node:http';
import type { ChatServer } from './types.js';

interface EngineConnection {
  request: IncomingMessage;
  transport: { name: string };
  flush(): void;
}

export function coalesceWrites(io: ChatServer): void {
  io.engine.on('connection', (conn: EngineConnection) => {
    const flush = conn.flush.bind(conn);
    let due = false;
    conn.flush = () => {
      if (due) return;
      due = true;
      // After the microtasks queued so far: the turn's other frames join this flush.
      process.nextTick(() => {
        due = false;
        flush();
      });
    };
  });
  io.engine.on('flush', (conn: EngineConnection) => {
    // Long-polling answers on whichever request is waiting; only a WebSocket owns its socket.
    if (conn.transport.name !== 'websocket') return;
    const raw = conn.request.socket;
    if (raw.writableCorked > 0 || raw.destroyed) return;
    raw.cork();
    process.nextTick(() => raw.uncork());
  });
}
