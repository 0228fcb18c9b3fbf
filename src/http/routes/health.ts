import type { FastifyPluginAsync } from 'fastify';
import type { RedisState } from '../../redis/redis.js';
import type { Store } from '../../store/store.js';

export interface HealthSources {
  store: Store;
  /** Cross-node delivery: a Redis outage (gone, or silent) degrades it, but is not a 503. */
  redis: () => Promise<RedisState>;
  connections: () => number;
  /** "METHOD /path" of every REST route, collected as they are registered. */
  endpoints: () => string[];
  version: string;
}

const PING_TIMEOUT_MS = 2000;

export async function storeState(store: Store): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('ping timeout')), PING_TIMEOUT_MS);
  });
  try {
    await Promise.race([store.ping(), timeout]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

/** A probe answered at most this old: a flood of /health never reaches the database or Redis. */
const PROBE_MAX_AGE_MS = 1000;

/** One probe in flight at a time, its answer reused for PROBE_MAX_AGE_MS. */
export function cachedProbe<T>(probe: () => Promise<T>): () => Promise<T> {
  let last: { at: number; answer: Promise<T> } | undefined;
  return () => {
    const now = Date.now();
    if (!last || now - last.at >= PROBE_MAX_AGE_MS) last = { at: now, answer: probe() };
    return last.answer;
  };
}

/** `/health` (v2's shape plus the store's state) and `/`, outside the `/api` prefix. */
export function healthRoutes(sources: HealthSources): FastifyPluginAsync {
  const probeStore = cachedProbe(() => storeState(sources.store));
  const probeRedis = cachedProbe(sources.redis);
  return async (app) => {
    app.get('/health', { schema: { tags: ['operations'] } }, async (_req, reply) => {
      const [store, redis] = await Promise.all([probeStore(), probeRedis()]);
      const body = {
        status: store === 'up' ? 'OK' : 'UNAVAILABLE',
        timestamp: new Date().toISOString(),
        uptime: process.uptime(),
        websocket: 'active',
        connections: sources.connections(),
        store: { kind: sources.store.kind, status: store },
        redis,
      };
      return reply.status(store === 'up' ? 200 : 503).send(body);
    });

    app.get('/', { schema: { tags: ['operations'] } }, async () => ({
      name: 'Fastorika Chat Server',
      version: sources.version,
      docs: '/docs',
      endpoints: sources.endpoints(),
    }));
  };
}
