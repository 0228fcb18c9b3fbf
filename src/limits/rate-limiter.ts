/**
 * Rate limits (docs/protocol.md, "Limits"), behind one small interface. The counting is
 * rate-limiter-flexible's: in memory on one node, in Redis when REDIS_URL is set, so an
 * identity spread over several nodes gets each budget once. While Redis is unreachable
 * each node falls back to its own memory counters (limits stay on, per node) and goes
 * back to Redis by itself.
 */
import {
  BurstyRateLimiter,
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { type Prefixed, unprefixed } from '../redis/prefix.js';
import type { Redis, RedisClient } from '../redis/redis.js';
import { TUNABLES } from '../tunables.js';

export interface Decision {
  allowed: boolean;
  /** How long until one more is allowed (0 when allowed). */
  retryAfterMs: number;
}

export interface RateLimiter {
  consume(key: string): Promise<Decision>;
}

export const unlimited: RateLimiter = {
  consume: async () => ({ allowed: true, retryAfterMs: 0 }),
};

export interface Budget {
  /** Sustained rate. */
  perSecond: number;
  /** At once, after a quiet spell. */
  burst: number;
}

/**
 * A token bucket as two fixed windows: `perSecond` every second, plus `burst - perSecond`
 * more that come back once the bucket would have refilled them.
 */
export function budgetLimiter(
  name: string,
  budget: Budget,
  redis?: RedisClient,
  /** REDIS_PREFIX's names (src/redis/prefix.ts): deployments on one Redis count apart. */
  prefixed: Prefixed = unprefixed,
): RateLimiter {
  const window = (points: number, duration: number, suffix: string): RateLimiterAbstract => {
    const keyPrefix = prefixed(`rl:${name}:${suffix}`);
    const memory = new RateLimiterMemory({ points, duration, keyPrefix });
    if (!redis) return memory;
    return new RateLimiterRedis({
      storeClient: redis,
      useRedisPackage: true,
      points,
      duration,
      keyPrefix,
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
    });
  };
  // Whole points over whole seconds: a rate below 1/s becomes 1 point per 1/rate seconds.
  const seconds = Math.max(1, Math.ceil(1 / budget.perSecond));
  const points = Math.max(1, Math.round(budget.perSecond * seconds));
  const extra = Math.round(budget.burst) - points;
  const sustained = window(points, seconds, 'rate');
  const limiter =
    extra > 0
      ? new BurstyRateLimiter(
          sustained,
          window(extra, Math.max(1, Math.ceil(extra / budget.perSecond)), 'burst'),
        )
      : sustained;
  return {
    async consume(key) {
      try {
        await limiter.consume(key);
        return { allowed: true, retryAfterMs: 0 };
      } catch (refusal) {
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
        return { allowed: false, retryAfterMs: Math.max(1, refusal.msBeforeNext) };
      }
    },
  };
}

export interface Limits {
  /** Message sends per identity, REST and socket together. */
  messages: RateLimiter;
  /** Typing indicators per identity. */
  typing: RateLimiter;
  /** Every socket event per identity (per address before the socket joins as someone). */
  events: RateLimiter;
  /** REST requests per identity, else per client IP. */
  requests: RateLimiter;
  /** History and chat-list reads per identity, else per client IP: the costly requests. */
  reads: RateLimiter;
  /** New socket connections per client IP. */
  connections: RateLimiter;
}

const T = TUNABLES;

/** Values beyond the configured message limit (src/tunables.ts, each with its reason). */
export const DEFAULT_BUDGETS = {
  typing: { perSecond: T.typingPerSecond.value, burst: T.typingBurst.value },
  events: { perSecond: T.eventsPerSecond.value, burst: T.eventsBurst.value },
  requests: { perSecond: T.requestsPerSecond.value, burst: T.requestsBurst.value },
  reads: { perSecond: T.readsPerSecond.value, burst: T.readsBurst.value },
  connections: { perSecond: T.connectionsPerSecond.value, burst: T.connectionsBurst.value },
} as const satisfies Record<string, Budget>;

export function createLimits(
  config: { enabled: boolean; messagesPerSecond: number; messagesBurst: number },
  redis?: Pick<Redis, 'client' | 'prefixed'>,
): Limits {
  if (!config.enabled) {
    return {
      messages: unlimited,
      typing: unlimited,
      events: unlimited,
      requests: unlimited,
      reads: unlimited,
      connections: unlimited,
    };
  }
  const d = DEFAULT_BUDGETS;
  const messages = { perSecond: config.messagesPerSecond, burst: config.messagesBurst };
  const limiter = (name: string, budget: Budget) =>
    budgetLimiter(name, budget, redis?.client, redis?.prefixed);
  return {
    messages: limiter('messages', messages),
    typing: limiter('typing', d.typing),
    events: limiter('events', d.events),
    requests: limiter('requests', d.requests),
    reads: limiter('reads', d.reads),
    connections: limiter('connections', d.connections),
  };
}

/** Throws-free helper: the retry delay when over the limit, undefined when allowed. */
export async function overLimit(limiter: RateLimiter, key: string): Promise<number | undefined> {
  const decision = await limiter.consume(key);
  return decision.allowed ? undefined : decision.retryAfterMs;
}
