/**
 * The Redis client handed to the Socket.io Streams adapter. Our connection fails
 * commands at once while Redis is unreachable (redis.ts: disableOfflineQueue), and the
 * adapter (0.3) was not written for that:
 *
 * - its stream reader sends XREAD again as soon as one fails. Failing at once, that is a
 *   chain of microtasks that never yields to the event loop: the node stops answering
 *   everything (sockets, REST, /health) while Redis is away, and stays stuck after it
 *   returns, since the reconnect timer never runs again;
 * - it sends PUBLISH (serverSideEmit) and SET (a session kept for recovery) without
 *   handling a failure: an unhandled rejection, which ends the process.
 *
 * - its subscriber sends SUBSCRIBE without a handler too. Queued while that client
 *   connects (Redis just came back, or not answering yet), it is rejected with
 *   "Disconnects client" when a node stopping then closes the client: the expected end of
 *   a command nobody waits for any more, which was reported as an unhandled rejection.
 *
 * So the clients it makes for itself (the stream reader, the subscriber) wait for Redis
 * instead of failing, and those commands' failures are handled here: an outage loses that
 * event or that session (a client then catches up with ?after=), not the node.
 * test/cluster/outages.test.ts kills Redis under load and checks both;
 * test/cluster/redis-late.test.ts stops a node whose clients are still connecting.
 */
import type { RedisClient } from '../redis/redis.js';

/** Commands the adapter sends without a rejection handler. */
const FIRE_AND_FORGET = new Set<PropertyKey>(['publish', 'sPublish', 'set']);
/** What the adapter's subscriber sends without a rejection handler. */
const SUBSCRIPTIONS = new Set<PropertyKey>(['subscribe', 'sSubscribe', 'SUBSCRIBE', 'SSUBSCRIBE']);

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * A client of the adapter's own: its subscriptions' failures are seen here, and still
 * reach a caller that waits for them (room-channels.ts does), as the same promise.
 */
function duplicateOf(client: RedisClient, onError: (err: unknown) => void): RedisClient {
  return new Proxy(client.duplicate({ disableOfflineQueue: false }), {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const bound = (value as AnyFunction).bind(target);
      if (!SUBSCRIPTIONS.has(property)) return bound;
      return (...args: unknown[]) => {
        const answer = bound(...args);
        if (answer instanceof Promise) answer.catch(onError);
        return answer;
      };
    },
  });
}

export function adapterClient(client: RedisClient, onError: (err: unknown) => void): RedisClient {
  return new Proxy(client, {
    get(target, property) {
      if (property === 'duplicate') return () => duplicateOf(target, onError);
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      // Bound to the client itself: its methods use private fields a proxy does not have.
      const bound = (value as AnyFunction).bind(target);
      if (!FIRE_AND_FORGET.has(property)) return bound;
      return (...args: unknown[]) =>
        Promise.resolve(bound(...args)).catch((err: unknown) => {
          onError(err);
          return undefined;
        });
    },
  });
}
