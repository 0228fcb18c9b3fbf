/**
 * What a node needs to be one of several (REDIS_URL): the Redis connections, the adapter
 * that carries Socket.io across nodes in each chat's order, and presence shared by all.
 * Without REDIS_URL none of it runs: presence is this process's, and Socket.io keeps its
 * default single-node adapter with the bounded recovery buffer.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { ServerOptions } from 'socket.io';
import { LocalPresence, type Presence } from '../presence/presence.js';
import { RedisPresence } from '../presence/redis-presence.js';
import { LIMITS } from '../schemas/shapes.js';
import type { Store } from '../store/store.js';
import { orderedClusterAdapter } from './ordered-adapter.js';
import { connectRedis, type Redis } from './redis.js';

export interface Cluster {
  redis: Redis | undefined;
  adapter: ServerOptions['adapter'] | undefined;
  presence: Presence;
  close(): Promise<void>;
}

export function joinCluster(
  redisUrl: string | undefined,
  store: Store,
  log: FastifyBaseLogger,
): Cluster {
  if (!redisUrl) {
    const presence = new LocalPresence();
    return { redis: undefined, adapter: undefined, presence, close: () => presence.close() };
  }
  const redis = connectRedis(redisUrl, (err) => log.warn({ err }, 'Redis connection error'));
  const nodeId = randomUUID().slice(0, 8);
  const presence = new RedisPresence(redis.client, nodeId, (err) =>
    log.warn({ err }, 'presence could not reach Redis'),
  );
  redis.onReconnect(() => presence.resync());
  const adapter = orderedClusterAdapter(redis.adapterClient, {
    async readGap(chatId, afterSeq, beforeSeq) {
      const limit = Math.min(beforeSeq - afterSeq - 1, LIMITS.historyMaxLimit);
      if (limit <= 0) return [];
      const page = await store.historyCursor(chatId, { direction: 'after', seq: afterSeq, limit });
      return page.messages.filter((m) => m.seq < beforeSeq);
    },
    onError: (err) => log.warn({ err }, 'could not read missing messages to keep their order'),
  });
  log.info({ nodeId }, 'joining the cluster through Redis');
  return {
    redis,
    adapter,
    presence,
    close: async () => {
      await presence.close();
      await redis.close();
    },
  };
}
