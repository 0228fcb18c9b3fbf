/**
 * The composition root: reads nothing from the environment itself (main.ts does), opens
 * the store, builds HTTP and Socket.io around the same use cases, and knows how to stop.
 */

import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger, type LoggerOptions } from 'pino';
import { knownAdmins } from './admins/known-admins.js';
import { databaseBlobStore } from './attachments/database-blob-store.js';
import type { BlobStore, MalwareScanner } from './attachments/ports.js';
import { recentDownloads } from './attachments/recent-downloads.js';
import type { AttachmentServices } from './attachments/services.js';
import { linkSigner, signingKey } from './attachments/signed-urls.js';
import { startSweeper } from './attachments/sweep.js';
import { monotonicMs, uploadBudget } from './attachments/upload-budget.js';
import type { AuthContext } from './auth/actor.js';
import { httpIdentity } from './auth/http-identity.js';
import type { VerifierOptions } from './auth/tokens.js';
import { clientAddress } from './client-address.js';
import { joinCluster } from './cluster/cluster.js';
import type { Config } from './config.js';
import type { Deps } from './deps.js';
import type { WithDesk } from './desk/services.js';
import { createDesk } from './desk/use-cases.js';
import { createHttpApp, registerHttpRoutes } from './http/app.js';
import { operationsRoutes } from './http/routes/operations.js';
import { instrumentLimits } from './limits/instrumented.js';
import { createLimits } from './limits/rate-limiter.js';
import { prettyDestination, resolveLogFormat } from './log-format.js';
import type { Metrics } from './metrics.js';
import { type MetricsServer, startMetricsServer } from './metrics-server.js';
import { startRetention } from './privacy/retention.js';
import { createReadiness, type Readiness } from './readiness.js';
import { trackAgentPresence } from './realtime/agent-presence.js';
import { coalesceWrites } from './realtime/coalesce-writes.js';
import { connectionBudget, installSocketGuards } from './realtime/guards.js';
import { leaveRoomsOfLostChats, recoverOnlyWhatIsViewable } from './realtime/membership.js';
import { onlineAdmins } from './realtime/online-admins.js';
import { trackPresence } from './realtime/presence-events.js';
import { createPublisher } from './realtime/publish.js';
import { trackQueuePositions } from './realtime/queue-positions.js';
import { closeSlowReaders } from './realtime/slow-readers.js';
import { instrumentSockets } from './realtime/socket-metrics.js';
import { createSocketServer, wireSocketEvents } from './realtime/socket-server.js';
import type { ChatServer } from './realtime/types.js';
import { setRedaction } from './redaction/client-text.js';
import { nudgingRouter, type Router, startRouter } from './routing/router.js';
import { LIMITS } from './schemas/vocabulary.js';
import { startSearchIndexer } from './search/indexer.js';
import { startLine, startUrls } from './start-line.js';
import { instrumentStore } from './store/instrumented.js';
import { openStore } from './store/open.js';
import type { Store } from './store/store.js';
import { TUNABLES } from './tunables.js';
import { VERSION } from './version.js';
import { startOutboxCleanup } from './webhooks/cleanup.js';
import type { Deliverer } from './webhooks/deliverer.js';

export interface RunningServer {
  url: string;
  port: number;
  app: FastifyInstance;
  io: ChatServer;
  store: Store;
  readiness: Readiness;
  /** The metrics, when /metrics is enabled (METRICS_PORT or METRICS_TOKEN). */
  metrics: Metrics | undefined;
  /** The METRICS_PORT listener's actual port. */
  metricsPort: number | undefined;
  /**
   * /ready turns 503, then after SHUTDOWN_DRAIN_MS the server stops accepting, lets
   * in-flight requests finish, and closes sockets and the store.
   */
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  verifier?: VerifierOptions;
  /** A store opened by the caller (tests that inject faults); the server closes it. */
  store?: Store;
  /** Fail any REST reply that does not match its documented schema (test servers). */
  checkReplies?: boolean;
  /**
   * Where attachments' bytes live (default: the database) and the malware scanner every
   * upload goes through (default: none).
   */
  attachments?: { blobs?: BlobStore; scanner?: MalwareScanner };
}

/** The attachments' wiring: the BlobStore and scanner chosen here, the link signer, the bounds. */
function attachmentServices(
  config: Config,
  store: Store,
  chosen: StartOptions['attachments'],
  logger: Logger,
  metrics: Metrics | undefined,
): AttachmentServices {
  const { key, shared } = signingKey({
    urlSecret: config.attachmentUrlSecret,
    jwtSecret: config.auth.mode === 'jwt' ? config.auth.secret : undefined,
  });
  if (!shared && config.redisUrl) {
    logger.warn(
      'attachment links are signed with a key of this node alone: set ATTACHMENT_URL_SECRET (the same on every node) so that every node accepts them',
    );
  }
  return {
    blobs: chosen?.blobs ?? databaseBlobStore(store.attachments),
    scanner: chosen?.scanner,
    links: linkSigner(key, config.tunables.attachmentUrlTtlSeconds),
    publicUrl: config.publicUrl,
    maxBytes: config.tunables.attachmentMaxBytes,
    maxPixels: config.tunables.attachmentMaxPixels,
    quotaBytes: config.tunables.attachmentQuotaBytes,
    pace: {
      idleMs: config.tunables.attachmentUploadIdleMs,
      graceMs: config.tunables.attachmentUploadGraceMs,
      minBytesPerSecond: config.tunables.attachmentUploadMinBytesPerSecond,
      maxMs: config.tunables.attachmentUploadMaxMs,
    },
    uploadBudget: uploadBudget(
      config.tunables.attachmentUploadBytesPerSecond,
      monotonicMs(),
      metrics && ((ms) => metrics.uploadBudgetWaitSeconds.inc(ms / 1000)),
    ),
    downloadIdleMs: config.tunables.downloadIdleMs,
    recentDownloads: recentDownloads(
      TUNABLES.attachmentRangeContinuesMs.value,
      TUNABLES.attachmentRangeContinuesKept.value,
    ),
  };
}

/** Fastify's own "Server listening at" lines: the start line below says that and more. */
const FASTIFY_LISTENING = /^Server listening at /;

function createLogger(config: Config): Logger {
  const options: LoggerOptions = {
    level: config.logLevel,
    redact: ['req.headers.authorization', 'token'],
    hooks: {
      logMethod(args, log) {
        if (typeof args[0] === 'string' && FASTIFY_LISTENING.test(args[0])) return;
        log.apply(this, args);
      },
    },
  };
  return resolveLogFormat(config.logFormat, process.stdout.isTTY === true) === 'pretty'
    ? pino(options, prettyDestination())
    : pino(options);
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

/**
 * This node delivers its share of the outbox (every node queues events from its start).
 * The signing library is loaded only with WEBHOOK_URLS.
 */
async function startWebhooks(
  store: Store,
  webhooks: NonNullable<Config['webhooks']>,
  giveUpMs: number,
  logger: Logger,
  metrics: Metrics | undefined,
): Promise<Deliverer> {
  metrics?.setWebhookPending(() =>
    store.webhooks.pendingCount(TUNABLES.webhookPendingCountMax.value),
  );
  const { startDeliverer } = await import('./webhooks/deliverer.js');
  return startDeliverer({
    outbox: store.webhooks,
    secret: webhooks.secret,
    giveUpMs,
    onError: (err) => logger.warn({ err }, 'webhook outbox unreadable; trying again'),
    onSettled: (delivery, attempt) => {
      if (attempt.ok) {
        const seconds = (Date.parse(attempt.at) - Date.parse(delivery.createdAt)) / 1000;
        metrics?.webhookDeliverySeconds.observe(Math.max(0, seconds));
        return;
      }
      metrics?.webhookFailures.inc({ reason: attempt.reason });
      if (attempt.nextAttemptAt === null) {
        metrics?.webhookGivenUp.inc();
        logger.warn(
          { webhookId: delivery.id, url: delivery.url, error: attempt.error },
          'webhook given up: kept as failed',
        );
      }
    },
  });
}

export async function startServer(
  config: Config,
  options: StartOptions = {},
): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config);
  // Before anything is parsed: every client text is masked (or not) from the first request.
  setRedaction(config.redact);
  const auth = await authContext(config, {
    ...options.verifier,
    onContextDropped: (subject, drop) =>
      drop.reason === 'size'
        ? logger.warn(
            { subject, bytes: drop.bytes, max: LIMITS.customerContextBytes },
            "a user token's ctx claim is over the limit: not stored",
          )
        : logger.warn(
            { subject, field: drop.field, problem: drop.problem },
            "a user token's ctx claim holds text no store keeps alike: not stored",
          ),
  });
  const readiness = createReadiness();
  // prom-client is loaded only when /metrics is on.
  const metrics =
    config.metrics.port !== undefined || config.metrics.token
      ? (await import('./metrics.js')).createMetrics()
      : undefined;
  const openedStore =
    options.store ??
    (await openStore(config.database, {
      onBackgroundError: (err) => logger.warn({ err }, 'database connection error'),
      importLock: {
        onLost: (err) => logger.warn({ err }, 'import lock not held'),
        onRetaken: () => logger.info('import lock taken again'),
      },
      sqliteWriterThread: config.tunables.sqliteWriterThread === 1,
      sqliteSyncOnPool: config.tunables.sqliteSyncOnPool === 1,
      sqliteWalAutocheckpointPages: config.tunables.sqliteWalAutocheckpointPages,
      gathering: {
        afterBatchOf: config.tunables.groupCommitGatherAfter,
        ms: config.tunables.groupCommitGatherMs,
      },
      ...(metrics && { onBatch: (size: number) => metrics.groupCommitBatchSize.observe(size) }),
    }));
  const store = metrics
    ? instrumentStore(openedStore, {
        stored: () => metrics.messagesStored.inc(),
        failed: () => metrics.storeErrors.inc(),
      })
    : openedStore;
  // Before any request: every change this node makes from its start queues its events.
  if (config.webhooks) store.sendWebhooksTo(config.webhooks.urls);
  // Warned after the store opened (what usually refuses a start), so a refused start is one line.
  if (auth.mode === 'none') {
    logger.warn(
      `AUTH_MODE=none: identities in payloads are believed (v2 behaviour); never expose this server to the internet${
        config.host === '127.0.0.1'
          ? ' (it listens on this machine only; HOST opens it to a network)'
          : ''
      }`,
    );
  }
  if (config.redisUrl && config.database.kind === 'sqlite') {
    // Nodes on SQLite files of their own that share a Redis are separate desks whose
    // all-admins events (a new chat, the queue) cross: an admin sees chats they cannot open.
    logger.warn(
      'REDIS_URL with the embedded SQLite store: SQLite serves this one process, so nodes that share this Redis do not share their chats; several nodes need one PostgreSQL (DATABASE_URL=postgres://…)',
    );
  }
  if (config.nodeEnv === 'production' && config.corsOrigin === '*') {
    logger.warn('CORS_ORIGIN=* in production: any web page may call this API; list your origins');
  }
  const cluster = await joinCluster(
    {
      url: config.redisUrl,
      commandTimeoutMs: config.redisCommandTimeoutMs,
      prefix: config.redisPrefix,
      recoveryMaxEntries: config.tunables.recoveryMaxStreamEntries,
    },
    store,
    logger,
    { error: () => metrics?.redisErrors.inc(), timeout: () => metrics?.redisTimeouts.inc() },
  );
  const plainLimits = createLimits(
    { ...config.rateLimit, readsByAddress: config.auth.mode === 'none' },
    cluster.redis,
  );
  const limits =
    metrics && config.rateLimit.enabled
      ? instrumentLimits(plainLimits, (limit) => metrics.rateLimited.inc({ limit }))
      : plainLimits;

  // Top-down: the HTTP server exists as soon as Fastify is created, Socket.io attaches
  // to it, and the routes are registered last with the publisher both transports share.
  const addressOf = clientAddress(config.trustProxy);
  const app = createHttpApp(logger, config.trustProxy, config.tunables.requestTimeoutMs);
  const connections = connectionBudget(limits.connections, addressOf);
  const io = createSocketServer(app.server, config, connections, cluster.adapter);
  const core: Deps & { attachments: AttachmentServices } = {
    store,
    limits,
    presence: cluster.presence,
    admins: knownAdmins(store, () => onlineAdmins(io)),
    attachments: attachmentServices(config, store, options.attachments, logger, metrics),
    agentPresence: cluster.agentPresence,
    defaultMaxChats: config.tunables.defaultMaxChats,
    ratingWindowSeconds: config.tunables.ratingWindowSeconds,
  };
  const deps: typeof core & WithDesk = { ...core, desk: createDesk(core, config.businessHours) };
  coalesceWrites(io);
  closeSlowReaders(io, logger);
  if (metrics) instrumentSockets(io, metrics);
  const published = createPublisher(io, cluster.redis !== undefined);
  const queue = trackQueuePositions(io, deps, published, logger, cluster.redis !== undefined);
  // ROUTING=auto: the router publishes its assignments itself (through the queue tracker,
  // so waiting users hear their new places), and hears of new capacity.
  const router: Router | undefined =
    config.routing.mode === 'auto'
      ? startRouter(
          deps,
          queue.publish,
          {
            sweepMs: config.tunables.routingSweepMs,
            replyTimeoutMs: config.routing.replyTimeoutMs,
          },
          logger,
        )
      : undefined;
  const publish = router ? nudgingRouter(queue.publish, router) : queue.publish;
  installSocketGuards(io, auth, connections);
  wireSocketEvents(io, { deps, auth, addressOf, publish }, logger);
  recoverOnlyWhatIsViewable(io, store);
  trackPresence(io, deps, publish, logger);
  trackAgentPresence(io, deps, publish, logger);
  io.on('chat-changed', (chat) => store.forgetChat(chat._id));
  // A store that cannot answer leaves the rooms as they are (messages still skip who lost a chat).
  cluster.redis?.onReturn(() =>
    leaveRoomsOfLostChats(io, store).catch((err: unknown) =>
      logger.warn({ err }, 'could not check room access after Redis returned'),
    ),
  );
  await registerHttpRoutes(app, {
    config,
    context: { deps, publish, ...httpIdentity(auth) },
    health: {
      store,
      redis: async () => (await cluster.redis?.probe()) ?? 'disabled',
      version: VERSION,
      connections: () => io.engine.clientsCount,
    },
    checkReplies: options.checkReplies ?? false,
  });
  await app.register(
    operationsRoutes({ readiness, store, metrics, metricsToken: config.metrics.token }),
  );

  let metricsServer: MetricsServer | undefined;
  try {
    await app.listen({ port: config.port, host: config.host });
    if (metrics && config.metrics.port !== undefined) {
      metricsServer = await startMetricsServer(metrics, config.metrics.port, config.host);
    }
  } catch (err) {
    await router?.stop();
    await app.close();
    await cluster.close();
    await store.close();
    throw err;
  }
  readiness.ready();
  // This node's name in the leases table (one node sweeps, one node purges at a time).
  const holder = randomBytes(8).toString('hex');
  const sweeper = startSweeper(deps, holder, logger);
  const retention =
    config.retentionDays === undefined
      ? undefined
      : startRetention(
          { store, blobs: deps.attachments.blobs },
          {
            days: config.retentionDays,
            everyMs: config.tunables.retentionSweepMs,
            firstRunMs: config.tunables.retentionFirstRunMs,
            batch: config.tunables.retentionBatchChats,
            ...(metrics && { onPurged: (chats: number) => metrics.chatsPurged.inc(chats) }),
          },
          holder,
          logger,
        );
  const deliverer =
    config.webhooks &&
    (await startWebhooks(store, config.webhooks, config.tunables.webhookGiveUpMs, logger, metrics));
  // Also without WEBHOOK_URLS: rows written while it was set still go in time.
  const outboxCleanup = startOutboxCleanup(
    { outbox: store.webhooks, leases: store.attachments },
    {
      keepDeliveredMs: config.tunables.webhookKeepDeliveredMs,
      keepFailedMs: config.tunables.webhookKeepFailedMs,
      everyMs: TUNABLES.webhookCleanupEveryMs.value,
      firstRunMs: config.tunables.webhookCleanupFirstRunMs,
      batch: TUNABLES.webhookCleanupBatch.value,
      ...(metrics && { onDeleted: (rows: number) => metrics.webhookRowsDeleted.inc(rows) }),
    },
    holder,
    logger,
  );
  const indexer = startSearchIndexer({
    store,
    everyMs: TUNABLES.searchIndexEveryMs.value,
    batch: TUNABLES.searchIndexBatch.value,
    onError: (err) => logger.warn({ err }, 'search index not updated; trying again'),
  });
  // Chats that waited while no node was routing.
  router?.nudge();
  const bound = app.server.address() as AddressInfo;
  const { port } = bound;
  logger.info(
    { port, host: bound.address, store: store.kind, metricsPort: metricsServer?.port },
    startLine(startUrls(bound, metricsServer?.port)),
  );

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    app,
    io,
    store,
    readiness,
    metrics,
    metricsPort: metricsServer?.port,
    close: () => {
      closing ??= (async () => {
        // /ready answers 503 first, so a load balancer stops sending new clients here
        // while this node still serves the ones it has.
        readiness.drain();
        await sweeper.stop();
        // A purge batch in flight commits; the rest waits for the next round (any node's).
        await retention?.stop();
        // A delivery in flight finishes (or times out); what is left waits in the outbox.
        await deliverer?.stop();
        await outboxCleanup.stop();
        await indexer.stop();
        queue.stop();
        await router?.stop();
        if (config.shutdownDrainMs > 0) {
          logger.info({ ms: config.shutdownDrainMs }, 'draining: /ready answers 503');
          await new Promise((resolve) => setTimeout(resolve, config.shutdownDrainMs));
        }
        // This node's connections first (they would hold the HTTP server open): closed as
        // a dropped transport, so clients reconnect by themselves (to another node, in a
        // cluster, recovering their session). io.disconnectSockets() would instead reach
        // every node's sockets, with a reason clients do not reconnect after.
        io.engine.close();
        // Requests still in flight get part of the shutdown's deadline, then their
        // connections are cut, so the store still closes cleanly before the process would
        // exit anyway (a response whose body never ends must not hold the store open).
        const cut = setTimeout(
          () => app.server.closeAllConnections(),
          TUNABLES.shutdownRequestsMs.value,
        );
        await app.close();
        clearTimeout(cut);
        await new Promise<void>((resolve) => io.close(() => resolve()));
        await metricsServer?.close();
        await cluster.close();
        await store.close();
      })();
      return closing;
    },
  };
}
