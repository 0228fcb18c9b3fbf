/**
 * The Redis connections of a node (REDIS_URL), both reconnecting by themselves.
 *
 * - `client` fails a command at once while Redis is unreachable (`disableOfflineQueue`):
 *   presence, rate limits and /health must answer now, from their local fallback.
 * - `adapterClient` carries Socket.io between nodes. It queues while Redis is away
 *   (bounded): the Streams adapter's reader re-polls as soon as a read fails, so a
 *   fail-fast copy would spin and starve the event loop; queued, it simply waits. The
 *   adapter does not publish through it while it is down (ordered-adapter.ts).
 */
import { createClient } from 'redis';

const reconnectStrategy = (retries: number) => Math.min(100 * 2 ** retries, 2000);

const failFast = (url: string) =>
  createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 5000, reconnectStrategy },
  });

export type RedisClient = ReturnType<typeof failFast>;
export type RedisState = 'up' | 'down' | 'disabled';

/** Commands the adapter's connection keeps while Redis is away; beyond them it refuses. */
const ADAPTER_QUEUE_MAX = 10_000;

export interface Redis {
  client: RedisClient;
  adapterClient: RedisClient;
  state(): RedisState;
  /** Runs after every reconnection (not the first connection). */
  onReconnect(listener: () => void): void;
  /** Resolves once both connections are up (tests; the server does not wait). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Connects in the background: a node starts (and serves its own sockets) while Redis is
 * down, and joins the cluster when Redis comes.
 */
export function connectRedis(url: string, onError: (err: Error) => void): Redis {
  const client = failFast(url);
  const adapterClient = client.duplicate({
    disableOfflineQueue: false,
    commandsQueueMaxLength: ADAPTER_QUEUE_MAX,
  });
  const reconnectListeners: (() => void)[] = [];
  let lastError = '';
  let readyOnce = false;
  for (const c of [client, adapterClient]) {
    // Without a listener an 'error' event would crash the process; one line per new error.
    c.on('error', (err: Error) => {
      if (err.message !== lastError) onError(err);
      lastError = err.message;
    });
  }
  client.on('ready', () => {
    lastError = '';
    if (readyOnce) for (const l of reconnectListeners) l();
    readyOnce = true;
  });
  const connecting = [client, adapterClient].map((c) =>
    c.connect().then(
      () => undefined,
      (err: Error) => onError(err),
    ),
  );
  return {
    client,
    adapterClient,
    state: () => (client.isReady ? 'up' : 'down'),
    ready: async () => {
      await Promise.all(connecting);
    },
    onReconnect: (listener) => {
      reconnectListeners.push(listener);
    },
    close: async () => {
      for (const c of [client, adapterClient]) {
        if (c.isOpen) await c.close().catch(() => c.destroy());
        else c.destroy();
      }
    },
  };
}
