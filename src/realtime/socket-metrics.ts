/**
 * Socket metrics without touching the event path: a per-socket middleware (socket.use)
 * sees every incoming event before its handler, counts it by name, and for send-message
 * wraps the acknowledgement callback to time receipt → ack. The connected-socket count is
 * read at scrape time.
 */
import type { Metrics } from '../metrics.js';
import { CLIENT_EVENTS } from '../schemas/events.js';
import type { ChatServer } from './types.js';

const KNOWN = new Set<string>(CLIENT_EVENTS);

export function instrumentSockets(
  io: ChatServer,
  metrics: Pick<Metrics, 'eventsReceived' | 'sendAckSeconds' | 'setSocketCounter'>,
): void {
  metrics.setSocketCounter(() => io.of('/').sockets.size);
  // Children are looked up once: inc() on a labelled child costs no label hashing.
  const counters = new Map(
    [...KNOWN, 'unknown'].map((event) => [event, metrics.eventsReceived.labels({ event })]),
  );
  const unknown = counters.get('unknown');
  io.on('connection', (socket) => {
    socket.use((packet, next) => {
      const event = packet[0];
      (counters.get(typeof event === 'string' ? event : '') ?? unknown)?.inc();
      const ack = packet.at(-1);
      if (event === 'send-message' && packet.length > 1 && typeof ack === 'function') {
        const startTimer = metrics.sendAckSeconds.startTimer();
        packet[packet.length - 1] = (...args: unknown[]) => {
          startTimer();
          return (ack as (...a: unknown[]) => unknown)(...args);
        };
      }
      next();
    });
  });
}
