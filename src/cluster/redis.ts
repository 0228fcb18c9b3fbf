/**
 * The Redis connection of a node (REDIS_URL). Commands fail at once while Redis is
 * unreachable instead of queueing (`disableOfflineQueue`): a Redis outage must degrade
 * cross-node delivery, not stall local work behind a queue. The client reconnects by
 * itself, and `state()` is what /health reports.
 */
import { createClient } from 'redis';

const newClient = (url: string) =>
  createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 5000,
      // Back off to at most 2 s between attempts, forever: Redis coming back is routine.
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000),
    },
  });

export type RedisClient = ReturnType<typeof newClient>;
export type RedisState = 'up' | 'down' | 'disabled';

export interface Redis {
  client: RedisClient;
  state(): RedisState;
  close(): Promise<void>;
}

export async function connectRedis(url: string, onError: (err: Error) => void): Promise<Redis> {
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
  await client.connect();
  return {
    client,
    state: () => (client.isReady ? 'up' : 'down'),
    close: async () => {
      if (client.isOpen) await client.close().catch(() => client.destroy());
    },
  };
}
