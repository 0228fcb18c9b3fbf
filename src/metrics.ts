/**
 * The server's Prometheus metrics, one registry per server (tests run several in one
 * process). Labels are bounded: event names are the known client events plus `unknown`,
 * limits are the five limiters; nothing is labelled per chat, user or message.
 * Created only when /metrics is enabled (METRICS_PORT or METRICS_TOKEN), so a server
 * without it pays nothing on the hot path.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Limits } from './limits/rate-limiter.js';
import { CLIENT_EVENTS } from './schemas/events.js';
import { TUNABLES } from './tunables.js';

export type LimitName = keyof Limits;

export interface Metrics {
  registry: Registry;
  /** Reads the number of connected sockets at scrape time. */
  setSocketCounter(read: () => number): void;
  eventsReceived: Counter<'event'>;
  messagesStored: Counter;
  /** send-message: from receipt of the event to its acknowledgement, in seconds. */
  sendAckSeconds: Histogram;
  groupCommitBatchSize: Histogram;
  storeErrors: Counter;
  /** Errors of the Redis connection (REDIS_URL): each failed connect, dropped connection or hang. */
  redisErrors: Counter;
  /** Redis commands given up on: no answer within REDIS_COMMAND_TIMEOUT_MS. */
  redisTimeouts: Counter;
  rateLimited: Counter<'limit'>;
  /** Chats RETENTION_DAYS deleted (this node's purges). */
  chatsPurged: Counter;
  /** Seconds uploads were held back by the node's upload budget, all uploads together. */
  uploadBudgetWaitSeconds: Counter;
  /** Reads the webhook outbox's pending deliveries at scrape time (WEBHOOK_URLS). */
  setWebhookPending(read: () => Promise<number>): void;
  /** A delivery answered 2xx: seconds from its event's commit. */
  webhookDeliverySeconds: Histogram;
  webhookFailures: Counter<'reason'>;
  webhookGivenUp: Counter;
  webhookRowsDeleted: Counter;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  // Process CPU and memory, heap, GC, handles, and the event-loop lag
  // (nodejs_eventloop_lag_seconds and its percentiles).
  collectDefaultMetrics({ register: registry });

  let readSockets: () => number = () => 0;
  new Gauge({
    name: 'chat_sockets_connected',
    help: 'Socket.io connections open on this node',
    registers: [registry],
    collect() {
      this.set(readSockets());
    },
  });
  const eventsReceived = new Counter({
    name: 'chat_socket_events_received_total',
    help: 'Socket.io events received from clients, by event name (unknown names counted as "unknown")',
    labelNames: ['event'],
    registers: [registry],
  });
  // Every known label exists from the start, so a rate() never sees a series appear.
  for (const event of [...CLIENT_EVENTS, 'unknown']) eventsReceived.inc({ event }, 0);

  const rateLimited = new Counter({
    name: 'chat_rate_limited_total',
    help: 'Requests, events, sends and connections refused by a rate limit, by limit',
    labelNames: ['limit'],
    registers: [registry],
  });
  const limitNames: LimitName[] = [
    'messages',
    'typing',
    'events',
    'requests',
    'reads',
    'connections',
  ];
  for (const limit of limitNames) rateLimited.inc({ limit }, 0);

  // Counted in the database at scrape time only (never on a send); a scrape while the
  // database is away keeps the last count rather than failing.
  let readPending: () => Promise<number> = async () => 0;
  new Gauge({
    name: 'chat_webhook_pending',
    help: `Webhook deliveries waiting to be delivered or retried (all nodes; counted up to ${TUNABLES.webhookPendingCountMax.value})`,
    registers: [registry],
    async collect() {
      try {
        this.set(await readPending());
      } catch {}
    },
  });
  const webhookFailures = new Counter({
    name: 'chat_webhook_failures_total',
    help: 'Webhook attempts that failed, by reason: status (a non-2xx answer, redirects too), timeout, network',
    labelNames: ['reason'],
    registers: [registry],
  });
  for (const reason of ['status', 'timeout', 'network']) webhookFailures.inc({ reason }, 0);

  return {
    registry,
    setSocketCounter: (read) => {
      readSockets = read;
    },
    eventsReceived,
    messagesStored: new Counter({
      name: 'chat_messages_stored_total',
      help: 'Messages stored (a retried clientMessageId is not counted again)',
      registers: [registry],
    }),
    sendAckSeconds: new Histogram({
      name: 'chat_send_ack_seconds',
      help: 'send-message over Socket.io: from receipt to acknowledgement (stored, or refused)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    groupCommitBatchSize: new Histogram({
      name: 'chat_group_commit_batch_size',
      help: 'Messages written per group-commit transaction',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers: [registry],
    }),
    storeErrors: new Counter({
      name: 'chat_store_errors_total',
      help: 'Store operations that failed (unreachable, refused writes, or a bug)',
      registers: [registry],
    }),
    redisErrors: new Counter({
      name: 'chat_redis_errors_total',
      help: 'Errors of the Redis connection: failed connects, dropped connections, hangs',
      registers: [registry],
    }),
    redisTimeouts: new Counter({
      name: 'chat_redis_timeouts_total',
      help: 'Redis commands given up on: no answer within REDIS_COMMAND_TIMEOUT_MS (or Redis known silent)',
      registers: [registry],
    }),
    rateLimited,
    chatsPurged: new Counter({
      name: 'chat_retention_purged_chats_total',
      help: 'Chats deleted by this node because they were closed longer ago than RETENTION_DAYS',
      registers: [registry],
    }),
    uploadBudgetWaitSeconds: new Counter({
      name: 'chat_upload_budget_wait_seconds_total',
      help: "Seconds this node's uploads were held back by ATTACHMENT_UPLOAD_BYTES_PER_SECOND, summed over uploads",
      registers: [registry],
    }),
    setWebhookPending: (read) => {
      readPending = read;
    },
    webhookDeliverySeconds: new Histogram({
      name: 'chat_webhook_delivery_seconds',
      help: "Webhook deliveries answered 2xx: from the event's commit to the answer (retries included)",
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800, 3600, 21600, 86400],
      registers: [registry],
    }),
    webhookFailures,
    webhookGivenUp: new Counter({
      name: 'chat_webhook_given_up_total',
      help: 'Webhook deliveries given up after WEBHOOK_GIVE_UP_MS of failures (kept as failed)',
      registers: [registry],
    }),
    webhookRowsDeleted: new Counter({
      name: 'chat_webhook_outbox_deleted_total',
      help: 'Settled webhook outbox rows this node deleted (delivered after WEBHOOK_KEEP_DELIVERED_MS, failed after WEBHOOK_KEEP_FAILED_MS)',
      registers: [registry],
    }),
  };
}
