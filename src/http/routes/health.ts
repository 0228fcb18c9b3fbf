import type { FastifyPluginAsync } from 'fastify';
import type { Store } from '../../store/store.js';

export interface HealthSources {
  store: Store;
  connections: () => number;
  /** "METHOD /path" of every REST route, collected as they are registered. */
  endpoints: () => string[];
  version: string;
}

const PING_TIMEOUT_MS = 2000;

async function storeState(store: Store): Promise<'up' | 'down'> {
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

/** `/health` (v2's shape plus the store's state) and `/`, outside the `/api` prefix. */
export function healthRoutes(sources: HealthSources): FastifyPluginAsync {
  return async (app) => {
    app.get('/health', { schema: { tags: ['operations'] } }, async (_req, reply) => {
      const store = await storeState(sources.store);
      const body = {
        status: store === 'up' ? 'OK' : 'UNAVAILABLE',
        timestamp: new Date().toISOString(),
        uptime: process.uptime(),
        websocket: 'active',
        connections: sources.connections(),
        store: { kind: sources.store.kind, status: store },
        redis: 'disabled',
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
