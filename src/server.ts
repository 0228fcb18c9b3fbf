/**
 * The composition root: reads nothing from the environment itself (main.ts does), opens
 * the store, builds HTTP and Socket.io around the same use cases, and knows how to stop.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { type AuthContext, resolveActor } from './auth/actor.js';
import type { Deps } from './chats/use-cases.js';
import { type Config, ConfigError } from './config.js';
import { buildHttpApp } from './http/app.js';
import type { HttpContext } from './http/context.js';
import type { Emit } from './outcome.js';
import { createPublisher, type Publish } from './realtime/publish.js';
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
}

function authContext(config: Config): AuthContext {
  if (config.auth.mode !== 'none') {
    throw new ConfigError('AUTH_MODE', 'jwt is not available in this build yet; use none');
  }
  return { mode: 'none' };
}

export async function startServer(
  config: Config,
  options: StartOptions = {},
): Promise<RunningServer> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  const auth = authContext(config);
  if (auth.mode === 'none') {
    logger.warn(
      'AUTH_MODE=none: identities in payloads are believed (v2 behaviour); never expose this server to the internet',
    );
  }
  const store = await openStore(config.database);
  const deps: Deps = { store };

  let publisher: Publish | undefined;
  const publish = (events: Emit[]) => publisher?.(events);
  const context: HttpContext = {
    deps,
    publish,
    actorFor: async (_request, claim) => resolveActor(auth, claim),
  };

  let io: ChatServer | undefined;
  const app = await buildHttpApp({
    config,
    logger,
    context,
    health: { store, version: VERSION, connections: () => io?.engine.clientsCount ?? 0 },
  });
  io = createSocketServer(app.server, config);
  publisher = createPublisher(io);
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
