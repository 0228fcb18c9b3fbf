/**
 * Closes connections that stop reading. Engine.io queues every packet for a connection
 * until it can be written, and a WebSocket's TCP socket buffers what the peer has not
 * read, both without limit: a few paused WebSockets, or polling sessions that never poll,
 * grew the server by hundreds of MB in half a minute while messages flowed to them. Once
 * what waits for one connection passes slowReaderMaxBytes (or its write buffer holds
 * slowReaderMaxPackets, src/tunables.ts), it is closed and a line is logged at warn. The close is a
 * recoverable one: a client that was merely slow reconnects and gets what it missed.
 *
 * Per packet this costs one listener call: a running byte count of engine.io's write
 * buffer (string lengths, so bytes for ASCII and an underestimate of at most 3× for
 * other text) and, on a WebSocket, ws's `bufferedAmount` (two property reads).
 */
import type { FastifyBaseLogger } from 'fastify';
import { TUNABLES } from '../tunables.js';
import type { ChatServer } from './types.js';

/** The parts of engine.io's Socket read here (socket.io types the engine loosely). */
interface EngineConnection {
  id: string;
  readyState: string;
  remoteAddress: string;
  writeBuffer: unknown[];
  transport: { name: string; socket?: WebSocketLike };
  on(event: 'packetCreate', listener: (packet: { data?: unknown }) => void): void;
  on(event: 'flush', listener: () => void): void;
  close(discard?: boolean): void;
}

/** The `ws` WebSocket under engine.io's websocket transport. */
interface WebSocketLike {
  /** Bytes handed to the TCP socket (or being compressed) and not yet sent. */
  bufferedAmount: number;
  terminate(): void;
}

const sizeOf = (data: unknown): number => {
  if (typeof data === 'string') return data.length;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data.byteLength;
  return 0;
};

export function closeSlowReaders(
  io: ChatServer,
  log: FastifyBaseLogger,
  maxBytes: number = TUNABLES.slowReaderMaxBytes.value,
  maxPackets: number = TUNABLES.slowReaderMaxPackets.value,
): void {
  io.engine.on('connection', (conn: EngineConnection) => {
    // Bytes in conn.writeBuffer: added as packets are queued; engine.io empties the buffer
    // into the transport on every 'flush', which a connection that keeps up gets at once.
    let queued = 0;
    let closing = false;
    conn.on('flush', () => {
      queued = 0;
    });
    conn.on('packetCreate', (packet) => {
      queued += sizeOf(packet.data);
      const ws = conn.transport.name === 'websocket' ? conn.transport.socket : undefined;
      const waiting = queued + (ws?.bufferedAmount ?? 0);
      // The packet being created is not in writeBuffer yet, hence >=.
      if (closing || (waiting <= maxBytes && conn.writeBuffer.length < maxPackets)) return;
      closing = true;
      log.warn(
        {
          sid: conn.id,
          ip: conn.remoteAddress,
          transport: conn.transport.name,
          bytes: waiting,
          packets: conn.writeBuffer.length + 1,
        },
        'closing a slow reader: too much is waiting for a connection that does not read',
      );
      // Not from inside this emit: the packet may be one of a broadcast Socket.io is
      // iterating over, and closing runs the disconnect handlers.
      process.nextTick(() => {
        if (conn.readyState === 'closed') return;
        conn.close(true);
        // The close frame would queue behind the unread backlog: drop the TCP socket now
        // rather than after ws's 30 s closing handshake.
        ws?.terminate();
      });
    });
  });
}
