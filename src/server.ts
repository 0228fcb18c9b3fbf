/**
 * The composition root: reads nothing from the environment itself (main.ts does), opens
 * the store, builds HTTP and Socket.io around the same use cases, and knows how to stop.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import type { AuthContext } from './auth/actor.js';
import { httpIdentity } from './auth/http-identity.js';
import type { VerifierOptions } from './auth/tokens.js';
import type { Deps } from './chats/use-cases.js';
import type { Config } from './config.js';
import { buildHttpApp } from './http/app.js';
import type { HttpContext } from './http/context.js';
import { createLimits } from './limits/rate-limiter.js';
import type { Emit } from './outcome.js';
import { coalesceWrites } from './realtime/coalesce-writes.js';
import { connectionBudget, installSocketGuards } from './realtime/guards.js';
import { createPublisher, type Publish } from './realtime/publish.js';
import { closeSlowReaders } from './realtime/slow-readers.js';
import { createSocketServer, wireSocketEvents } from './realtime/socket-server.js';
import type { ChatServer } from './realtime/types.js';
import { openStore } from './store/open.js';
import type { Store } from './store/store.js';
import { VERSION } from './version.js';

export interface RunningServer {
  url: string;
  port: number;
  app: FastifyInstance;
  io: ChatServer;
  store: Store;
  /** Stops accepting, lets in-flight requests finish, closes sockets and the store. */
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  verifier?: VerifierOptions;
}

async function authContext(
  config: Config,
  options: VerifierOptions | undefined,
): Promise<AuthContext> {
  if (config.auth.mode === 'none') return { mode: 'none' };
  // jose is loaded only when tokens are in use.
  const { createTokenVerifier } = await import('./auth/tokens.js');
  return { mode: 'jwt', verifier: createTokenVerifier(config.auth, options) };
}

export async function startServer(
  config: Config,
  options: StartOptions = {},
): Promise<RunningServer> {
  const logger =
    options.logger ??
    pino({ level: config.logLevel, redact: ['req.headers.authorization', 'token'] });
  const auth = await authContext(config, options.verifier);
  if (auth.mode === 'none') {
    logger.warn(
      'AUTH_MODE=none: identities in payloads are believed (v2 behaviour); never expose this server to the internet',
    );
  }
  if (config.nodeEnv === 'production' && config.corsOrigin === '*') {
    logger.warn('CORS_ORIGIN=* in production: any web page may call this API; list your origins');
  }
  const store = await openStore(config.database);
  const limits = createLimits(config.rateLimit);
  const deps: Deps = { store, limits };

  let publisher: Publish | undefined;
  const publish = (events: Emit[]) => publisher?.(events);
  const context: HttpContext = { deps, publish, ...httpIdentity(auth) };

  let io: ChatServer | undefined;
  const app = await buildHttpApp({
    config,
    logger,
    context,
    health: { store, version: VERSION, connections: () => io?.engine.clientsCount ?? 0 },
  });
  const connections = connectionBudget(limits.connections);
  io = createSocketServer(app.server, config, connections);
  coalesceWrites(io);
  closeSlowReaders(io, logger);
  publisher = createPublisher(io);
  installSocketGuards(io, auth, connections);
  wireSocketEvents(io, { deps, auth }, publisher, logger);

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await store.close();
    throw err;
  }
  const { port } = app.server.address() as AddressInfo;
  logger.info({ port, store: store.kind }, 'Fastorika chat server listening');

  const socketServer = io;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    app,
    io: socketServer,
    store,
    close: () => {
      closing ??= (async () => {
        // Sockets first (they would hold the HTTP server open), then HTTP waits for
        // in-flight requests, then the store they were using.
        socketServer.disconnectSockets(true);
        await app.close();
        await new Promise<void>((resolve) => socketServer.close(() => resolve()));
        await store.close();
      })();
      return closing;
    },
  };
}
