/**
 * Token buckets per key. The interface is async so that a shared (Redis) implementation
 * can stand in for the in-memory one when several nodes must share one budget.
 */
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

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * `ratePerSecond` sustained, `burst` at once. O(1) per call; idle buckets are dropped
 * when the map grows past `maxKeys`, so memory stays bounded under a key flood.
 */
export class TokenBucketLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  async consume(key: string): Promise<Decision> {
    const at = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.sweep(at);
      bucket = { tokens: this.burst, updatedAt: at };
      this.buckets.set(key, bucket);
    } else {
      const refill = ((at - bucket.updatedAt) / 1000) * this.ratePerSecond;
      bucket.tokens = Math.min(this.burst, bucket.tokens + refill);
      bucket.updatedAt = at;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterMs: 0 };
    }
    return {
      allowed: false,
      retryAfterMs: Math.ceil(((1 - bucket.tokens) / this.ratePerSecond) * 1000),
    };
  }

  /** Drops buckets that have refilled (they hold no state worth keeping), then the oldest. */
  private sweep(at: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((at - b.updatedAt) / 1000) * this.ratePerSecond >= this.burst) {
        this.buckets.delete(key);
      }
    }
    if (this.buckets.size < this.maxKeys) return;
    const excess = this.buckets.size - this.maxKeys + 1;
    let dropped = 0;
    for (const key of this.buckets.keys()) {
      if (dropped++ >= excess) break;
      this.buckets.delete(key);
    }
  }
}

export interface Limits {
  /** Message sends per identity, REST and socket together. */
  messages: RateLimiter;
  /** Typing indicators per identity. */
  typing: RateLimiter;
  /** Every socket event per identity (per address before the socket joins as someone). */
  events: RateLimiter;
  /** REST requests per client IP. */
  requests: RateLimiter;
  /** New socket connections per client IP. */
  connections: RateLimiter;
}

/** Values beyond the configured message limit: generous enough for any well-behaved client. */
export const DEFAULT_LIMITS = {
  typingPerSecond: 5,
  typingBurst: 20,
  eventsPerSecond: 30,
  eventsBurst: 100,
  requestsPerSecond: 50,
  requestsBurst: 200,
  connectionsPerSecond: 5,
  connectionsBurst: 30,
} as const;

export function createLimits(config: {
  enabled: boolean;
  messagesPerSecond: number;
  messagesBurst: number;
}): Limits {
  if (!config.enabled) {
    return {
      messages: unlimited,
      typing: unlimited,
      events: unlimited,
      requests: unlimited,
      connections: unlimited,
    };
  }
  const d = DEFAULT_LIMITS;
  return {
    messages: new TokenBucketLimiter(config.messagesPerSecond, config.messagesBurst),
    typing: new TokenBucketLimiter(d.typingPerSecond, d.typingBurst),
    events: new TokenBucketLimiter(d.eventsPerSecond, d.eventsBurst),
    requests: new TokenBucketLimiter(d.requestsPerSecond, d.requestsBurst),
    connections: new TokenBucketLimiter(d.connectionsPerSecond, d.connectionsBurst),
  };
}

/** Throws-free helper: the retry delay when over the limit, undefined when allowed. */
export async function overLimit(limiter: RateLimiter, key: string): Promise<number | undefined> {
  const decision = await limiter.consume(key);
  return decision.allowed ? undefined : decision.retryAfterMs;
}
