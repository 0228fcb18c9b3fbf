/**
 * Rate limits (docs/protocol.md, "Limits"), behind one small interface. The counting is
 * rate-limiter-flexible's: in memory on one node, in Redis when REDIS_URL is set, so an
 * identity spread over several nodes gets each budget once (a key Redis refused is then
 * refused by the node itself until its window ends). While Redis is unreachable
 * each node falls back to its own memory counters (limits stay on, per node) and goes
 * back to Redis by itself.
 */
import {
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
  /** Gives back one allowed consume (work that was admitted and then did not happen). */
  giveBack(key: string): Promise<void>;
  /**
   * Charges `points` more for work already done (a read's reply beyond its first point).
   * More than the window has left becomes a debt: the key waits until the rate has earned
   * it back, not only until the window ends (which would forget it).
   */
  charge(key: string, points: number): Promise<void>;
}

export const unlimited: RateLimiter = {
  consume: async () => ({ allowed: true, retryAfterMs: 0 }),
  giveBack: async () => {},
  charge: async () => {},
};

export interface Budget {
  /** Sustained rate. */
  perSecond: number;
  /** At once, after a quiet spell. */
  burst: number;
}

/**
 * A budget counted in fixed windows: the burst over the time the rate takes to earn it
 * (10/s, bursts of 30: 30 per 3 s), each window starting at a key's first use in it. The
 * long-run rate is exactly `perSecond`; a burst may be spent at once, and the key then
 * waits for its window to end. (Counted as the rate per second plus the rest of the burst
 * in a window of its own, a steady sender had both: twice the rate, measured.) The window
 * is whole seconds, so the burst is rounded to whole seconds of the rate (30/s, bursts of
 * 100: 90 per 3 s).
 */
export function windowOf(budget: Budget): { points: number; seconds: number } {
  const seconds = Math.max(1, Math.round(budget.burst / budget.perSecond));
  return { seconds, points: Math.max(1, Math.round(budget.perSecond * seconds)) };
}

/**
 * A block's length in whole seconds (what Redis keeps), rounded up or down at random in
 * proportion: the reads admitted together each charge their part of one debt while the
 * key is blocked, and each rounded up, ten charges of 0.2 s blocked for 12 s instead of 4.
 */
export function blockSeconds(exact: number, random: () => number = Math.random): number {
  const whole = Math.floor(exact);
  return Math.max(1, whole + (random() < exact - whole ? 1 : 0));
}

export function budgetLimiter(
  name: string,
  budget: Budget,
  redis?: RedisClient,
  /** REDIS_PREFIX's names (src/redis/prefix.ts): deployments on one Redis count apart. */
  prefixed: Prefixed = unprefixed,
): RateLimiter {
  const { points, seconds } = windowOf(budget);
  const keyPrefix = prefixed(`rl:${name}:window`);
  const memory = new RateLimiterMemory({ points, duration: seconds, keyPrefix });
  const limiter: RateLimiterAbstract = redis
    ? new RateLimiterRedis({
        storeClient: redis,
        useRedisPackage: true,
        points,
        duration: seconds,
        keyPrefix,
        rejectIfRedisNotReady: true,
        insuranceLimiter: memory,
        // A key refused once stays refused until its window ends (refused consumes count
        // too, so Redis would refuse every later one): this node answers those itself, until
        // the end Redis gave, instead of a round trip each (a flooding client's).
        inMemoryBlockOnConsumed: points + 1,
      })
    : memory;
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
    async giveBack(key) {
      // Best effort: a point not given back while Redis is away costs one upload's budget.
      await limiter.reward(key, 1).catch(() => {});
    },
    async charge(key, extra) {
      if (extra <= 0) return;
      const used = await limiter.penalty(key, extra).catch(() => undefined);
      if (!used) return; // best effort, as giveBack
      // Refused consumes count in the window too; only what was admitted is spent.
      const leftBefore = Math.max(0, points - (used.consumedPoints - extra));
      const debt = extra - leftBefore;
      if (debt <= 0) return;
      const seconds = blockSeconds(used.msBeforeNext / 1000 + debt / budget.perSecond);
      await limiter.block(key, seconds).catch(() => {});
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
  /** Attachment uploads per identity. */
  uploads: RateLimiter;
}

const T = TUNABLES;

/** Values beyond the configured message limit (src/tunables.ts, each with its reason). */
export const DEFAULT_BUDGETS = {
  typing: { perSecond: T.typingPerSecond.value, burst: T.typingBurst.value },
  events: { perSecond: T.eventsPerSecond.value, burst: T.eventsBurst.value },
  requests: { perSecond: T.requestsPerSecond.value, burst: T.requestsBurst.value },
  reads: { perSecond: T.readsPerSecond.value, burst: T.readsBurst.value },
  connections: { perSecond: T.connectionsPerSecond.value, burst: T.connectionsBurst.value },
  uploads: { perSecond: T.uploadsPerSecond.value, burst: T.uploadsBurst.value },
} as const satisfies Record<string, Budget>;

export function createLimits(
  config: {
    enabled: boolean;
    messagesPerSecond: number;
    messagesBurst: number;
    /** AUTH_MODE=none: reads count by address, every console behind it on one budget. */
    readsByAddress?: boolean;
  },
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
      uploads: unlimited,
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
    reads: limiter(
      'reads',
      config.readsByAddress ? { ...d.reads, burst: T.readsBurstWithoutTokens.value } : d.reads,
    ),
    connections: limiter('connections', d.connections),
    uploads: limiter('uploads', d.uploads),
  };
}

/** Throws-free helper: the retry delay when over the limit, undefined when allowed. */
export async function overLimit(limiter: RateLimiter, key: string): Promise<number | undefined> {
  const decision = await limiter.consume(key);
  return decision.allowed ? undefined : decision.retryAfterMs;
}
