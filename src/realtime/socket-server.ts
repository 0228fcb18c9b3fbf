/** Attaches Socket.io to the HTTP server and routes every client event through one dispatcher. */
import type { Server as HttpServer } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import { Server, type ServerOptions } from 'socket.io';
import type { Config } from '../config.js';
import { errorEvent, failure, failureReply, succeed } from '../envelopes.js';
import { InvalidInput, RateLimited, tokenExpired } from '../errors.js';
import { overLimit } from '../limits/rate-limiter.js';
import { type Ack, CLIENT_EVENTS, type ClientEventName } from '../schemas/events.js';
import { LIMITS } from '../schemas/shapes.js';
import { TUNABLES } from '../tunables.js';
import { boundedRecoveryAdapter } from './bounded-recovery.js';
import { type ConnectionBudget, handshakeGuard, sessionOriginGuard } from './guards.js';
import { handlers, type SocketContext } from './handlers.js';
import { jsonParser } from './json-encoder.js';
import type { ChatServer, ChatSocket } from './types.js';

const KNOWN_EVENTS = new Set<string>(CLIENT_EVENTS);

const FLOODED = `Disconnected: ${TUNABLES.socketRefusalsBeforeDisconnect.value} events in a row were refused for the rate limit; wait retryAfterMs after a refusal`;

export function createSocketServer(
  httpServer: HttpServer,
  config: Config,
  connections: ConnectionBudget,
  /** The cluster's adapter (REDIS_URL); one node keeps its recovery buffer in memory. */
  clusterAdapter?: ServerOptions['adapter'],
): ChatServer {
  const io: ChatServer = new Server(httpServer, {
    cors: { origin: config.corsOrigin === '*' ? '*' : config.corsOrigin },
    // A frame larger than a REST body is refused by the transport before we parse it.
    maxHttpBufferSize: LIMITS.bodyBytes,
    serveClient: false,
    parser: jsonParser,
    // Refuses a browser handshake/upgrade from an origin that is not listed (CSWSH), and
    // an IP over its connection limit, before an engine session is kept for it.
    allowRequest: handshakeGuard(config.corsOrigin, connections),
    // Lets a briefly disconnected client get back its rooms and the events it missed,
    // from a buffer of the newest broadcasts, bounded in packets and bytes (src/tunables.ts).
    // The handshake guards run on a recovered connection too (Socket.io skips them by
    // default): its token is checked again and must name the session's owner.
    connectionStateRecovery: {
      maxDisconnectionDuration: TUNABLES.recoveryWindowMs.value,
      skipMiddlewares: false,
    },
    adapter:
      clusterAdapter ??
      boundedRecoveryAdapter({
        maxPackets: TUNABLES.recoveryMaxPackets.value,
        maxBytes: TUNABLES.recoveryMaxBytes.value,
      }),
  });
  io.engine.use(sessionOriginGuard(config.corsOrigin));
  return io;
}

/** The last argument is the ack when it is a function; the first is the payload when it is not. */
function splitArgs(args: unknown[]): { payload: unknown; ack: Ack | undefined } {
  const last = args.at(-1);
  const ack = typeof last === 'function' ? (last as Ack) : undefined;
  const first = args[0];
  return { payload: typeof first === 'function' ? undefined : first, ack };
}

/**
 * How an event outside the contract is answered: the name it is told by, its ack and why
 * it is refused. Undefined for an event of the contract (its own listener answers it).
 */
function outsideContract(event: unknown, args: unknown[]) {
  if (typeof event !== 'string') {
    // A frame without a name (e.g. only an ack id): what stands in for it is no name to
    // repeat back (it may be the ack function itself).
    return { name: `(${typeof event})`, ack: undefined, why: 'An event needs a name (a string)' };
  }
  if (KNOWN_EVENTS.has(event)) return undefined;
  const name = event.slice(0, LIMITS.echoedChars);
  return { name, ack: splitArgs(args).ack, why: `Unknown event "${name}"` };
}

export function wireSocketEvents(io: ChatServer, ctx: SocketContext, log: FastifyBaseLogger): void {
  const fail = (socket: ChatSocket, event: string, err: unknown, ack: Ack | undefined) => {
    const reply = failureReply(err, log, { event });
    if (ack) ack(reply.body);
    else socket.emit('error', errorEvent(event, reply.body));
  };

  /** Every event spends the identity's budget (the socket's address before it joins). */
  const eventKey = (socket: ChatSocket): string => {
    const actor = socket.data.actor;
    return actor ? `id:${actor.id}` : `ip:${ctx.addressOf(socket.request)}`;
  };

  /**
   * Events of each socket refused in a row for its budget. A client refused that many
   * times without once waiting as told is flooding: each refusal still costs the node its
   * answer (tens of µs), time every other socket waits for, so it is told once and
   * disconnected, and what it sent meanwhile is dropped unanswered.
   */
  const refusedInARow = new WeakMap<ChatSocket, number>();
  /** Cut: refused as many times as it may be; nothing it sends is answered any more. */
  const isCut = (socket: ChatSocket) =>
    (refusedInARow.get(socket) ?? 0) >= TUNABLES.socketRefusalsBeforeDisconnect.value;
  /** Spends the socket's event budget: 'go', or 'dropped' (cut); refused, throws. */
  const charge = async (socket: ChatSocket, event: string): Promise<'go' | 'dropped'> => {
    if (isCut(socket)) return 'dropped';
    const retryAfterMs = await overLimit(ctx.deps.limits.events, eventKey(socket));
    if (isCut(socket)) return 'dropped';
    if (retryAfterMs === undefined) {
      refusedInARow.delete(socket);
      return 'go';
    }
    refusedInARow.set(socket, (refusedInARow.get(socket) ?? 0) + 1);
    if (isCut(socket)) {
      // After this event's own refusal has gone out (the next turn).
      setImmediate(() => {
        socket.emit('error', errorEvent(event, failure('RATE_LIMITED', FLOODED, { retryAfterMs })));
        socket.disconnect(true);
      });
    }
    throw new RateLimited(retryAfterMs);
  };

  const dispatch = async (socket: ChatSocket, event: ClientEventName, args: unknown[]) => {
    const { payload, ack } = splitArgs(args);
    if (socket.data.expiresAt !== undefined && socket.data.expiresAt <= Date.now()) {
      fail(socket, event, tokenExpired(), ack);
      socket.disconnect(true);
      return;
    }
    try {
      if ((await charge(socket, event)) === 'dropped') return;
      const outcome = await handlers[event](ctx, socket, payload);
      ctx.publish(outcome, socket);
      ack?.(succeed(outcome.reply));
    } catch (err) {
      fail(socket, event, err, ack);
    }
  };

  io.on('connection', (socket) => {
    for (const event of CLIENT_EVENTS) {
      socket.on(event, (...args: unknown[]) => void dispatch(socket, event, args));
    }
    // Events outside the contract spend the budget too: refusing them costs the same.
    socket.onAny(async (event: unknown, ...args: unknown[]) => {
      const outside = outsideContract(event, args);
      if (!outside) return;
      const { name, ack, why } = outside;
      try {
        if ((await charge(socket, name)) === 'dropped') return;
      } catch (err) {
        return fail(socket, name, err, ack);
      }
      fail(socket, name, new InvalidInput(why, 'UNKNOWN_EVENT'), ack);
    });
  });
}
