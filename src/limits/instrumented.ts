/** Limiters that tell the metrics each time they refuse (by limiter name: bounded labels). */
import type { Limits, RateLimiter } from './rate-limiter.js';

export function instrumentLimits(limits: Limits, refused: (limit: keyof Limits) => void): Limits {
  const counted = (name: keyof Limits, limiter: RateLimiter): RateLimiter => ({
    consume: (key) =>
      limiter.consume(key).then((decision) => {
        if (!decision.allowed) refused(name);
        return decision;
      }),
    giveBack: (key) => limiter.giveBack(key),
    charge: (key, points) => limiter.charge(key, points),
  });
  return {
    messages: counted('messages', limits.messages),
    typing: counted('typing', limits.typing),
    events: counted('events', limits.events),
    requests: counted('requests', limits.requests),
    reads: counted('reads', limits.reads),
    connections: counted('connections', limits.connections),
    uploads: counted('uploads', limits.uploads),
  };
}
