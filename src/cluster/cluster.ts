/**
 * What a node needs to be one of several (REDIS_URL): the Redis connection, the adapter
 * that carries Socket.io across nodes in each chat's order, and presence shared by all.
 * Without REDIS_URL none of it runs: presence is this process's, and Socket.io keeps its
 * default single-node adapter with the bounded recovery buffer.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { ServerOptions } from 'socket.io';
import { LocalPresence, type Presence } from '../presence/presence.js';
import type { Redis } from '../redis/redis.js';
import { within } from '../redis/within.js';
import type { Store } from '../store/store.js';
import { TUNABLES } from '../tunables.js';
import { readGapInPages } from './gap-pages.js';

export interface Cluster {
  redis: Redis | undefined;
  adapter: ServerOptions['adapter'] | undefined;
  presence: Presence;
  /** The admins' own presence (join-admin sockets), apart from users': ids may coincide. */
  agentPresence: Presence;
  close(): Promise<void>;
}

export interface RedisSettings {
  url: string | undefined;
  commandTimeoutMs: number;
  /** REDIS_PREFIX: what every Redis name of this deployment starts with. */
  prefix?: string | undefined;
  /** Stream entries a node reads at most to recover one client's session. */
  recoveryMaxEntries: number;
}

export interface RedisCounters {
  /** Each failed connect, dropped connection or hang. */
  error(): void;
  /** Each command given up on: no answer in time. */
  timeout(): void;
}

const uncounted: RedisCounters = { error: () => {}, timeout: () => {} };

export async function joinCluster(
  settings: RedisSettings,
  store: Store,
  log: FastifyBaseLogger,
  counters: RedisCounters = uncounted,
): Promise<Cluster> {
  if (!settings.url) {
    const presence = new LocalPresence();
    const agentPresence = new LocalPresence();
    return {
      redis: undefined,
      adapter: undefined,
      presence,
      agentPresence,
      close: async () => {
        await presence.close();
        await agentPresence.close();
      },
    };
  }
  const { connectRedis, RedisPresence, adapterClient, orderedClusterAdapter } = await import(
    './with-redis.js'
  );
  const redis = connectRedis(
    settings.url,
    (err) => {
      counters.error();
      log.warn({ err }, 'Redis connection error');
    },
    {
      commandTimeoutMs: settings.commandTimeoutMs,
      onTimeout: counters.timeout,
      prefix: settings.prefix,
    },
  );
  // Normally Redis answers at once, and the node starts joined. If it does not, the node
  // starts as one that lost Redis (serving its own sockets, /health "redis": "down") and
  // joins when it answers: an orchestrator restarting nodes during an outage gets nodes.
  const waited = await within(
    redis.ready.then(() => true),
    TUNABLES.redisStartWaitMs.value,
    false,
  );
  if (!waited) log.warn('Redis does not answer: starting without it; this node joins when it does');
  const nodeId = randomUUID().slice(0, 8);
  const presence = new RedisPresence(
    redis.client,
    nodeId,
    (err) => log.warn({ err }, 'presence could not reach Redis'),
    redis.prefixed,
  );
  const agentPresence = new RedisPresence(
    redis.client,
    nodeId,
    (err) => log.warn({ err }, 'agent presence could not reach Redis'),
    (name) => redis.prefixed(`agents:${name}`),
  );
  // An outage loses what the adapter fires and forgets (an event, a kept session); the
  // connection's own error is what tells operators that Redis is away. A subscription
  // still queued when the node stops ends so too ("Disconnects client"): nothing is lost.
  const streamsClient = adapterClient(redis.client, (err) =>
    log.debug(
      { err },
      'a command of the adapter sent without waiting failed (Redis away, or its client closed)',
    ),
  );
  const adapter = orderedClusterAdapter(streamsClient, {
    prefixed: redis.prefixed,
    recoveryMaxEntries: settings.recoveryMaxEntries,
    subscribeWaitMs: settings.commandTimeoutMs,
    onMissed: (why, sockets) =>
      log.warn(
        { why, sockets },
        'broadcasts of other nodes may have been missed while Redis was away: sockets sent to reconnect',
      ),
    readGap: (gap, deliver) => readGapInPages(store, gap, TUNABLES.orderGapPageSize.value, deliver),
  });
  const joined = () =>
    log.info({ nodeId, redisPrefix: settings.prefix ?? null }, 'joined the cluster through Redis');
  // Said when true: a node that started without Redis says so once Redis first answers.
  if (waited) joined();
  else void redis.ready.then(joined);
  return {
    redis,
    adapter,
    presence,
    agentPresence,
    close: async () => {
      await presence.close();
      await agentPresence.close();
      await redis.close();
    },
  };
}
