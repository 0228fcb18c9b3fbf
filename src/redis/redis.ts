/**
 * The Redis connection of a node (REDIS_URL). Commands fail at once while Redis is
 * unreachable instead of queueing (`disableOfflineQueue`): a Redis outage must degrade
 * cross-node delivery, not stall local work behind a queue. The client reconnects by
 * itself, and `state()` is what /health reports. A node started while Redis is away
 * starts as one that lost it: it serves its own sockets and joins once Redis answers.
 */
import { createClient } from 'redis';

/**
 * node-redis corks its socket, writes queued commands until the socket's buffer passes
 * its high-water mark, then waits for 'drain' and a turn of the event loop before the
 * next batch. At Node's default (16 KiB: about 15 broadcasts) a busy node got fewer
 * broadcasts into Redis than it made, and its backlog grew for as long as the load lasted
 * (bench, two nodes: ~700 deliveries/s, latency in seconds). One write may now carry 4 MiB.
 */
const WRITE_BUFFER_BYTES = 4 * 1024 * 1024;

const socketOptions = {
  // Passed on to net.createConnection (not in node-redis's own option types).
  writableHighWaterMark: WRITE_BUFFER_BYTES,
  connectTimeout: 5000,
  // Back off to at most 2 s between attempts, forever: Redis coming back is routine.
  reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000),
};

const newClient = (url: string) =>
  createClient({
    url,
    disableOfflineQueue: true,
    socket: socketOptions,
    // node-redis gives every command a 5 s timeout for waiting in its queue by default: a
    // timer per command, which fires (and builds a DOMException) 5 s later even after the
    // reply came, ~3% of a busy node's CPU. Commands here fail at once or are written at once.
    commandOptions: { timeout: 0 },
  });

export type RedisClient = ReturnType<typeof newClient>;
export type RedisState = 'up' | 'down' | 'disabled';

export interface Redis {
  client: RedisClient;
  /** Settles once Redis first answers (never, if it never does). */
  ready: Promise<void>;
  state(): RedisState;
  close(): Promise<void>;
}

export function connectRedis(url: string, onError: (err: Error) => void): Redis {
  const client = newClient(url);
  // Without a listener an 'error' event would crash the process.
  let lastError = '';
  client.on('error', (err: Error) => {
    if (err.message !== lastError) onError(err);
    lastError = err.message;
  });
  client.on('ready', () => {
    lastError = '';
  });
  // connect() resolves only once Redis answers, retrying forever; it rejects only when the
  // client is closed first (a node stopped before Redis came).
  const ready = client.connect().then(
    () => undefined,
    () => new Promise<void>(() => {}),
  );
  return {
    client,
    ready,
    state: () => (client.isReady ? 'up' : 'down'),
    close: async () => {
      if (client.isOpen) await client.close().catch(() => client.destroy());
    },
  };
}
