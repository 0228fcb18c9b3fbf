import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RedisState } from '../../redis/redis.js';
import type { Store } from '../../store/store.js';
import { TUNABLES } from '../../tunables.js';

export interface HealthSources {
  store: Store;
  /** Cross-node delivery: a Redis outage (gone, or silent) degrades it, but is not a 503. */
  redis: () => Promise<RedisState>;
  connections: () => number;
  /** "METHOD /path" of every REST route, collected as they are registered. */
  endpoints: () => string[];
  version: string;
}

export async function storeState(store: Store): Promise<'up' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('ping timeout')), TUNABLES.storePingTimeoutMs.value);
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

/** One probe in flight at a time, its answer reused for probeMaxAgeMs. */
export function cachedProbe<T>(probe: () => Promise<T>): () => Promise<T> {
  let last: { at: number; answer: Promise<T> } | undefined;
  return () => {
    const now = Date.now();
    if (!last || now - last.at >= TUNABLES.probeMaxAgeMs.value) last = { at: now, answer: probe() };
    return last.answer;
  };
}

const REDIS_STATES = ['up', 'down', 'disabled'] as const satisfies readonly RedisState[];

/** v2's shape, plus the store and Redis; the same on 200 and 503. */
const HealthReply = z
  .object({
    status: z
      .enum(['OK', 'UNAVAILABLE'])
      .meta({ description: 'UNAVAILABLE (503): the store is down.' }),
    timestamp: z.string().meta({ format: 'date-time' }),
    uptime: z.number().meta({ description: 'Seconds since the process started.' }),
    websocket: z.literal('active'),
    connections: z.number().int().meta({ description: "This node's open Engine.io connections." }),
    store: z.object({ kind: z.enum(['sqlite', 'postgres']), status: z.enum(['up', 'down']) }),
    redis: z.enum(REDIS_STATES).meta({
      description: 'disabled: one node (no REDIS_URL). down never makes /health a 503.',
    }),
  })
  .meta({
    example: {
      status: 'OK',
      timestamp: '2026-11-25T10:42:06.006Z',
      uptime: 3600.5,
      websocket: 'active',
      connections: 12,
      store: { kind: 'postgres', status: 'up' },
      redis: 'disabled',
    },
  });

const RootReply = z.object({
  name: z.literal('Fastorika Chat Server'),
  version: z.string(),
  docs: z.string().meta({ description: 'The browsable API documents (OpenAPI; AsyncAPI beside).' }),
  console: z.string().meta({ description: 'The agent console.' }),
  widgetDemo: z.string().meta({ description: 'The chat widget as a user sees it.' }),
  endpoints: z.array(z.string()).meta({ description: '"METHOD /path" of every route.' }),
});

const tags = ['operations'];

/** `/health` (v2's shape plus the store's state) and `/`, outside the `/api` prefix. */
export function healthRoutes(sources: HealthSources): FastifyPluginAsync {
  const probeStore = cachedProbe(() => storeState(sources.store));
  const probeRedis = cachedProbe(sources.redis);
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const health = {
      tags,
      summary: 'Liveness: 503 while the store is down; Redis down is still 200',
      response: { 200: HealthReply, 503: HealthReply },
    };
    app.get('/health', { schema: health }, async (_req, reply) => {
      const [store, redis] = await Promise.all([probeStore(), probeRedis()]);
      const body: z.output<typeof HealthReply> = {
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

    const root = {
      tags,
      summary: 'What this server is, and where to look',
      response: { 200: RootReply },
    };
    app.get('/', { schema: root }, async () => ({
      name: 'Fastorika Chat Server' as const,
      version: sources.version,
      docs: '/docs',
      console: '/console',
      widgetDemo: '/widget/demo',
      endpoints: sources.endpoints(),
    }));
  };
}
